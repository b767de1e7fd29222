// All SQL for kaspi_stores.
import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely';
import { PREPARED } from '../../db/prepared.js';
import type { KaspiStoresTable } from '../../db/schema/demper.js';
import type { Database } from '../../db/schema.js';

export type StoreRow = Selectable<KaspiStoresTable>;

export interface StoreInput {
  merchantId: string;
  name: string;
  cityId?: string;
  sessionEncrypted?: string | null;
  tokenEncrypted?: string | null;
  login?: string | null;
  /** Enabled points of sale (`PP1`, …); undefined = leave as stored. */
  points?: string[];
}

/** Inserts a store or updates the one with the same merchant id (secrets given replace the old ones). */
export async function upsertStore(db: Kysely<Database>, input: StoreInput): Promise<StoreRow> {
  const values = {
    merchant_id: input.merchantId,
    name: input.name,
    ...(input.cityId ? { city_id: input.cityId } : {}),
    ...(input.sessionEncrypted !== undefined ? { session_encrypted: input.sessionEncrypted, session_valid: null, session_checked_at: null } : {}),
    ...(input.tokenEncrypted !== undefined ? { token_encrypted: input.tokenEncrypted } : {}),
    ...(input.login !== undefined ? { login: input.login } : {}),
    ...(input.points !== undefined ? { points: input.points } : {}),
  };
  const { merchant_id: _key, ...update } = values;
  return db
    .insertInto('kaspi_stores')
    .values(values)
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ ...update, updated_at: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Stores `user` may see: those it added, and those nobody added (from before users, sql/0018).
 * Undefined: every store (jobs, the daemon).
 */
function visibleTo(user: string | undefined) {
  return (eb: ExpressionBuilder<Database, 'kaspi_stores'>) =>
    user === undefined
      ? eb.lit(true)
      : eb.or([
          eb.exists(
            eb
              .selectFrom('kaspi_store_users as su')
              .innerJoin('mp_users as u', 'u.id', 'su.user_id')
              .select('su.user_id')
              .whereRef('su.store_id', '=', 'kaspi_stores.id')
              .where('u.name', '=', user),
          ),
          eb.not(eb.exists(eb.selectFrom('kaspi_store_users as su').select('su.user_id').whereRef('su.store_id', '=', 'kaspi_stores.id'))),
        ]);
}

export async function listStores(db: Kysely<Database>, user?: string): Promise<StoreRow[]> {
  return db.selectFrom('kaspi_stores').selectAll().where(visibleTo(user)).orderBy('id').execute();
}

/** A store by merchant id or by name (case-insensitive), among those `user` may see. */
export async function findStore(db: Kysely<Database>, ref: string, user?: string): Promise<StoreRow | undefined> {
  const found = await findStoreAnyUser(db, ref, user);
  return found?.visible ? found.store : undefined;
}

/**
 * A store by merchant id or by name (case-insensitive), and whether `user` may see it (undefined
 * user: every store is visible); the visible one first when several match. One prepared statement:
 * every REST request naming a store runs it.
 */
export async function findStoreAnyUser(db: Kysely<Database>, ref: string, user?: string): Promise<{ store: StoreRow; visible: boolean } | undefined> {
  const { rows } = await sql<StoreRow & { mp_visible: boolean }>`${sql.raw(PREPARED)} ${storeByRefSql(ref, user)}`.execute(db);
  return rows[0] && splitVisible(rows[0]);
}

/**
 * The statement (or CTE) selecting the store `ref` names (merchant id, or name in any case) with
 * `mp_visible`: whether `user` may see it (undefined user: every store); the visible one first when
 * several match. findStoreAnyUser runs it alone; the orders page starts with it.
 */
export function storeByRefSql(ref: string, user?: string) {
  return sql`select s.*, (${user ?? null}::text is null
        or exists (select 1 from kaspi_store_users su join mp_users u on u.id = su.user_id where su.store_id = s.id and u.name = ${user ?? null}::text)
        or not exists (select 1 from kaspi_store_users su where su.store_id = s.id)) as mp_visible
    from kaspi_stores s
    where s.merchant_id = ${ref}::text or lower(s.name) = ${ref.toLowerCase()}::text
    order by mp_visible desc, s.id
    limit 1`;
}

/** A row of storeByRefSql as the store and whether the user may see it. */
export function splitVisible<R extends StoreRow & { mp_visible: boolean }>(row: R): { store: StoreRow; visible: boolean } {
  const { mp_visible: visible, ...store } = row;
  return { store: store as StoreRow, visible };
}

/** A store by exact merchant id (never by name), or by its price list's secret-path token hash, among those `user` may see. */
export async function findStoreBy(
  db: Kysely<Database>,
  by: { merchantId: string } | { priceListTokenHash: string },
  user?: string,
): Promise<StoreRow | undefined> {
  return db
    .selectFrom('kaspi_stores')
    .selectAll()
    .where((eb) => ('merchantId' in by ? eb('merchant_id', '=', by.merchantId) : eb('price_list_token_hash', '=', by.priceListTokenHash)))
    .where(visibleTo(user))
    .executeTakeFirst();
}

/** Adds `userName` (created on first use) to the users of a store. */
export async function attachStoreUser(db: Kysely<Database>, storeId: string, userName: string): Promise<void> {
  const found = await db.selectFrom('mp_users').select('id').where('name', '=', userName).orderBy('id').executeTakeFirst();
  const userId = found?.id ?? (await db.insertInto('mp_users').values({ name: userName }).returning('id').executeTakeFirstOrThrow()).id;
  await db
    .insertInto('kaspi_store_users')
    .values({ store_id: storeId, user_id: userId })
    .onConflict((oc) => oc.columns(['store_id', 'user_id']).doNothing())
    .execute();
}

/** The names of a store's users. */
export async function storeUserNames(db: Kysely<Database>, storeId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('kaspi_store_users as su')
    .innerJoin('mp_users as u', 'u.id', 'su.user_id')
    .select('u.name')
    .where('su.store_id', '=', storeId)
    .orderBy('u.name')
    .execute();
  return rows.map((r) => r.name);
}

/** Removes every user of this name from a store's users. */
export async function detachStoreUser(db: Kysely<Database>, storeId: string, userName: string): Promise<void> {
  await db
    .deleteFrom('kaspi_store_users')
    .where('store_id', '=', storeId)
    .where('user_id', 'in', (eb) => eb.selectFrom('mp_users').select('id').where('name', '=', userName))
    .execute();
}

export async function deleteStore(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('kaspi_stores').where('id', '=', id).execute();
}

export async function recordSessionCheck(db: Kysely<Database>, id: string, valid: boolean, at: Date): Promise<void> {
  await db.updateTable('kaspi_stores').set({ session_valid: valid, session_checked_at: at }).where('id', '=', id).execute();
}

/** Pauses a merchant until `until` (a 429 from the price endpoint); null lifts the pause. */
export async function setPause(db: Kysely<Database>, id: string, until: Date | null, reason: string | null): Promise<void> {
  await db.updateTable('kaspi_stores').set({ paused_until: until, pause_reason: reason, updated_at: new Date() }).where('id', '=', id).execute();
}

/** Sets a store's cities; the first becomes its home city (city_id). */
export async function updateStoreCities(db: Kysely<Database>, id: string, cities: string[]): Promise<StoreRow> {
  return db
    .updateTable('kaspi_stores')
    .set({ cities, city_id: cities[0]!, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
