// All SQL for notify_recipients: who receives a cabinet's notifications, and their settings.
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { NotifyRecipientsTable } from '../db/schema/notify.js';
import type { Database } from '../db/schema.js';

export type RecipientRow = Selectable<NotifyRecipientsTable>;
export type RecipientWithCabinet = RecipientRow & { cabinet_name: string };
export type SettingsPatch = Pick<
  Updateable<NotifyRecipientsTable>,
  'enabled' | 'types' | 'review_threshold' | 'stock_threshold' | 'group_threshold' | 'quiet_start' | 'quiet_end' | 'time_zone' | 'lang'
>;

export async function insertRecipient(
  db: Kysely<Database>,
  row: {
    cabinet_id: string;
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

export async function listRecipients(db: Kysely<Database>, filter: { cabinetId?: string; chatId?: string } = {}): Promise<RecipientWithCabinet[]> {
  let q = db
    .selectFrom('notify_recipients as r')
    .innerJoin('wb_cabinets as c', 'c.id', 'r.cabinet_id')
    .selectAll('r')
    .select('c.name as cabinet_name')
    .orderBy('r.id');
  if (filter.cabinetId) q = q.where('r.cabinet_id', '=', filter.cabinetId);
  if (filter.chatId) q = q.where('r.chat_id', '=', filter.chatId);
  return q.execute();
}

export async function getRecipient(db: Kysely<Database>, id: string): Promise<RecipientWithCabinet | undefined> {
  if (!/^\d+$/.test(id)) return undefined;
  return db
    .selectFrom('notify_recipients as r')
    .innerJoin('wb_cabinets as c', 'c.id', 'r.cabinet_id')
    .selectAll('r')
    .select('c.name as cabinet_name')
    .where('r.id', '=', id)
    .executeTakeFirst();
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
