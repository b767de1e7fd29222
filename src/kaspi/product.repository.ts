// All SQL for kaspi_products and kaspi_product_history (and the read of a product's offers that
// goes with locking it, to save a round trip per product).
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { PREPARED } from '../db/prepared.js';
import type { Database } from '../db/schema.js';
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

const HISTORY_FIELDS = sql.raw(
  'name, description_text, category, category_path, brand, min_price, max_price, rating, review_count, seller_count, offers_status, photos',
);

/**
 * Inserts a first-seen product, its first history row (the tracked fields copied from the row just
 * inserted) and, given `offers` (the WITH items of `offersCtes`, which read the product id from
 * `p`), its offers and their history: one statement, one round trip. Returns the product id, or
 * undefined when another process inserted the product first (then nothing is written).
 */
export async function insertProduct(
  db: Db,
  kaspiId: string,
  cityId: string,
  f: ProductFields,
  changed: readonly TrackedField[],
  now: Date,
  offers?: RawBuilder<unknown>,
): Promise<string | undefined> {
  const { rows } = await sql<{ id: string | number }>`${sql.raw(PREPARED)}
    with p as (
      insert into kaspi_products (kaspi_id, city_id, name, description_text, description_html, category, category_path, brand,
        min_price, max_price, rating, review_count, seller_count, offers_status, photos, url, incomplete_fields, first_seen_at, last_checked_at, last_changed_at)
      values (${kaspiId}, ${cityId}, ${f.name}, ${f.descriptionText}, ${f.descriptionHtml}, ${f.category}, ${f.categoryPath}::text[], ${f.brand},
        ${f.minPrice}::numeric, ${f.maxPrice}::numeric, ${f.rating}::numeric, ${f.reviewCount}::integer, ${f.sellerCount}::integer,
        ${f.offersStatus}, ${f.photos}::text[], ${f.url}, ${f.incompleteFields}::text[], ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz)
      on conflict (kaspi_id, city_id) do nothing
      returning id, ${HISTORY_FIELDS}
    ), h as (
      insert into kaspi_product_history (product_id, checked_at, changed_fields, ${HISTORY_FIELDS})
      select id, ${now}::timestamptz, ${[...changed]}::text[], ${HISTORY_FIELDS} from p
    )${offers ? sql`, ${offers}` : sql``}
    select id from p`.execute(db);
  return rows[0] ? String(rows[0].id) : undefined;
}

/**
 * Stores the new state; `last_checked_at` always moves, `last_changed_at` only on a change. In the
 * same statement: the history row when tracked fields changed (copied from the updated row), and
 * given `offers` (the WITH items of `offersCtes`, which read the product id from `p`), the offers
 * and their history. One round trip.
 */
export async function updateProduct(
  db: Db,
  id: string,
  f: ProductFields,
  now: Date,
  changed: readonly TrackedField[],
  offers?: RawBuilder<unknown>,
): Promise<void> {
  const history = changed.length
    ? sql`, h as (
      insert into kaspi_product_history (product_id, checked_at, changed_fields, ${HISTORY_FIELDS})
      select id, ${now}::timestamptz, ${[...changed]}::text[], ${HISTORY_FIELDS} from p
    )`
    : sql``;
  await sql`${sql.raw(PREPARED)}
    with p as (
      update kaspi_products set name = ${f.name}, description_text = ${f.descriptionText}, description_html = ${f.descriptionHtml},
        category = ${f.category}, category_path = ${f.categoryPath}::text[], brand = ${f.brand}, min_price = ${f.minPrice}::numeric,
        max_price = ${f.maxPrice}::numeric, rating = ${f.rating}::numeric, review_count = ${f.reviewCount}::integer,
        seller_count = ${f.sellerCount}::integer, offers_status = ${f.offersStatus}, photos = ${f.photos}::text[], url = ${f.url},
        incomplete_fields = ${f.incompleteFields}::text[],
        last_checked_at = ${now}::timestamptz${changed.length ? sql`, last_changed_at = ${now}::timestamptz` : sql``}
      where id = ${id}::bigint
      returning id, ${HISTORY_FIELDS}
    )${history}${offers ? sql`, ${offers}` : sql``}
    select id from p`.execute(db);
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
