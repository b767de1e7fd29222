// All SQL for kaspi_offers and kaspi_offer_history. Writes are batched: one statement per kind of
// change per product, never one per offer.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { KaspiOffer } from './offers.parser.js';
import type { OfferEvent, OfferRow } from './snapshot-diff.js';

type Db = Kysely<Database>;

export async function offersOfProduct(db: Db, productId: string): Promise<OfferRow[]> {
  return db.selectFrom('kaspi_offers').selectAll().where('product_id', '=', productId).execute();
}

/** Active offers of several products, cheapest first within each product. */
export async function activeOffersOfProducts(db: Db, productIds: readonly string[]): Promise<OfferRow[]> {
  if (!productIds.length) return [];
  return db
    .selectFrom('kaspi_offers')
    .selectAll()
    .where('product_id', 'in', [...productIds])
    .where('active', '=', true)
    .orderBy('product_id')
    .orderBy('price')
    .orderBy('merchant_id')
    .execute();
}

/** Marks every active offer of a product as seen now (the unchanged ones need nothing else). */
export async function touchActiveOffers(db: Db, productId: string, now: Date): Promise<void> {
  await db.updateTable('kaspi_offers').set({ last_seen_at: now }).where('product_id', '=', productId).where('active', '=', true).execute();
}

/**
 * Inserts or updates offers (re-activating returning merchants) in one statement: the columns go
 * as arrays through `unnest`, so the statement has 12 parameters whatever the number of offers
 * (no 65,535-parameter limit, and far less to bind than a multi-row VALUES). Returns ids by merchant.
 */
export async function upsertOffers(db: Db, productId: string, offers: readonly KaspiOffer[], now: Date): Promise<Map<string, string>> {
  const col = <T>(get: (o: KaspiOffer) => T) => offers.map(get);
  const str = (v: number | boolean | null) => (v === null ? null : String(v));
  const { rows } = await sql<{ id: string; merchant_id: string }>`
    insert into kaspi_offers (product_id, merchant_id, merchant_name, price, merchant_rating, merchant_review_count,
      delivery_type, delivery_duration, kaspi_delivery, preorder_days, first_seen_at, last_seen_at, active)
    select ${productId}::bigint, u.merchant_id, u.merchant_name, u.price::numeric, u.rating::numeric, u.reviews::integer,
      u.delivery_type, u.delivery_duration, u.kaspi_delivery::boolean, u.preorder::integer, ${now}::timestamptz, ${now}::timestamptz, true
    from unnest(${col((o) => o.merchantId)}::text[], ${col((o) => o.merchantName)}::text[], ${col((o) => o.price)}::text[],
      ${col((o) => str(o.merchantRating))}::text[], ${col((o) => str(o.merchantReviewCount))}::text[], ${col((o) => o.deliveryType)}::text[],
      ${col((o) => o.deliveryDuration)}::text[], ${col((o) => str(o.kaspiDelivery))}::text[], ${col((o) => str(o.preorderDays))}::text[])
      as u(merchant_id, merchant_name, price, rating, reviews, delivery_type, delivery_duration, kaspi_delivery, preorder)
    on conflict (product_id, merchant_id) do update set
      merchant_name = excluded.merchant_name, price = excluded.price, merchant_rating = excluded.merchant_rating,
      merchant_review_count = excluded.merchant_review_count, delivery_type = excluded.delivery_type,
      delivery_duration = excluded.delivery_duration, kaspi_delivery = excluded.kaspi_delivery,
      preorder_days = excluded.preorder_days, last_seen_at = excluded.last_seen_at, active = true
    returning id, merchant_id`.execute(db);
  return new Map(rows.map((r) => [r.merchant_id, String(r.id)]));
}

export async function deactivateOffers(db: Db, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await db
    .updateTable('kaspi_offers')
    .set({ active: false })
    .where('id', 'in', [...ids])
    .execute();
}

/** One history row per event, in one `unnest` statement; `offerIds` maps merchant → offer id. */
export async function insertOfferHistory(db: Db, productId: string, events: readonly OfferEvent[], offerIds: Map<string, string>, now: Date): Promise<void> {
  if (!events.length) return;
  const ids = events.map((e) => {
    const offerId = offerIds.get(e.merchantId);
    if (!offerId) throw new Error(`no offer id for merchant ${e.merchantId} of product ${productId}`);
    return offerId;
  });
  await sql`
    insert into kaspi_offer_history (product_id, offer_id, merchant_id, event, old_price, new_price, created_at)
    select ${productId}::bigint, u.offer_id, u.merchant_id, u.event, u.old_price::numeric, u.new_price::numeric, ${now}::timestamptz
    from unnest(${ids}::bigint[], ${events.map((e) => e.merchantId)}::text[], ${events.map((e) => e.event)}::text[],
      ${events.map((e) => e.oldPrice)}::text[], ${events.map((e) => e.newPrice)}::text[]) as u(offer_id, merchant_id, event, old_price, new_price)`.execute(db);
}
