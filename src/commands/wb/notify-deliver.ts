import type { Context } from '../../core/context.js';
import { PartialFailure } from '../../core/errors.js';
import { deliverNotifications } from '../../notify/deliver.operation.js';
import { notifyDeps } from './notify-deps.js';

/**
 * `mp wb notify deliver`: fan out new WB events and send what is due (cron and the daemon call it).
 * The delivery operation takes the `wb.notify` lock, as the job and the bot do: one process delivers
 * at a time on any host, so Telegram's pace is never counted twice. When another holds it, nothing
 * is sent here.
 */
export async function wbNotifyDeliver(ctx: Context): Promise<void> {
  const result = await deliverNotifications(await notifyDeps(ctx));
  const waiting = result.outbox;
  if (!result.delivered) {
    ctx.log.info(
      'Another mp process is delivering notifications right now (the daemon, cron or the bot: job wb.notify); it will send these. Nothing sent from here.',
    );
    ctx.out.object({ skipped: true, outbox: waiting });
    return;
  }
  const stats = result.stats;
  if (!stats.telegram && (waiting.pending ?? 0) + (waiting.failed ?? 0) > 0) {
    ctx.log.warn('Telegram messages are waiting but no bot token is set: set MP_TELEGRAM_BOT_TOKEN or run `mp wb bot setup`');
  }
  ctx.log.info(
    `${stats.events} new event(s) → ${stats.created} notification(s); sent ${stats.sent}, retry later ${stats.retried}, held for quiet hours ${stats.held}, given up ${stats.dead}`,
  );
  ctx.out.object({ ...stats, outbox: waiting });
  if (stats.dead > 0) throw new PartialFailure('NOTIFY_DEAD', `${stats.dead} notification(s) given up: \`mp notify dead\` shows why`);
}
