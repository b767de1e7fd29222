// All SQL for payouts and payout_events outside the worker's claim loop (see payouts-queue.repository.ts).
// Every write that changes a payout also writes its event row in the same statement.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { PayoutEventsTable, PayoutsTable } from '../db/schema/payouts.js';
import type { Database } from '../db/schema.js';
import type { PayoutChanges, PayoutInput, Status } from './payout.validation.js';

/**
 * A payout as stored: the recipient sealed (src/core/secrets.ts) with its masked form beside it, and
 * the user it belongs to (null: no user, visible to all).
 */
export interface StoredPayoutInput extends PayoutInput {
  recipient_masked: string;
  owner_id: string | null;
}

/** Changes as stored: a new recipient comes sealed, with its masked form. */
export type StoredPayoutChanges = PayoutChanges & { recipient_masked?: string };

export type PayoutRow = Selectable<PayoutsTable>;
export type PayoutEventRow = Selectable<PayoutEventsTable>;
type Db = Kysely<Database>;

/**
 * What creating a payout did: inserted it (`created`), found the payout that already owns the
 * idempotency key (`created: false`), or found the key belonged to a payout since deleted.
 */
export type InsertOutcome = { row: PayoutRow; created: boolean } | { deletedPayoutId: string };

/**
 * Inserts a NEW payout and its creation event. With an idempotency key already taken it inserts
 * nothing and returns the existing row; with the key of a deleted payout, that payout's id.
 */
export async function insertPayout(db: Db, input: StoredPayoutInput, key: string | null, hash: string | null): Promise<InsertOutcome> {
  const { rows } = await sql<PayoutRow>`
    with ins as (
      insert into payouts (amount, currency, recipient, recipient_masked, owner_id, comment, idempotency_key, request_hash)
      select ${input.amount}, ${input.currency}, ${input.recipient}, ${input.recipient_masked}, ${input.owner_id}::bigint, ${input.comment}, ${key}, ${hash}
      where not exists (select 1 from payout_deleted_keys k where k.idempotency_key = ${key})
      on conflict (idempotency_key) where idempotency_key is not null do nothing
      returning *
    ), ev as (
      insert into payout_events (payout_id, from_status, to_status, detail)
      select id, null, 'NEW', 'created' from ins
    )
    select * from ins`.execute(db);
  if (rows[0]) return { row: rows[0], created: true };
  const existing = await db.selectFrom('payouts').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
  if (existing) return { row: existing, created: false };
  const deleted = key === null ? undefined : (await deletedKeys(db, [key])).get(key);
  // Neither: the key's owner was deleted between the two statements and its key not yet kept (it
  // is, in the same statement as the delete): extremely unlikely, so report it plainly.
  if (deleted === undefined) throw new Error(`idempotency key ${key} vanished while creating a payout; retry`);
  return { deletedPayoutId: deleted };
}

/** The payout id each of these keys belonged to, for keys of deleted payouts. */
export async function deletedKeys(db: Db, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('payout_deleted_keys').select(['idempotency_key', 'payout_id']).where('idempotency_key', 'in', keys).execute();
  return new Map(rows.map((r) => [r.idempotency_key, r.payout_id]));
}

/** One payout to insert with a pre-generated id (so a batch's rows map back to their requests). */
export interface NewPayout {
  id: string;
  input: StoredPayoutInput;
  key: string | null;
  hash: string | null;
}

/**
 * Inserts many NEW payouts and their creation events in one statement. Returns the inserted rows;
 * for idempotency keys already taken (by earlier rows or earlier in the batch), the rows that own
 * them; for keys of deleted payouts, those payouts' ids.
 */
export async function insertPayouts(
  db: Db,
  payouts: readonly NewPayout[],
): Promise<{ inserted: PayoutRow[]; existing: PayoutRow[]; deleted: Map<string, string> }> {
  const col = <T>(f: (p: NewPayout) => T) => payouts.map(f);
  const { rows } = await sql<PayoutRow>`
    with input as (
      select * from unnest(
        ${col((p) => p.id)}::uuid[], ${col((p) => p.input.amount)}::numeric[], ${col((p) => p.input.currency)}::text[],
        ${col((p) => p.input.recipient)}::text[], ${col((p) => p.input.recipient_masked)}::text[], ${col((p) => p.input.owner_id)}::bigint[],
        ${col((p) => p.input.comment)}::text[], ${col((p) => p.key)}::text[], ${col((p) => p.hash)}::text[]
      ) with ordinality as u(id, amount, currency, recipient, recipient_masked, owner_id, comment, idempotency_key, request_hash, ord)
    ), ins as (
      insert into payouts (id, amount, currency, recipient, recipient_masked, owner_id, comment, idempotency_key, request_hash)
      select id, amount, currency, recipient, recipient_masked, owner_id, comment, idempotency_key, request_hash from input
      where not exists (select 1 from payout_deleted_keys k where k.idempotency_key = input.idempotency_key)
      order by ord
      on conflict (idempotency_key) where idempotency_key is not null do nothing
      returning *
    ), ev as (
      insert into payout_events (payout_id, from_status, to_status, detail)
      select id, null, 'NEW', 'created' from ins
    )
    select * from ins`.execute(db);
  const insertedIds = new Set(rows.map((r) => r.id));
  const missingKeys = payouts.filter((p) => !insertedIds.has(p.id) && p.key !== null).map((p) => p.key!);
  const existing = missingKeys.length ? await db.selectFrom('payouts').selectAll().where('idempotency_key', 'in', missingKeys).execute() : [];
  const owned = new Set(existing.map((r) => r.idempotency_key));
  const deleted = await deletedKeys(
    db,
    missingKeys.filter((k) => !owned.has(k)),
  );
  return { inserted: rows, existing, deleted };
}

export function findPayout(db: Db, id: string): Promise<PayoutRow | undefined> {
  return db.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function payoutEvents(db: Db, id: string): Promise<PayoutEventRow[]> {
  return db.selectFrom('payout_events').selectAll().where('payout_id', '=', id).orderBy('id').execute();
}

export interface ListFilter {
  status?: Status;
  since?: Date;
  /** Keyset cursor: only payouts older than this `seq`. */
  beforeSeq?: string;
  /** Only payouts of these users and those with no user (MP_USER); undefined: every payout. */
  ownerIds?: string[];
  limit: number;
}

/** Newest first, by `seq` (exact keyset order). */
export function listPayouts(db: Db, filter: ListFilter): Promise<PayoutRow[]> {
  let q = db.selectFrom('payouts').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.since) q = q.where('created_at', '>=', filter.since);
  if (filter.beforeSeq) q = q.where('seq', '<', filter.beforeSeq);
  const owners = filter.ownerIds;
  if (owners) q = q.where((eb) => (owners.length ? eb.or([eb('owner_id', 'is', null), eb('owner_id', 'in', owners)]) : eb('owner_id', 'is', null)));
  return q.orderBy('seq', 'desc').limit(filter.limit).execute();
}

/** Applies changes to a payout that is still NEW; undefined when it is not NEW (or missing). */
export async function updateNewPayout(db: Db, id: string, changes: StoredPayoutChanges, detail: string): Promise<PayoutRow | undefined> {
  const { rows } = await sql<PayoutRow>`
    with upd as (
      update payouts set
        amount = coalesce(${changes.amount ?? null}::numeric, amount),
        recipient = coalesce(${changes.recipient ?? null}, recipient),
        recipient_masked = coalesce(${changes.recipient_masked ?? null}, recipient_masked),
        comment = case when ${changes.comment !== undefined} then ${changes.comment ?? null} else comment end,
        updated_at = now()
      where id = ${id} and status = 'NEW'
      returning *
    ), ev as (
      insert into payout_events (payout_id, from_status, to_status, detail)
      select id, 'NEW', 'NEW', ${detail} from upd
    )
    select * from upd`.execute(db);
  return rows[0];
}

/** NEW → CANCELLED; undefined when the payout is not NEW (or missing). */
export async function cancelNewPayout(db: Db, id: string, detail: string): Promise<PayoutRow | undefined> {
  const { rows } = await sql<PayoutRow>`
    with upd as (
      update payouts set status = 'CANCELLED', updated_at = now(), processed_at = now()
      where id = ${id} and status = 'NEW'
      returning *
    ), ev as (
      insert into payout_events (payout_id, from_status, to_status, detail)
      select id, 'NEW', 'CANCELLED', ${detail} from upd
    )
    select * from upd`.execute(db);
  return rows[0];
}

/**
 * Deletes a NEW or CANCELLED payout (its events stay, plus a DELETED one; its idempotency key is
 * kept in payout_deleted_keys so it never creates another payout); false when not deletable.
 */
export async function deletePayoutRow(db: Db, id: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    with del as (
      delete from payouts where id = ${id} and status in ('NEW', 'CANCELLED') returning id, status, idempotency_key
    ), ev as (
      insert into payout_events (payout_id, from_status, to_status, detail)
      select id, status, 'DELETED', 'deleted' from del
    ), kept as (
      insert into payout_deleted_keys (idempotency_key, payout_id)
      select idempotency_key, id from del where idempotency_key is not null
      on conflict (idempotency_key) do nothing
    )
    select id from del`.execute(db);
  return rows.length > 0;
}

/** Payout counts by status (for `mp payouts process --once` and the bench). */
export async function countByStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('payouts')
    .select(['status', sql<string>`count(*)`.as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** The ids of the mp users of this name (none: the user owns nothing yet). */
export async function userIds(db: Db, name: string): Promise<string[]> {
  return (await db.selectFrom('mp_users').select('id').where('name', '=', name).execute()).map((r) => r.id);
}

/** The id of the mp user of this name, created on first use. */
export async function ensureUserId(db: Db, name: string): Promise<string> {
  const found = await db.selectFrom('mp_users').select('id').where('name', '=', name).orderBy('id').executeTakeFirst();
  return found?.id ?? (await db.insertInto('mp_users').values({ name }).returning('id').executeTakeFirstOrThrow()).id;
}

/** A SQL pattern of sealed values (`v1.<16-char iv>.<22-char tag>.…`): anything else is a plain recipient. */
export const SEALED_PATTERN = '^v1\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{22}\\.';

/**
 * Up to `limit` payouts whose recipient is still plain (written before sql/0020 or by other writers):
 * the pattern is a literal, so the partial index of sql/0020 answers it without a scan.
 */
export async function plainRecipients(db: Db, limit: number): Promise<{ id: string; recipient: string }[]> {
  const { rows } = await sql<{ id: string; recipient: string }>`
    select id, recipient from payouts where recipient !~ ${sql.lit(SEALED_PATTERN)} order by seq limit ${limit}`.execute(db);
  return rows;
}

/** Replaces plain recipients by their sealed form and mask (only where still plain). */
export async function sealRecipients(db: Db, rows: { id: string; sealed: string; masked: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update payouts p set recipient = v.sealed, recipient_masked = v.masked
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.sealed)}::text[], ${rows.map((r) => r.masked)}::text[]) as v(id, sealed, masked)
    where p.id = v.id and p.recipient !~ ${sql.lit(SEALED_PATTERN)}`.execute(db);
}
