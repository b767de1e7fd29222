import type { Context } from '../../core/context.js';
import { notifyConfig } from '../../notify/notify-config.js';
import { Pacer } from '../../notify/pacer.js';
import { runBot } from '../../notify/telegram/bot.service.js';
import { noBotToken, resolveBotToken } from '../../notify/telegram/bot-token.js';
import { TelegramClient } from '../../notify/telegram/telegram-client.js';
import { notifyDeps } from './notify-deps.js';

/** `mp wb bot [--once]`: the Telegram bot (long polling) until Ctrl-C; also delivers notifications. */
export async function wbBot(ctx: Context, o: { once?: boolean }): Promise<number> {
  const deps = await notifyDeps(ctx);
  const bot = await resolveBotToken(deps.db, ctx.config, deps.secretKey);
  if (!bot) throw noBotToken();
  const nc = notifyConfig(ctx.config);
  const client = new TelegramClient({ baseUrl: nc.telegramUrl, token: bot.token, log: ctx.log });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    if (!o.once) ctx.log.info('the bot is running (long polling); Ctrl-C stops it');
    const result = await runBot(await ctx.db(), deps, {
      tokenHash: bot.hash,
      client,
      pacer: new Pacer({ perSecond: nc.perSecond, perChatMs: nc.perChatMs }),
      once: o.once,
      signal: controller.signal,
    });
    if (o.once) ctx.out.object({ updates: result.updates });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await client.close();
  }
  return 0;
}
