// All SQL for kaspi_price_list_versions (every distinct price list served, for Last-Modified and the
// shrink guard) and kaspi_price_list_fetches (every fetch: who, when, status).
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { KaspiPriceListFetchesTable, KaspiPriceListVersionsTable } from '../db/schema/demper.js';
import type { Database } from '../db/schema.js';

export type PriceListVersion = Selectable<KaspiPriceListVersionsTable>;
export type PriceListFetch = Insertable<KaspiPriceListFetchesTable>;

export async function latestVersion(db: Kysely<Database>, storeId: string): Promise<PriceListVersion | undefined> {
  return db.selectFrom('kaspi_price_list_versions').selectAll().where('store_id', '=', storeId).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function insertVersion(
  db: Kysely<Database>,
  v: { storeId: string; hash: string; offers: number; available: number; accepted?: boolean; at: Date },
): Promise<PriceListVersion> {
  return db
    .insertInto('kaspi_price_list_versions')
    .values({ store_id: v.storeId, content_hash: v.hash, offer_count: v.offers, available_count: v.available, accepted: v.accepted ?? false, created_at: v.at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Holds the store's row until the transaction ends, so two fetches never record the same new version
 * twice. FOR NO KEY UPDATE: it excludes another fetch as FOR UPDATE would, but not the key-share lock
 * an orders sync takes on the row through kaspi_orders' foreign key, so a fetch never waits for a sync.
 */
export async function lockStore(db: Kysely<Database>, storeId: string): Promise<void> {
  await db.selectFrom('kaspi_stores').select('id').where('id', '=', storeId).forNoKeyUpdate().execute();
}

export async function insertFetch(db: Kysely<Database>, fetch: PriceListFetch): Promise<void> {
  await db.insertInto('kaspi_price_list_fetches').values(fetch).execute();
}

/** Drops fetch log rows older than `before`; returns how many. */
export async function pruneFetches(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db.deleteFrom('kaspi_price_list_fetches').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface LastFetch {
  /** The last fetch that got the list (200, or 304: the loader's copy is current). */
  fetched_at: Date | null;
  /** The last fetch of any outcome, and its status (401: bad credentials, 503: refused). */
  last_at: Date | null;
  last_status: number | null;
}

/** The last fetches of these stores' price lists, by store id. */
export async function lastFetches(db: Kysely<Database>, storeIds: readonly string[]): Promise<Map<string, LastFetch>> {
  const out = new Map<string, LastFetch>();
  if (storeIds.length === 0) return out;
  const rows = await db
    .selectFrom('kaspi_stores as s')
    .select((eb) => [
      's.id',
      eb
        .selectFrom('kaspi_price_list_fetches as f')
        .select('f.at')
        .whereRef('f.store_id', '=', 's.id')
        .where('f.status', 'in', [200, 304])
        .orderBy('f.at', 'desc')
        .limit(1)
        .as('fetched_at'),
      eb.selectFrom('kaspi_price_list_fetches as f').select('f.at').whereRef('f.store_id', '=', 's.id').orderBy('f.at', 'desc').limit(1).as('last_at'),
      eb
        .selectFrom('kaspi_price_list_fetches as f')
        .select('f.status')
        .whereRef('f.store_id', '=', 's.id')
        .orderBy('f.at', 'desc')
        .orderBy('f.id', 'desc')
        .limit(1)
        .as('last_status'),
    ])
    .where('s.id', 'in', [...storeIds])
    .execute();
  for (const r of rows) out.set(r.id, { fetched_at: r.fetched_at ?? null, last_at: r.last_at ?? null, last_status: r.last_status ?? null });
  return out;
}

/** The latest fetches of a store's price list, newest first. */
export async function recentFetches(db: Kysely<Database>, storeId: string, limit: number) {
  return db
    .selectFrom('kaspi_price_list_fetches')
    .select(['at', 'status', 'via', 'client', 'user_agent', 'detail'])
    .where('store_id', '=', storeId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
