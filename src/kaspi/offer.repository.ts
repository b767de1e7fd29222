// All SQL for kaspi_offers and kaspi_offer_history. A product's offers are written by one
// statement whatever changed (touch, deactivate, upsert, history): columns travel as arrays through
// `unnest`, so there is no query per offer and no 65,535-parameter limit.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { KaspiOffer } from './offers.parser.js';
import type { OffersDiff } from './snapshot-diff.js';

type Db = Kysely<Database>;

/**
 * Applies an offers diff in one statement: unchanged active offers get `last_seen_at`, vanished
 * ones go inactive, new/changed ones are upserted (re-activating returning merchants), and one
 * history row is written per event.
 */
export async function writeOffers(db: Db, productId: string, diff: OffersDiff, now: Date): Promise<void> {
  const up = diff.upsert;
  const col = <T>(get: (o: KaspiOffer) => T) => up.map(get);
  const str = (v: number | boolean | null) => (v === null ? null : String(v));
  const ev = diff.events;
  // Offers that are upserted get their id from the upsert; the others (disappeared) have one already.
  const eventOfferIds = ev.map((e) => (e.event === 'disappeared' ? (diff.storedIds.get(e.merchantId) ?? null) : null));
  await sql`
    with touched as (
      update kaspi_offers set last_seen_at = ${now}::timestamptz
      where product_id = ${productId}::bigint and active
        and not (merchant_id = any(${col((o) => o.merchantId)}::text[])) and not (id = any(${diff.disappearedIds}::bigint[]))
    ), gone as (
      update kaspi_offers set active = false where id = any(${diff.disappearedIds}::bigint[])
    ), up as (
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
      returning id, merchant_id
    )
    insert into kaspi_offer_history (product_id, offer_id, merchant_id, event, old_price, new_price, created_at)
    select ${productId}::bigint, coalesce(e.offer_id, up.id), e.merchant_id, e.event, e.old_price::numeric, e.new_price::numeric, ${now}::timestamptz
    from unnest(${eventOfferIds}::bigint[], ${ev.map((e) => e.merchantId)}::text[], ${ev.map((e) => e.event)}::text[],
      ${ev.map((e) => e.oldPrice)}::text[], ${ev.map((e) => e.newPrice)}::text[]) as e(offer_id, merchant_id, event, old_price, new_price)
    left join up on up.merchant_id = e.merchant_id`.execute(db);
}
