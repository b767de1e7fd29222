// Where a store's price list stands for `mp demper store list` and `mp demper price-list show|fetches`:
// whether a run has planned it, and when Kaspi's loader last fetched it from `mp serve`.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { type StoreRow, storesOf } from '../kaspi/merchant/stores.service.js';
import { hasListPrices } from './city-prices.repository.js';
import { type LastFetch, lastFetches, recentFetches } from './price-list-log.repository.js';

/** Whether a run has ever set a list price for one of the store's products (`mp serve` answers 503 until then). */
export function hasPlannedList(db: Kysely<Database>, storeId: string): Promise<boolean> {
  return hasListPrices(db, storeId);
}

/** The latest fetches of a store's price list, newest first: when, status, how, who. */
export function priceListFetchLog(db: Kysely<Database>, storeId: string, limit: number) {
  return recentFetches(db, storeId, limit);
}

/** The stores `user` may see (undefined: every store), each with its price list's last fetches. */
export async function storesWithFetches(db: Kysely<Database>, user?: string): Promise<{ store: StoreRow; fetch: LastFetch | undefined }[]> {
  const stores = await storesOf(db, user);
  const fetches = await lastFetches(
    db,
    stores.map((s) => s.id),
  );
  return stores.map((store) => ({ store, fetch: fetches.get(store.id) }));
}
