import type { Context } from '../../core/context.js';
import { runConfiguredBot } from '../../notify/telegram/bot.service.js';
import { notifyDeps } from './notify-deps.js';

/** `mp wb bot [--once]`: the Telegram bot (long polling) until Ctrl-C; also delivers notifications. */
export async function wbBot(ctx: Context, o: { once?: boolean }): Promise<void> {
  const deps = await notifyDeps(ctx);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const result = await runConfiguredBot(deps.handle, deps, {
      once: o.once,
      signal: controller.signal,
      onStart: () => {
        if (!o.once) ctx.log.info('the bot is running (long polling); Ctrl-C stops it');
      },
    });
    if (o.once) ctx.out.object({ updates: result.updates });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
