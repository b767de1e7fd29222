import type { Context } from '../../core/context.js';
import { deliverNow } from '../../notify/notify.service.js';
import { countByStatus } from '../../notify/outbox.repository.js';
import { notifyDeps } from './notify-deps.js';

/** `mp wb notify deliver`: fan out new WB events and send what is due (cron and the daemon call it). */
export async function wbNotifyDeliver(ctx: Context): Promise<number> {
  const deps = await notifyDeps(ctx);
  const stats = await deliverNow(deps);
  const waiting = await countByStatus(deps.db);
  if (!stats.telegram && (waiting.pending ?? 0) + (waiting.failed ?? 0) > 0) {
    ctx.log.warn('Telegram messages are waiting but no bot token is set: set MP_TELEGRAM_BOT_TOKEN or run `mp wb bot setup`');
  }
  ctx.log.info(
    `${stats.events} new event(s) → ${stats.created} notification(s); sent ${stats.sent}, retry later ${stats.retried}, held for quiet hours ${stats.held}, given up ${stats.dead}`,
  );
  ctx.out.object({ ...stats, outbox: waiting });
  return stats.dead > 0 ? 1 : 0;
}
