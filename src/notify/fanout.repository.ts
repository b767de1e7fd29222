// SQL for fan-out: reading wb_events not yet fanned out (the WB sync's outbox) and marking them.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { WbEvent } from './types.js';

/**
 * Locks up to `limit` events not yet fanned out, oldest first, with ids above `afterId` (fan-out
 * steps over the events it leaves for later). SKIP LOCKED: a second fan-out
 * running at the same moment takes other events (and the outbox's dedup key would absorb overlap anyway).
 * Only ids above (highest fanned-out id − 10,000) and events created in the last 6 hours are looked
 * at, so the anti-join covers index ranges instead of the whole history; the time window finds a
 * transaction that committed out of id order (or a gap summary held back while its sync ran) however
 * many newer events were fanned out meanwhile.
 */
export async function lockUnfannedEvents(
  db: Kysely<Database>,
  limit: number,
  afterId = '0',
): Promise<(WbEvent & { cabinet_name: string; sync_key: string })[]> {
  // sync_key: the writing transaction's start time to the microsecond (a JS Date keeps only
  // milliseconds, and two syncs can start within one).
  const { rows } = await sql<WbEvent & { cabinet_name: string; sync_key: string }>`
    select e.id, e.cabinet_id, e.type, e.event_key, e.occurred_at, e.payload, e.created_at, c.name as cabinet_name,
      (extract(epoch from e.created_at) * 1000000)::bigint::text as sync_key
    from wb_events e join wb_cabinets c on c.id = e.cabinet_id
    where (e.id > coalesce((select max(event_id) from notify_fanned_events), 0) - 10000
        or e.created_at > now() - interval '6 hours')
      and e.id > ${afterId}
      and not exists (select 1 from notify_fanned_events f where f.event_id = e.id)
    order by e.id
    limit ${limit}
    for update of e skip locked`.execute(db);
  return rows;
}

/** A kaspi_events row as fan-out reads it, with its store's name. */
export interface KaspiEventRow {
  id: string;
  store_id: string;
  store_name: string;
  merchant_id: string;
  type: string;
  event_key: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
  created_at: Date;
  sync_key: string;
}

/**
 * Locks up to `limit` Kaspi events not yet fanned out (fanned_at null: a partial index holds just
 * them), oldest first. SKIP LOCKED: a second fan-out at the same moment takes other events.
 */
export async function lockUnfannedKaspiEvents(db: Kysely<Database>, limit: number): Promise<KaspiEventRow[]> {
  const { rows } = await sql<KaspiEventRow>`
    select e.id, e.store_id, s.name as store_name, s.merchant_id, e.type, e.event_key, e.occurred_at, e.payload, e.created_at,
      (extract(epoch from e.created_at) * 1000000)::bigint::text as sync_key
    from kaspi_events e join kaspi_stores s on s.id = e.store_id
    where e.fanned_at is null
    order by e.id
    limit ${limit}
    for update of e skip locked`.execute(db);
  return rows;
}

export async function markKaspiFanned(db: Kysely<Database>, eventIds: string[], at: Date): Promise<void> {
  for (let i = 0; i < eventIds.length; i += 5000) {
    await db
      .updateTable('kaspi_events')
      .set({ fanned_at: at })
      .where('id', 'in', eventIds.slice(i, i + 5000))
      .execute();
  }
}

export async function markFanned(db: Kysely<Database>, eventIds: string[]): Promise<void> {
  for (let i = 0; i < eventIds.length; i += 5000) {
    await db
      .insertInto('notify_fanned_events')
      .values(eventIds.slice(i, i + 5000).map((event_id) => ({ event_id })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Events after `afterId` (for `notify tail`), oldest first. */
/**
 * Events after `afterId`, of every cabinet or (with `user`) of the cabinets that user may see: those
 * it is attached to and those nobody is attached to (as the cabinet commands read them).
 */
export async function eventsAfter(db: Kysely<Database>, afterId: string, limit: number, user?: string): Promise<(WbEvent & { cabinet_name: string })[]> {
  const visible =
    user === undefined
      ? sql`true`
      : sql`(exists (select 1 from wb_cabinet_users cu join mp_users u on u.id = cu.user_id where cu.cabinet_id = c.id and u.name = ${user})
             or not exists (select 1 from wb_cabinet_users cu where cu.cabinet_id = c.id))`;
  const { rows } = await sql<WbEvent & { cabinet_name: string }>`
    select e.id, e.cabinet_id, e.type, e.event_key, e.occurred_at, e.payload, e.created_at, c.name as cabinet_name
    from wb_events e join wb_cabinets c on c.id = e.cabinet_id
    where e.id > ${afterId} and ${visible}
    order by e.id
    limit ${limit}`.execute(db);
  return rows;
}

export async function lastEventId(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('wb_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return String(row?.id ?? '0');
}

/**
 * Cabinets among `cabinetIds` whose WB sync is under way: a stream run still `running` (started in
 * the last 6 hours: an older one belongs to a process that was killed).
 */
export async function cabinetsSyncing(db: Kysely<Database>, cabinetIds: string[], now: Date): Promise<Set<string>> {
  if (cabinetIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('wb_sync_runs')
    .select('cabinet_id')
    .distinct()
    .where('cabinet_id', 'in', cabinetIds)
    .where('status', '=', 'running')
    .where('started_at', '>', new Date(now.getTime() - 6 * 3_600_000))
    .execute();
  return new Set(rows.map((r) => r.cabinet_id));
}

/** Kaspi events after `afterId` (for `notify tail`), oldest first. */
/** Kaspi events after `afterId`, of every store or (with `user`) of the stores that user may see. */
export async function kaspiEventsAfter(db: Kysely<Database>, afterId: string, limit: number, user?: string): Promise<Omit<KaspiEventRow, 'sync_key'>[]> {
  const visible =
    user === undefined
      ? sql`true`
      : sql`(exists (select 1 from kaspi_store_users su join mp_users u on u.id = su.user_id where su.store_id = s.id and u.name = ${user})
             or not exists (select 1 from kaspi_store_users su where su.store_id = s.id))`;
  const { rows } = await sql<Omit<KaspiEventRow, 'sync_key'>>`
    select e.id, e.store_id, s.name as store_name, s.merchant_id, e.type, e.event_key, e.occurred_at, e.payload, e.created_at
    from kaspi_events e join kaspi_stores s on s.id = e.store_id
    where e.id > ${afterId} and ${visible}
    order by e.id
    limit ${limit}`.execute(db);
  return rows;
}

export async function lastKaspiEventId(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('kaspi_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return String(row?.id ?? '0');
}
