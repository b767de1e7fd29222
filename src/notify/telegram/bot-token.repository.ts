// All SQL for notify_bot_tokens and notify_bot_chats: the stored bot token, the getUpdates offset,
// and where each chat is in the bot's journey.
import type { Kysely, Selectable } from 'kysely';
import type { NotifyBotChatsTable } from '../../db/schema/notify.js';
import type { Database } from '../../db/schema.js';

export type BotChat = Selectable<NotifyBotChatsTable>;

export async function saveBotToken(db: Kysely<Database>, hash: string, sealed: string | null, username: string | null): Promise<void> {
  await db
    .insertInto('notify_bot_tokens')
    .values({ token_hash: hash, token_sealed: sealed, bot_username: username })
    .onConflict((oc) =>
      oc.column('token_hash').doUpdateSet((eb) => ({
        token_sealed: sealed === null ? eb.ref('notify_bot_tokens.token_sealed') : sealed,
        bot_username: username ?? eb.ref('notify_bot_tokens.bot_username'),
        updated_at: new Date(),
      })),
    )
    .execute();
}

/** The token saved by `mp wb bot setup` most recently. */
export async function storedBotToken(db: Kysely<Database>): Promise<{ token_hash: string; token_sealed: string } | undefined> {
  const row = await db
    .selectFrom('notify_bot_tokens')
    .select(['token_hash', 'token_sealed'])
    .where('token_sealed', 'is not', null)
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
  return row ? { token_hash: row.token_hash, token_sealed: row.token_sealed! } : undefined;
}

export async function updateOffset(db: Kysely<Database>, hash: string): Promise<number> {
  const row = await db.selectFrom('notify_bot_tokens').select('update_offset').where('token_hash', '=', hash).executeTakeFirst();
  return Number(row?.update_offset ?? 0);
}

export async function saveOffset(db: Kysely<Database>, hash: string, offset: number): Promise<void> {
  await db
    .updateTable('notify_bot_tokens')
    .set({ update_offset: String(offset), updated_at: new Date() })
    .where('token_hash', '=', hash)
    .execute();
}

export async function getChat(db: Kysely<Database>, chatId: string): Promise<BotChat | undefined> {
  return db.selectFrom('notify_bot_chats').selectAll().where('chat_id', '=', chatId).executeTakeFirst();
}

export async function saveChat(
  db: Kysely<Database>,
  chatId: string,
  values: Partial<Pick<BotChat, 'user_id' | 'state' | 'cabinet_id' | 'menu_message_id' | 'telegram_lang' | 'chosen_lang'>>,
): Promise<void> {
  await db
    .insertInto('notify_bot_chats')
    .values({ chat_id: chatId, ...values })
    .onConflict((oc) => oc.column('chat_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

/** Chats whose initial sync has not finished (a restart resumes them). */
export async function chatsSyncing(db: Kysely<Database>): Promise<{ chat_id: string; cabinet_id: string }[]> {
  const rows = await db
    .selectFrom('notify_bot_chats')
    .select(['chat_id', 'cabinet_id'])
    .where('state', '=', 'syncing')
    .where('cabinet_id', 'is not', null)
    .orderBy('chat_id')
    .execute();
  return rows.map((r) => ({ chat_id: r.chat_id, cabinet_id: r.cabinet_id! }));
}
