import type { Context } from '../../core/context.js';
import { sendTestNotifications } from '../../notify/notify.service.js';
import { notifyDeps } from './notify-deps.js';

/** `mp wb notify test [--recipient <id>]`: one sample of each enabled type, delivered now. */
export async function wbNotifyTest(ctx: Context, o: { recipient?: string }): Promise<number> {
  const deps = await notifyDeps(ctx);
  const stats = await sendTestNotifications(deps, o.recipient);
  if (stats.queued === 0) ctx.log.warn('no active recipient with enabled notifications: see `mp wb notify recipient list`');
  ctx.log.info(`queued ${stats.queued} sample(s); sent ${stats.sent}, retry later ${stats.retried}, held ${stats.held}, given up ${stats.dead}`);
  ctx.out.object({ queued: stats.queued, sent: stats.sent, retried: stats.retried, held: stats.held, dead: stats.dead });
  return stats.dead > 0 ? 1 : 0;
}
