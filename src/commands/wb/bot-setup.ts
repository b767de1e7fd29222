import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { maskSecret } from '../../core/secrets.js';
import { checkBotToken, storeBotToken } from '../../notify/telegram/bot-setup.service.js';
import { notifyDeps, readStdin } from './notify-deps.js';

/** `mp wb bot setup`: checks the bot token with getMe and stores it encrypted. */
export async function wbBotSetup(ctx: Context, o: { tokenStdin?: boolean }): Promise<void> {
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
  const me = await checkBotToken(ctx.config, ctx.log, token);
  const name = await storeBotToken(await notifyDeps(ctx), me);
  ctx.log.info(`bot @${name} stored; start it with \`mp wb bot\``);
  ctx.out.object({ bot: name, token: maskSecret(me.token) });
}
