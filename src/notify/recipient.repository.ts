// All SQL for notify_recipients: who receives a WB cabinet's or a Kaspi store's notifications, and
// their settings.
import type { Kysely, Selectable, SelectQueryBuilder, Updateable } from 'kysely';
import type { NotifyRecipientsTable } from '../db/schema/notify.js';
import type { Database } from '../db/schema.js';

export type RecipientRow = Selectable<NotifyRecipientsTable>;
/**
 * A recipient with the name of what it is subscribed to: `cabinet_name` for a WB cabinet's,
 * `store_name` and `merchant_id` for a Kaspi store's (the others null).
 */
export type RecipientWithCabinet = RecipientRow & { cabinet_name: string | null; store_name: string | null; merchant_id: string | null };
export type SettingsPatch = Pick<
  Updateable<NotifyRecipientsTable>,
  'enabled' | 'types' | 'review_threshold' | 'stock_threshold' | 'group_threshold' | 'quiet_start' | 'quiet_end' | 'time_zone' | 'lang'
>;

export async function insertRecipient(
  db: Kysely<Database>,
  row: {
    cabinet_id?: string | null;
    kaspi_store_id?: string | null;
    user_id?: string | null;
    channel: 'telegram' | 'webhook';
    chat_id?: string | null;
    webhook_url?: string | null;
    webhook_secret_sealed?: string | null;
  },
): Promise<RecipientRow | undefined> {
  return db
    .insertInto('notify_recipients')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** A bot user's chat for a cabinet: created, or re-enabled (after /start following a block). */
export async function upsertTelegramRecipient(db: Kysely<Database>, cabinetId: string, chatId: string, userId: string | null): Promise<RecipientRow> {
  const existing = await db
    .selectFrom('notify_recipients')
    .selectAll()
    .where('cabinet_id', '=', cabinetId)
    .where('channel', '=', 'telegram')
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
  if (existing) {
    return db
      .updateTable('notify_recipients')
      .set({ disabled_at: null, disabled_reason: null, user_id: userId ?? existing.user_id, updated_at: new Date() })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  return db
    .insertInto('notify_recipients')
    .values({ cabinet_id: cabinetId, channel: 'telegram', chat_id: chatId, user_id: userId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Recipients with the names of their cabinet or store. */
function withSubject(db: Kysely<Database>) {
  return db
    .selectFrom('notify_recipients as r')
    .leftJoin('wb_cabinets as c', 'c.id', 'r.cabinet_id')
    .leftJoin('kaspi_stores as s', 's.id', 'r.kaspi_store_id')
    .selectAll('r')
    .select(['c.name as cabinet_name', 's.name as store_name', 's.merchant_id as merchant_id']) as unknown as SelectQueryBuilder<
    Database & { r: NotifyRecipientsTable },
    'r',
    RecipientWithCabinet
  >;
}

export async function listRecipients(
  db: Kysely<Database>,
  filter: { cabinetId?: string; storeId?: string; chatId?: string } = {},
): Promise<RecipientWithCabinet[]> {
  let q = withSubject(db).orderBy('r.id');
  if (filter.cabinetId) q = q.where('r.cabinet_id', '=', filter.cabinetId);
  if (filter.storeId) q = q.where('r.kaspi_store_id', '=', filter.storeId);
  if (filter.chatId) q = q.where('r.chat_id', '=', filter.chatId);
  return q.execute();
}

export async function getRecipient(db: Kysely<Database>, id: string): Promise<RecipientWithCabinet | undefined> {
  if (!/^\d+$/.test(id)) return undefined;
  return withSubject(db).where('r.id', '=', id).executeTakeFirst();
}

export async function deleteRecipient(db: Kysely<Database>, id: string): Promise<boolean> {
  const res = await db.deleteFrom('notify_recipients').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function updateRecipientSettings(db: Kysely<Database>, id: string, patch: SettingsPatch): Promise<void> {
  await db
    .updateTable('notify_recipients')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Telegram said 403: this chat gets nothing more until the user starts the bot again. */
export async function disableChat(db: Kysely<Database>, chatId: string, reason: string, at: Date): Promise<string[]> {
  const rows = await db
    .updateTable('notify_recipients')
    .set({ disabled_at: at, disabled_reason: reason, updated_at: at })
    .where('channel', '=', 'telegram')
    .where('chat_id', '=', chatId)
    .where('disabled_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** The user started the bot again: every subscription of this chat is enabled again. */
export async function enableChat(db: Kysely<Database>, chatId: string, at: Date): Promise<void> {
  await db
    .updateTable('notify_recipients')
    .set({ disabled_at: null, disabled_reason: null, updated_at: at })
    .where('channel', '=', 'telegram')
    .where('chat_id', '=', chatId)
    .where('disabled_at', 'is not', null)
    .execute();
}

/** Recipients of these cabinets that may receive anything (not disabled, notifications on). */
export async function activeRecipients(db: Kysely<Database>, cabinetIds: string[]): Promise<RecipientRow[]> {
  if (cabinetIds.length === 0) return [];
  return db
    .selectFrom('notify_recipients')
    .selectAll()
    .where('cabinet_id', 'in', cabinetIds)
    .where('disabled_at', 'is', null)
    .where('enabled', '=', true)
    .orderBy('id')
    .execute();
}

/** Recipients of these Kaspi stores that may receive anything (not disabled, notifications on). */
export async function activeStoreRecipients(db: Kysely<Database>, storeIds: string[]): Promise<RecipientRow[]> {
  if (storeIds.length === 0) return [];
  return db
    .selectFrom('notify_recipients')
    .selectAll()
    .where('kaspi_store_id', 'in', storeIds)
    .where('disabled_at', 'is', null)
    .where('enabled', '=', true)
    .orderBy('id')
    .execute();
}
