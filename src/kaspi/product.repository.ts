// All SQL for kaspi_products and kaspi_product_history (and the read of a product's offers that
// goes with locking it, to save a round trip per product).
import { type Kysely, sql } from 'kysely';
import { PREPARED } from '../db/prepared.js';
import type { Database } from '../db/schema.js';
import { textArray } from '../db/text-array.js';
import { type OffersWrite, offersCtes } from './offer.repository.js';
import type { ProductFields, ProductRow, StoredOffer, TrackedField } from './snapshot-diff.js';

type Db = Kysely<Database>;

/** A product's stored offers (active and inactive) as one JSON array, prices as text so decimals stay exact. */
const STORED_OFFERS = sql`coalesce((
  select json_agg(json_build_object('id', o.id::text, 'merchant_id', o.merchant_id, 'merchant_name', o.merchant_name,
    'price', o.price::text, 'merchant_rating', o.merchant_rating::text, 'merchant_review_count', o.merchant_review_count,
    'delivery_type', o.delivery_type, 'delivery_duration', o.delivery_duration, 'kaspi_delivery', o.kaspi_delivery,
    'preorder_days', o.preorder_days, 'active', o.active))
  from kaspi_offers o where o.product_id = p.id), '[]')`;

/**
 * The stored product with its offers (active and inactive), the product row locked until the
 * transaction ends so concurrent scrapes of it queue. One round trip: the offers come as JSON
 * (prices as text, so decimals stay exact).
 */
export async function lockProductWithOffers(db: Db, kaspiId: string, cityId: string): Promise<{ product: ProductRow; offers: StoredOffer[] } | undefined> {
  const { rows } = await sql<ProductRow & { stored_offers: StoredOffer[] }>`${sql.raw(PREPARED)}
    select p.*, ${STORED_OFFERS} as stored_offers
    from kaspi_products p where p.kaspi_id = ${kaspiId} and p.city_id = ${cityId}
    for update of p`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const { stored_offers: offers, ...product } = row;
  return { product: { ...product, id: String(product.id) }, offers };
}

/**
 * lockProductWithOffers for several products at once (one round trip for a batch): the stored ones
 * among `keys` by `kaspi_id|city_id`, their rows locked in id order (so two batches that share
 * products queue instead of deadlocking) until the transaction ends.
 */
export async function lockProductsWithOffers(
  db: Db,
  keys: readonly { kaspiId: string; cityId: string }[],
): Promise<Map<string, { product: ProductRow; offers: StoredOffer[] }>> {
  const { rows } = await sql<ProductRow & { stored_offers: StoredOffer[] }>`${sql.raw(PREPARED)}
    select p.*, ${STORED_OFFERS} as stored_offers
    from kaspi_products p
    where (p.kaspi_id, p.city_id) in (select * from unnest(${keys.map((k) => k.kaspiId)}::text[], ${keys.map((k) => k.cityId)}::text[]))
    order by p.id
    for update of p`.execute(db);
  const out = new Map<string, { product: ProductRow; offers: StoredOffer[] }>();
  for (const { stored_offers: offers, ...product } of rows) {
    out.set(productKey(product.kaspi_id, product.city_id), { product: { ...product, id: String(product.id) }, offers });
  }
  return out;
}

/** The key lockProductsWithOffers' map uses. */
export function productKey(kaspiId: string, cityId: string): string {
  return `${kaspiId}|${cityId}`;
}

const HISTORY_COLUMNS = [
  'name',
  'description_text',
  'category',
  'category_path',
  'brand',
  'min_price',
  'max_price',
  'rating',
  'review_count',
  'seller_count',
  'offers_status',
  'photos',
];
const HISTORY_FIELDS = sql.raw(HISTORY_COLUMNS.join(', '));

/** One product to store: inserted on first sight, else updated; see writeProducts. */
export interface ProductWrite {
  /** The stored (locked) product's id, or undefined on first sight: then it is inserted. */
  id: string | undefined;
  kaspiId: string;
  cityId: string;
  fields: ProductFields;
  /** checked_at, last_checked_at, the history rows' times (and first_seen_at on insert). */
  now: Date;
  /** Tracked fields that changed: a history row and last_changed_at when there are any (every one on first sight). */
  changed: readonly TrackedField[];
  /** Its offers diff, or undefined to leave its offers as they are. */
  offers?: Omit<OffersWrite, 'ord'>;
}

const PRODUCT_COLUMNS = sql.raw(
  'id, kaspi_id, city_id, name, description_text, description_html, category, category_path, brand, min_price, max_price, rating, ' +
    'review_count, seller_count, offers_status, photos, url, incomplete_fields, now, changed, ord',
);
const qualified = (alias: string) => sql.raw(HISTORY_COLUMNS.map((c) => `${alias}.${c}`).join(', '));

/**
 * Stores a batch of products (distinct keys, in key order) in one statement, one round trip: the
 * first sights inserted in the order given (so two batches inserting the same new products queue
 * instead of deadlocking), the stored ones updated (`last_checked_at` always moves,
 * `last_changed_at` only on a change), a history row for each product with changed fields (copied
 * from the row written), and their offers with their history (offersCtes). Columns travel as array
 * literals (textArray) through `unnest`; the text[] columns as an array of array literals, each cast
 * on its row. Returns each product's id in the order given, or undefined for a first sight another
 * process inserted after the caller's lock read: its insert only locked the row, and nothing was
 * written for it (not its history, not its offers).
 */
export async function writeProducts(db: Db, writes: readonly ProductWrite[]): Promise<(string | undefined)[]> {
  const col = (get: (w: ProductWrite) => string | undefined) => textArray(writes.map(get));
  const list = (get: (w: ProductWrite) => readonly string[]) => textArray(writes.map((w) => textArray(get(w))));
  const f = (get: (f: ProductFields) => string | number | null) => textArray(writes.map((w) => get(w.fields)));
  const offers: OffersWrite[] = [];
  writes.forEach((w, i) => {
    if (w.offers) offers.push({ ...w.offers, ord: i + 1 });
  });
  const { rows } = await sql<{ ord: string | number; id: string | number }>`${sql.raw(PREPARED)}
    with v as (
      select * from unnest(${col((w) => w.id)}::bigint[], ${col((w) => w.kaspiId)}::text[], ${col((w) => w.cityId)}::text[],
        ${f((x) => x.name)}::text[], ${f((x) => x.descriptionText)}::text[], ${f((x) => x.descriptionHtml)}::text[], ${f((x) => x.category)}::text[],
        ${list((w) => w.fields.categoryPath)}::text[], ${f((x) => x.brand)}::text[], ${f((x) => x.minPrice)}::numeric[], ${f((x) => x.maxPrice)}::numeric[],
        ${f((x) => x.rating)}::numeric[], ${f((x) => x.reviewCount)}::integer[], ${f((x) => x.sellerCount)}::integer[], ${f((x) => x.offersStatus)}::text[],
        ${list((w) => w.fields.photos)}::text[], ${f((x) => x.url)}::text[], ${list((w) => w.fields.incompleteFields)}::text[],
        ${col((w) => w.now.toISOString())}::timestamptz[], ${list((w) => w.changed)}::text[]) with ordinality as v(${PRODUCT_COLUMNS})
    ), ins as (
      insert into kaspi_products (kaspi_id, city_id, name, description_text, description_html, category, category_path, brand,
        min_price, max_price, rating, review_count, seller_count, offers_status, photos, url, incomplete_fields, first_seen_at, last_checked_at, last_changed_at)
      select kaspi_id, city_id, name, description_text, description_html, category, category_path::text[], brand,
        min_price, max_price, rating, review_count, seller_count, offers_status, photos::text[], url, incomplete_fields::text[], now, now, now
      from v where id is null
      order by ord
      -- Stored by another process since the caller's lock read: not written, but locked (as FOR UPDATE:
      -- the key is "updated") at its place in key order, as the caller's lock read would have.
      on conflict (kaspi_id, city_id) do update set kaspi_id = excluded.kaspi_id where false
      returning id, kaspi_id, city_id, ${HISTORY_FIELDS}
    ), upd as (
      update kaspi_products k set name = v.name, description_text = v.description_text, description_html = v.description_html,
        category = v.category, category_path = v.category_path::text[], brand = v.brand, min_price = v.min_price, max_price = v.max_price,
        rating = v.rating, review_count = v.review_count, seller_count = v.seller_count, offers_status = v.offers_status,
        photos = v.photos::text[], url = v.url, incomplete_fields = v.incomplete_fields::text[], last_checked_at = v.now,
        last_changed_at = case when v.changed = '{}' then k.last_changed_at else v.now end -- v.changed: textArray(changed)
      from v where k.id = v.id
      returning v.ord, k.id, v.now, v.changed, ${qualified('k')}
    ), p as (
      select v.ord, i.id, v.now, v.changed, ${qualified('i')} from ins i join v on v.kaspi_id = i.kaspi_id and v.city_id = i.city_id
      union all
      select * from upd
    ), h as (
      insert into kaspi_product_history (product_id, checked_at, changed_fields, ${HISTORY_FIELDS})
      select id, now, changed::text[], ${HISTORY_FIELDS} from p where changed <> '{}'
      order by ord
    ), ${offersCtes(offers)}
    select ord, id from p`.execute(db);
  const ids: (string | undefined)[] = new Array(writes.length).fill(undefined);
  for (const r of rows) ids[Number(r.ord) - 1] = String(r.id);
  return ids;
}

/**
 * Every stored product in id order, a page at a time (keyset on id), so a caller that writes them
 * out holds one page in memory, never the whole table.
 */
export async function* productPages(db: Db, pageSize = 500): AsyncGenerator<ProductRow[]> {
  let after: string | undefined;
  for (;;) {
    let query = db.selectFrom('kaspi_products').selectAll().orderBy('id').limit(pageSize);
    if (after !== undefined) query = query.where('id', '>', after);
    const rows = await query.execute();
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    after = String(rows.at(-1)!.id);
  }
}
