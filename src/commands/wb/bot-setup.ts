import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { encryptSecret, maskSecret } from '../../core/secrets.js';
import { notifyConfig } from '../../notify/notify-config.js';
import { botTokenHash, checkBotTokenFormat } from '../../notify/telegram/bot-token.js';
import { saveBotToken } from '../../notify/telegram/bot-token.repository.js';
import { TelegramClient } from '../../notify/telegram/telegram-client.js';
import { notifyDeps, readStdin } from './notify-deps.js';

/** `mp wb bot setup`: checks the bot token with getMe and stores it encrypted. */
export async function wbBotSetup(ctx: Context, o: { tokenStdin?: boolean }): Promise<number> {
  let token = o.tokenStdin ? await readStdin() : '';
  if (!token) token = ctx.config.env.MP_TELEGRAM_BOT_TOKEN?.trim() ?? '';
  if (!token && ctx.interactive) {
    const { password } = await import('@inquirer/prompts');
    token = await password({ message: 'Telegram bot token (from @BotFather):', mask: '*' }, { output: process.stderr });
  }
  if (!token)
    throw new UsageError(
      'TELEGRAM_TOKEN_MISSING',
      'no bot token: pipe it to `mp wb bot setup --token-stdin`, set MP_TELEGRAM_BOT_TOKEN, or run on a terminal to be asked',
    );
  const clean = checkBotTokenFormat(token);
  const client = new TelegramClient({ baseUrl: notifyConfig(ctx.config).telegramUrl, token: clean, log: ctx.log });
  let me: { id: number; username?: string };
  try {
    me = await client.getMe();
  } finally {
    await client.close();
  }
  const deps = await notifyDeps(ctx);
  await saveBotToken(deps.db, botTokenHash(clean), encryptSecret(clean, deps.secretKey), me.username ?? null);
  ctx.log.info(`bot @${me.username ?? me.id} stored; start it with \`mp wb bot\``);
  ctx.out.object({ bot: me.username ?? String(me.id), token: maskSecret(clean) });
  return 0;
}
