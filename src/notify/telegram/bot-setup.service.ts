// `mp wb bot setup`: a bot token checked with Telegram (getMe) and stored encrypted.
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/log.js';
import { encryptSecret } from '../../core/secrets.js';
import type { NotifyDeps } from '../notify.service.js';
import { notifyConfig } from '../notify-config.js';
import { botTokenHash, checkBotTokenFormat } from './bot-token.js';
import { saveBotToken } from './bot-token.repository.js';
import { TelegramClient } from './telegram-client.js';

/** Checks the token's form, then asks Telegram who the bot is (getMe); throws when Telegram refuses it. */
export async function checkBotToken(config: Config, log: Logger, token: string): Promise<{ token: string; id: number; username?: string }> {
  const clean = checkBotTokenFormat(token);
  const client = new TelegramClient({ baseUrl: notifyConfig(config).telegramUrl, token: clean, log });
  try {
    const me = await client.getMe();
    return { token: clean, id: me.id, username: me.username };
  } finally {
    await client.close();
  }
}

/** Stores a checked bot token, encrypted; returns the bot's name (its username, else its id). */
export async function storeBotToken(deps: Pick<NotifyDeps, 'db' | 'secretKey'>, bot: { token: string; id: number; username?: string }): Promise<string> {
  await saveBotToken(deps.db, botTokenHash(bot.token), encryptSecret(bot.token, deps.secretKey), bot.username ?? null);
  return bot.username ?? String(bot.id);
}
