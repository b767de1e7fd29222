// All SQL for notify_outbox: inserting notifications (idempotent by dedup key), claiming due rows
// with FOR UPDATE SKIP LOCKED and a lease, and recording what happened to each send.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { NotifyOutboxTable } from '../db/schema/notify.js';
import type { Database } from '../db/schema.js';

export type OutboxRow = Selectable<NotifyOutboxTable>;

export interface NewNotification {
  recipient_id: string;
  /** The WB cabinet or (`kaspi_store_id`) the Kaspi store it is about; the other null. */
  cabinet_id: string | null;
  kaspi_store_id?: string | null;
  type: string;
  dedup_key: string;
  payload: Record<string, unknown>;
  next_attempt_at: Date;
}

/** Claimed rows carry what delivery needs from their recipient. */
export interface ClaimedRow extends OutboxRow {
  channel: 'telegram' | 'webhook';
  chat_id: string | null;
  webhook_url: string | null;
  webhook_secret_sealed: string | null;
  lang: 'ru' | 'en';
  quiet_start: string | null;
  quiet_end: string | null;
  time_zone: string;
  recipient_disabled: boolean;
}

/** Inserts notifications; a dedup key already present for that recipient is skipped. Returns how many were new. */
export async function insertNotifications(db: Kysely<Database>, rows: NewNotification[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000).map((r) => ({ ...r, payload: JSON.stringify(r.payload) as unknown as Record<string, unknown> }));
    const res = await db
      .insertInto('notify_outbox')
      .values(chunk)
      .onConflict((oc) => oc.columns(['recipient_id', 'dedup_key']).doNothing())
      .returning('id')
      .execute();
    inserted += res.length;
  }
  return inserted;
}

/**
 * Claims up to `limit` due rows for `worker` until `leaseUntil`: pending or failed rows whose time
 * has come, and `sending` rows whose worker died before the request left (lease expired,
 * in_flight_at null). SKIP LOCKED lets any number of processes claim at once without overlap.
 */
export async function claimDue(
  db: Kysely<Database>,
  o: { now: Date; leaseUntil: Date; worker: string; limit: number; channel?: 'telegram' | 'webhook' },
): Promise<ClaimedRow[]> {
  const channelFilter = o.channel ? sql`and exists (select 1 from notify_recipients r where r.id = o.recipient_id and r.channel = ${o.channel})` : sql``;
  const { rows } = await sql<ClaimedRow>`
    with due as (
      select o.id from notify_outbox o
      where ((o.status in ('pending', 'failed') and o.next_attempt_at <= ${o.now})
          or (o.status = 'sending' and o.locked_until < ${o.now} and o.in_flight_at is null))
        ${channelFilter}
      order by o.next_attempt_at, o.id
      limit ${o.limit}
      for update of o skip locked
    ), claimed as (
      update notify_outbox o set status = 'sending', locked_until = ${o.leaseUntil}, locked_by = ${o.worker}
      from due where o.id = due.id
      returning o.*
    )
    select c.*, r.channel, r.chat_id, r.webhook_url, r.webhook_secret_sealed, r.lang, r.quiet_start, r.quiet_end, r.time_zone,
      (r.disabled_at is not null or not r.enabled) as recipient_disabled
    from claimed c join notify_recipients r on r.id = c.recipient_id
    order by c.next_attempt_at, c.id`.execute(db);
  return rows;
}

/**
 * Rows whose worker stopped while a request was in flight (lease expired, in_flight_at set): nobody
 * knows whether the service got it. Telegram has no idempotency key, so that part is counted as sent
 * (flagged `unconfirmed`) and never repeated; a webhook is sent again (receivers dedupe by `id`).
 * The rows go back to pending so any remaining parts are delivered. Returns how many were resolved.
 */
export async function resolveInDoubt(db: Kysely<Database>, now: Date): Promise<number> {
  const res = await sql`
    update notify_outbox o set
      status = 'pending', locked_until = null, locked_by = null, in_flight_at = null, next_attempt_at = ${now},
      parts_sent = case when r.channel = 'telegram' then o.parts_sent + 1 else o.parts_sent end,
      unconfirmed = (r.channel = 'telegram'),
      last_error = case when r.channel = 'telegram' then 'the process stopped while this message was being sent; not sent again to avoid a duplicate' else o.last_error end
    from notify_recipients r
    where r.id = o.recipient_id and o.status = 'sending' and o.locked_until < ${now} and o.in_flight_at is not null`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/**
 * Written just before requests leave (one statement for the rows about to be sent): from here on a
 * crash leaves a row "in doubt". The lease is renewed to `leaseUntil`, so a row whose request starts
 * late in a long run (pacing, 429 waits) is not taken for a dead worker's while the request is out.
 * Returns the ids still held by `worker`.
 */
export async function markInFlightMany(db: Kysely<Database>, ids: string[], worker: string, at: Date, leaseUntil: Date): Promise<Set<string>> {
  const rows = await db
    .updateTable('notify_outbox')
    .set({ in_flight_at: at, locked_until: leaseUntil })
    .where('id', 'in', ids)
    .where('locked_by', '=', worker)
    .where('status', '=', 'sending')
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** One part of a multi-part message went out. */
export async function markPartSent(db: Kysely<Database>, id: string, partsSent: number): Promise<void> {
  await db.updateTable('notify_outbox').set({ parts_sent: partsSent, in_flight_at: null }).where('id', '=', id).execute();
}

/** A part whose request timed out: counted as sent, never repeated, the row flagged `unconfirmed`. */
export async function markUnconfirmedPart(db: Kysely<Database>, id: string, partsSent: number, error: string): Promise<void> {
  await db
    .updateTable('notify_outbox')
    .set({ parts_sent: partsSent, in_flight_at: null, unconfirmed: true, last_error: `${error.slice(0, 900)}; not sent again to avoid a duplicate` })
    .where('id', '=', id)
    .execute();
}

export async function markSent(db: Kysely<Database>, id: string, partsSent: number, at: Date): Promise<void> {
  await db
    .updateTable('notify_outbox')
    .set({ status: 'sent', sent_at: at, parts_sent: partsSent, in_flight_at: null, locked_until: null, locked_by: null })
    .where('id', '=', id)
    .execute();
}

/** Marks many rows sent in one statement per part count (delivery buffers its marks). */
export async function markSentMany(db: Kysely<Database>, rows: { id: string; parts: number }[], at: Date): Promise<void> {
  const byParts = new Map<number, string[]>();
  for (const r of rows) byParts.set(r.parts, [...(byParts.get(r.parts) ?? []), r.id]);
  for (const [parts, ids] of byParts) {
    await db
      .updateTable('notify_outbox')
      .set({ status: 'sent', sent_at: at, parts_sent: parts, in_flight_at: null, locked_until: null, locked_by: null })
      .where('id', 'in', ids)
      .execute();
  }
}

/** A send failed: try again at `next` (attempts counted when `countAttempt`), or give up (`dead`). */
export async function markFailed(
  db: Kysely<Database>,
  id: string,
  o: { error: string; next: Date; dead: boolean; countAttempt: boolean; partsSent: number },
): Promise<void> {
  await db
    .updateTable('notify_outbox')
    .set((eb) => ({
      status: o.dead ? 'dead' : 'failed',
      last_error: o.error.slice(0, 1000),
      next_attempt_at: o.next,
      attempts: o.countAttempt ? eb('attempts', '+', 1) : eb.ref('attempts'),
      parts_sent: o.partsSent,
      in_flight_at: null,
      locked_until: null,
      locked_by: null,
    }))
    .where('id', '=', id)
    .execute();
}

/** Quiet hours: put claimed rows back, due when the quiet window ends (no attempt counted). */
export async function holdUntil(db: Kysely<Database>, ids: string[], until: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('notify_outbox')
    .set({ status: 'pending', next_attempt_at: until, locked_until: null, locked_by: null })
    .where('id', 'in', ids)
    .execute();
}

/** A recipient that can no longer receive anything: its waiting rows are dead, with the reason. */
export async function killWaiting(db: Kysely<Database>, recipientIds: string[], reason: string): Promise<number> {
  if (recipientIds.length === 0) return 0;
  const res = await db
    .updateTable('notify_outbox')
    .set({ status: 'dead', last_error: reason, locked_until: null, locked_by: null, in_flight_at: null })
    .where('recipient_id', 'in', recipientIds)
    .where((eb) => eb.or([eb('status', 'in', ['pending', 'failed']), eb.and([eb('status', '=', 'sending'), eb('in_flight_at', 'is', null)])]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function countByStatus(db: Kysely<Database>): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('notify_outbox')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** When the next waiting row is due (null when nothing waits). */
export async function nextDueAt(db: Kysely<Database>): Promise<Date | null> {
  const row = await db
    .selectFrom('notify_outbox')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('status', 'in', ['pending', 'failed'])
    .executeTakeFirst();
  return (row?.at as Date | null) ?? null;
}

/** A dead notification as `mp notify dead` lists it. */
export interface DeadRow {
  id: string;
  recipient_id: string;
  type: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  payload: Record<string, unknown>;
}

/** Dead notifications, newest first, of these recipients (undefined: every recipient). */
export async function listDead(db: Kysely<Database>, o: { recipientIds?: string[]; limit: number }): Promise<DeadRow[]> {
  if (o.recipientIds?.length === 0) return [];
  let q = db
    .selectFrom('notify_outbox')
    .select(['id', 'recipient_id', 'type', 'attempts', 'last_error', 'created_at', 'payload'])
    .where('status', '=', 'dead')
    .orderBy('id', 'desc')
    .limit(o.limit);
  if (o.recipientIds) q = q.where('recipient_id', 'in', o.recipientIds);
  return q.execute();
}

/**
 * Dead notifications back in the queue, due at `now`, attempts counted from zero again (the parts
 * already delivered are not sent twice). Returns how many were requeued; a row no longer dead (a
 * concurrent requeue) is left alone.
 */
export async function requeueDead(db: Kysely<Database>, ids: string[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db
    .updateTable('notify_outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_until: null, locked_by: null, in_flight_at: null })
    .where('id', 'in', ids)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
