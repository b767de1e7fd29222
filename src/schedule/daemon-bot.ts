// The Telegram bot inside `mp daemon`, so a seller runs one long-lived process: when a bot token is
// configured, the daemon polls it beside its jobs. Only one poller per token may run (the bot's
// lock): when `mp wb bot` (or another daemon) already polls, the daemon leaves the bot to it and
// looks again every minute, taking over when that process stops.
import type { Context } from '../core/context.js';
import type { DbHandle } from '../db/connect.js';

const RETRY_MS = 60_000;
const RESTART_MS = 2_000;

/** A connection to the database that broke (not a bot or Telegram failure). */
function lostDatabase(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ENOENT', '57P01'].includes(e?.code ?? '') ||
    /Connection terminated|connection error|not queryable|write EPIPE|read ECONNRESET/i.test(e?.message ?? '')
  );
}

export interface DaemonBot {
  /** Stops polling (the update in hand is finished) and resolves when the bot is done. */
  stop(): Promise<void>;
}

/** Starts the bot loop when a token is configured; undefined when there is none. */
export async function startDaemonBot(ctx: Context, handle: DbHandle): Promise<DaemonBot | undefined> {
  const [{ notifyConfig }, { Pacer, sleep }, { runBot }, { resolveBotToken }, { TelegramClient }] = await Promise.all([
    import('../notify/notify-config.js'),
    import('../notify/pacer.js'),
    import('../notify/telegram/bot.service.js'),
    import('../notify/telegram/bot-token.js'),
    import('../notify/telegram/telegram-client.js'),
  ]);
  const key = await ctx.secretKey();
  const bot = await resolveBotToken(handle.db, ctx.config, key);
  if (!bot) {
    ctx.log.info('no Telegram bot token (MP_TELEGRAM_BOT_TOKEN or `mp wb bot setup`): the bot does not run', { event: 'bot.off' });
    return undefined;
  }
  const nc = notifyConfig(ctx.config);
  const client = new TelegramClient({ baseUrl: nc.telegramUrl, token: bot.token, log: ctx.log });
  const pacer = new Pacer({ perSecond: nc.perSecond, perChatMs: nc.perChatMs });
  const deps = { db: handle.db, config: ctx.config, log: ctx.log, clock: ctx.clock, secretKey: key };
  const controller = new AbortController();
  const loop = (async () => {
    let toldBusy = false;
    while (!controller.signal.aborted) {
      try {
        if (!toldBusy) ctx.log.info('the Telegram bot starts polling', { event: 'bot.started' });
        await runBot(handle, deps, { tokenHash: bot.hash, client, pacer, signal: controller.signal });
      } catch (error) {
        if (controller.signal.aborted) break;
        if ((error as { code?: string }).code === 'TELEGRAM_BOT_RUNNING') {
          if (!toldBusy)
            ctx.log.info('another mp process polls the Telegram bot (`mp wb bot`): the daemon leaves it to it and looks again every minute', {
              event: 'bot.elsewhere',
            });
          toldBusy = true;
        } else if (lostDatabase(error)) {
          // The database went away under it (the embedded database's owner was stopped or killed):
          // the next connection starts a new owner, so start again soon.
          ctx.log.warn(`the Telegram bot lost the database (${(error as Error).message}); starting it again`, { event: 'bot.restart' });
          await sleep(RESTART_MS, controller.signal);
          continue;
        } else {
          ctx.log.error(`the Telegram bot stopped: ${(error as Error).message}; starting it again in a minute`, { event: 'bot.failed' });
        }
      }
      await sleep(RETRY_MS, controller.signal);
    }
  })();
  return {
    async stop() {
      controller.abort();
      await loop;
      await client.close();
    },
  };
}
