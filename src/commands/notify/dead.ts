import type { Context } from '../../core/context.js';
import { currentUser } from '../../core/user.js';
import { integer } from '../../core/validate.js';
import { withAdvisoryLock } from '../../db/locks.js';
import { deliverNow } from '../../notify/notify.service.js';
import { listDead, requeueDead } from '../../notify/outbox.repository.js';
import { recipientId, recipientsOf, requireRecipient, subjectOf } from '../../notify/recipient.service.js';
import { jobLockName } from '../../schedule/run-job.js';
import { notifyDeps } from '../wb/notify-deps.js';

/**
 * `mp notify dead [--recipient <id>] [--limit n] [--requeue]`: the notifications given up after
 * their last attempt, newest first, with why; `--requeue` queues them again and delivers now (under
 * the delivery lock; when another process holds it, that one sends them).
 */
export async function notifyDead(ctx: Context, o: { recipient?: string; limit?: string; requeue?: boolean }): Promise<number> {
  const limit = o.limit === undefined ? 50 : integer(o.limit, '--limit', { min: 1, max: 10_000 });
  const user = currentUser(ctx.config.env);
  const deps = await notifyDeps(ctx);
  const recipients = o.recipient ? [await requireRecipient(deps.db, recipientId(o.recipient, '--recipient'), user)] : await recipientsOf(deps.db, {}, user);
  const byId = new Map(recipients.map((r) => [r.id, r]));
  const rows = await listDead(deps.db, { recipientIds: o.recipient || user !== undefined ? [...byId.keys()] : undefined, limit });
  const view = rows.map((r) => {
    const rec = byId.get(r.recipient_id);
    const events = Array.isArray((r.payload as { events?: unknown[] }).events) ? (r.payload as { events: unknown[] }).events.length : 1;
    return {
      id: r.id,
      recipient: r.recipient_id,
      of: rec ? subjectOf(rec) : '',
      channel: rec ? `${rec.channel} ${rec.chat_id ?? rec.webhook_url}` : '',
      type: r.type,
      events,
      attempts: r.attempts,
      created_at: r.created_at,
      error: r.last_error,
    };
  });
  if (!o.requeue) {
    ctx.out.list(view, [
      { key: 'id', align: 'right' },
      { key: 'recipient', align: 'right' },
      { key: 'type' },
      { key: 'attempts', align: 'right', kind: 'count', priority: 4 },
      { key: 'created_at', header: 'created', kind: 'time', priority: 3 },
      { key: 'error', shrink: true, ellipsis: 'end', min: 16 },
    ]);
    if (view.length === 0 && !ctx.out.json) ctx.log.info('No dead notifications.');
    else if (!ctx.out.json) ctx.log.info(`${view.length} dead notification(s); \`mp notify dead --requeue\` sends them again`);
    return 0;
  }
  const requeued = await requeueDead(
    deps.db,
    rows.map((r) => r.id),
    ctx.clock.now(),
  );
  const locked = await withAdvisoryLock(await ctx.db(), jobLockName('wb.notify', null), () => deliverNow(deps));
  if (!locked.acquired) {
    ctx.log.info(`requeued ${requeued}; another mp process is delivering right now (job wb.notify) and will send them`);
    ctx.out.object({ requeued, sent: 0, retried: 0, dead: 0, delivered_by_another_process: true });
    return 0;
  }
  const stats = locked.value;
  ctx.log.info(`requeued ${requeued}; sent ${stats.sent}, retry later ${stats.retried}, held ${stats.held}, given up again ${stats.dead}`);
  ctx.out.object({ requeued, sent: stats.sent, retried: stats.retried, held: stats.held, dead: stats.dead });
  return stats.dead > 0 ? 1 : 0;
}
