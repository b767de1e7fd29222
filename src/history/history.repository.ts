// Read-only queries behind `mp history`: a product's stored history, its offers' events, and the
// list of stored products with counts. The Kaspi tables are written by src/kaspi/ repositories.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database>;

export interface StoredProduct {
  id: string;
  kaspi_id: string;
  city_id: string;
  name: string;
  min_price: string | null;
  max_price: string | null;
  rating: string | null;
  review_count: number | null;
  seller_count: number | null;
  offers_status: 'ok' | 'none' | 'unknown' | 'incomplete';
  url: string;
  last_checked_at: Date;
}

export interface ProductHistoryRow {
  checked_at: Date;
  min_price: string | null;
  max_price: string | null;
  seller_count: number | null;
  rating: string | null;
  review_count: number | null;
  changed_fields: string[];
}

export interface OfferEventRow {
  created_at: Date;
  offer_id: string;
  merchant_id: string;
  merchant_name: string;
  event: 'appeared' | 'price_changed' | 'disappeared';
  old_price: string | null;
  new_price: string | null;
}

/** Every stored city of one Kaspi product. */
export function findProductCities(db: Db, kaspiId: string): Promise<StoredProduct[]> {
  return db
    .selectFrom('kaspi_products')
    .select([
      'id',
      'kaspi_id',
      'city_id',
      'name',
      'min_price',
      'max_price',
      'rating',
      'review_count',
      'seller_count',
      'offers_status',
      'url',
      'last_checked_at',
    ])
    .where('kaspi_id', '=', kaspiId)
    .orderBy('city_id')
    .execute();
}

/** A product's history rows, oldest first. */
export function productHistory(db: Db, productId: string, since?: Date): Promise<ProductHistoryRow[]> {
  let q = db
    .selectFrom('kaspi_product_history')
    .select(['checked_at', 'min_price', 'max_price', 'seller_count', 'rating', 'review_count', 'changed_fields'])
    .where('product_id', '=', productId);
  if (since) q = q.where('checked_at', '>=', since);
  return q.orderBy('checked_at').orderBy('id').execute();
}

/** The last history row before `since` (the state the chart starts from). */
export function productStateBefore(db: Db, productId: string, since: Date): Promise<ProductHistoryRow | undefined> {
  return db
    .selectFrom('kaspi_product_history')
    .select(['checked_at', 'min_price', 'max_price', 'seller_count', 'rating', 'review_count', 'changed_fields'])
    .where('product_id', '=', productId)
    .where('checked_at', '<', since)
    .orderBy('checked_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** A product's offer events (with the merchant's current name), oldest first. */
export function offerEvents(db: Db, productId: string, since?: Date): Promise<OfferEventRow[]> {
  let q = db
    .selectFrom('kaspi_offer_history as h')
    .innerJoin('kaspi_offers as o', 'o.id', 'h.offer_id')
    .select(['h.created_at', 'h.offer_id', 'h.merchant_id', 'o.merchant_name', 'h.event', 'h.old_price', 'h.new_price'])
    .where('h.product_id', '=', productId);
  if (since) q = q.where('h.created_at', '>=', since);
  return q.orderBy('h.created_at').orderBy('h.id').execute();
}

export type ListSort = 'last-checked' | 'name' | 'min-price' | 'max-price' | 'history' | 'offers';

export interface ListQuery {
  city?: string;
  /** Case-insensitive substring of the name, or an exact Kaspi id. */
  search?: string;
  /** Only products checked since. */
  since?: Date;
  sort: ListSort;
  limit: number;
}

export interface ListedProduct {
  kaspi_id: string;
  city_id: string;
  name: string;
  last_checked_at: Date;
  min_price: string | null;
  max_price: string | null;
  history_rows: number;
  offers: number;
}

const ORDER: Record<ListSort, string> = {
  'last-checked': 'last_checked_at desc',
  name: 'name asc',
  'min-price': 'min_price asc nulls last',
  'max-price': 'max_price desc nulls last',
  history: 'history_rows desc',
  offers: 'offers desc',
};

/** Stored products with their history-row and active-offer counts. */
export async function listStoredProducts(db: Db, query: ListQuery): Promise<ListedProduct[]> {
  let q = db
    .selectFrom('kaspi_products as p')
    .select([
      'p.kaspi_id',
      'p.city_id',
      'p.name',
      'p.last_checked_at',
      'p.min_price',
      'p.max_price',
      sql<number>`(select count(*) from kaspi_product_history h where h.product_id = p.id)::int`.as('history_rows'),
      sql<number>`(select count(*) from kaspi_offers o where o.product_id = p.id and o.active)::int`.as('offers'),
    ]);
  if (query.city) q = q.where('p.city_id', '=', query.city);
  if (query.since) q = q.where('p.last_checked_at', '>=', query.since);
  if (query.search) {
    const text = query.search;
    q = q.where((eb) => eb.or([eb('p.kaspi_id', '=', text.toLowerCase()), eb('p.name', 'ilike', `%${text.replace(/[\\%_]/g, '\\$&')}%`)]));
  }
  return q.orderBy(sql.raw(ORDER[query.sort])).orderBy('p.kaspi_id').orderBy('p.city_id').limit(query.limit).execute();
}
