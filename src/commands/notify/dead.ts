import type { Context } from '../../core/context.js';
import { PartialFailure } from '../../core/errors.js';
import { currentUser } from '../../core/user.js';
import { integer } from '../../core/validate.js';
import { deadNotifications, requeueDeadNotifications } from '../../notify/dead.service.js';
import { deliverNotifications } from '../../notify/deliver.operation.js';
import { notifyDeps } from '../wb/notify-deps.js';

/**
 * `mp notify dead [--recipient <id>] [--limit n] [--requeue]`: the notifications given up after
 * their last attempt, newest first, with why; `--requeue` queues them again and delivers now (under
 * the delivery lock; when another process holds it, that one sends them).
 */
export async function notifyDead(ctx: Context, o: { recipient?: string; limit?: string; requeue?: boolean }): Promise<void> {
  const limit = o.limit === undefined ? 50 : integer(o.limit, '--limit', { min: 1, max: 10_000 });
  const deps = await notifyDeps(ctx);
  const view = await deadNotifications(deps.db, { recipient: o.recipient, limit, user: currentUser(ctx.config) });
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
    return;
  }
  const requeued = await requeueDeadNotifications(
    deps.db,
    view.map((r) => r.id),
    ctx.clock.now(),
  );
  const locked = await deliverNotifications(deps, { outbox: false });
  if (!locked.delivered) {
    ctx.log.info(`requeued ${requeued}; another mp process is delivering right now (job wb.notify) and will send them`);
    ctx.out.object({ requeued, sent: 0, retried: 0, dead: 0, delivered_by_another_process: true });
    return;
  }
  const stats = locked.stats;
  ctx.log.info(`requeued ${requeued}; sent ${stats.sent}, retry later ${stats.retried}, held ${stats.held}, given up again ${stats.dead}`);
  ctx.out.object({ requeued, sent: stats.sent, retried: stats.retried, held: stats.held, dead: stats.dead });
  if (stats.dead > 0) throw new PartialFailure('NOTIFY_DEAD', `${stats.dead} notification(s) given up again: \`mp notify dead\` shows why`);
}
