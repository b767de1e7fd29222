// All SQL for kaspi_tracked: the products `mp kaspi scrape --tracked` checks.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database>;

export interface TrackedRef {
  kaspiId: string;
  cityId: string;
}

export interface TrackedRow {
  kaspi_id: string;
  city_id: string;
  added_at: Date;
  name: string | null;
  min_price: string | null;
  seller_count: number | null;
  last_checked_at: Date | null;
}

/** Adds products to the list; returns the ones that were not on it yet. */
export async function addTracked(db: Db, refs: readonly TrackedRef[], now: Date): Promise<TrackedRef[]> {
  if (!refs.length) return [];
  const rows = await db
    .insertInto('kaspi_tracked')
    .values(refs.map((r) => ({ kaspi_id: r.kaspiId, city_id: r.cityId, added_at: now })))
    .onConflict((oc) => oc.columns(['kaspi_id', 'city_id']).doNothing())
    .returning(['kaspi_id', 'city_id'])
    .execute();
  return rows.map((r) => ({ kaspiId: r.kaspi_id, cityId: r.city_id }));
}

/** Removes products from the list; returns the ones that were on it. */
export async function removeTracked(db: Db, refs: readonly TrackedRef[]): Promise<TrackedRef[]> {
  const removed: TrackedRef[] = [];
  for (const r of refs) {
    const rows = await db
      .deleteFrom('kaspi_tracked')
      .where('kaspi_id', '=', r.kaspiId)
      .where('city_id', '=', r.cityId)
      .returning(['kaspi_id', 'city_id'])
      .execute();
    removed.push(...rows.map((x) => ({ kaspiId: x.kaspi_id, cityId: x.city_id })));
  }
  return removed;
}

/** The tracked list with what the last scrape found (null before the first one). */
export async function listTracked(db: Db): Promise<TrackedRow[]> {
  return db
    .selectFrom('kaspi_tracked as t')
    .leftJoin('kaspi_products as p', (join) => join.onRef('p.kaspi_id', '=', 't.kaspi_id').onRef('p.city_id', '=', 't.city_id'))
    .select(['t.kaspi_id', 't.city_id', 't.added_at', 'p.name', 'p.min_price', 'p.seller_count', 'p.last_checked_at'])
    .orderBy('t.added_at')
    .orderBy('t.kaspi_id')
    .orderBy('t.city_id')
    .execute();
}
