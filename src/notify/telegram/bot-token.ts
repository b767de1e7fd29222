// Which bot token mp uses: MP_TELEGRAM_BOT_TOKEN, else the one stored by `mp wb bot setup`.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../../core/config.js';
import { UserError } from '../../core/errors.js';
import { decryptSecret } from '../../core/secrets.js';
import type { Database } from '../../db/schema.js';
import { saveBotToken, storedBotToken } from './bot-token.repository.js';

export function botTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Telegram bot tokens look like `123456789:AA…` (a numeric bot id, a colon, 30+ characters). */
export function checkBotTokenFormat(token: string): string {
  const clean = token.trim();
  if (!/^\d+:[\w-]{10,}$/.test(clean)) {
    throw new UserError('TELEGRAM_TOKEN_INVALID', 'that does not look like a Telegram bot token (123456789:AA…): copy it from @BotFather');
  }
  return clean;
}

/** The bot token, or undefined when none is configured. Registers its hash (for the offset row). */
export async function resolveBotToken(db: Kysely<Database>, config: Config, key: Buffer): Promise<{ token: string; hash: string } | undefined> {
  const fromEnv = config.env.MP_TELEGRAM_BOT_TOKEN?.trim();
  if (fromEnv) {
    const hash = botTokenHash(fromEnv);
    await saveBotToken(db, hash, null, null);
    return { token: fromEnv, hash };
  }
  const stored = await storedBotToken(db);
  if (!stored) return undefined;
  return { token: decryptSecret(stored.token_sealed, key), hash: stored.token_hash };
}

export function noBotToken(): UserError {
  return new UserError('TELEGRAM_NO_TOKEN', 'No Telegram bot token. Set MP_TELEGRAM_BOT_TOKEN or run `mp wb bot setup`.');
}
