import type { Context } from '../../core/context.js';
import { PartialFailure } from '../../core/errors.js';
import { currentUser } from '../../core/user.js';
import { deliverNotifications } from '../../notify/deliver.operation.js';
import { queueTestNotifications } from '../../notify/notify.service.js';
import { notifyDeps } from './notify-deps.js';

/**
 * `mp wb notify test [--recipient <id>]`: one sample of each enabled type, delivered now — through the
 * delivery operation (the `wb.notify` lock) like every delivery; when another process holds it, that one sends the samples.
 */
export async function wbNotifyTest(ctx: Context, o: { recipient?: string }): Promise<void> {
  const deps = await notifyDeps(ctx);
  const queued = await queueTestNotifications(deps, o.recipient, currentUser(ctx.config));
  if (queued === 0) ctx.log.warn('no active recipient with enabled notifications: see `mp wb notify recipient list`');
  const locked = await deliverNotifications(deps, { outbox: false });
  if (!locked.delivered) {
    ctx.log.info(`queued ${queued} sample(s); another mp process is delivering right now (job wb.notify) and will send them`);
    ctx.out.object({ queued, sent: 0, retried: 0, held: 0, dead: 0, delivered_by_another_process: true });
    return;
  }
  const stats = locked.stats;
  ctx.log.info(`queued ${queued} sample(s); sent ${stats.sent}, retry later ${stats.retried}, held ${stats.held}, given up ${stats.dead}`);
  ctx.out.object({ queued, sent: stats.sent, retried: stats.retried, held: stats.held, dead: stats.dead });
  if (stats.dead > 0) throw new PartialFailure('NOTIFY_DEAD', `${stats.dead} notification(s) given up: \`mp notify dead\` shows why`);
}
