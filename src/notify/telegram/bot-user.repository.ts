// SQL the bot needs on the WB engineer's user tables: a Telegram user's mp_users row and cabinets.
// (Kept here, read-mostly, because src/wb/user.repository.ts finds users by name only.)
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** The mp user of a Telegram account, created on first /start with the name `telegram:<id>`. */
export async function ensureTelegramUser(db: Kysely<Database>, telegramId: string): Promise<{ id: string; name: string }> {
  const found = await db.selectFrom('mp_users').select(['id', 'name']).where('telegram_id', '=', telegramId).executeTakeFirst();
  if (found) return found;
  return db
    .insertInto('mp_users')
    .values({ name: `telegram:${telegramId}`, telegram_id: telegramId })
    .onConflict((oc) => oc.column('telegram_id').doUpdateSet({ telegram_id: telegramId }))
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

export async function userCabinets(db: Kysely<Database>, userId: string): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom('wb_cabinet_users as cu')
    .innerJoin('wb_cabinets as c', 'c.id', 'cu.cabinet_id')
    .select(['c.id', 'c.name'])
    .where('cu.user_id', '=', userId)
    .orderBy('c.id')
    .execute();
}
