// All SQL for kaspi_offers and kaspi_offer_history. A product's offers are written by the same
// statement as the product itself (product.repository.ts), whatever changed (touch, deactivate,
// insert, update, history): columns travel as arrays through `unnest`, so there is no query per
// offer and no 65,535-parameter limit.
import { type RawBuilder, sql } from 'kysely';
import { textArray } from '../db/text-array.js';
import type { KaspiOffer } from './offers.parser.js';
import type { OffersDiff } from './snapshot-diff.js';

/**
 * The WITH items that apply an offers diff to the product whose id the item `p` (one row, column
 * `id`) holds: the product inserted or updated by the same statement (when that wrote nothing,
 * neither do these). Unchanged active offers get `last_seen_at`, vanished ones go
 * inactive, merchants never stored for the product are inserted, stored ones that changed or return
 * are updated by id (re-activated), and one history row is written per event.
 *
 * The caller holds the product row locked (or inserted it) in the same transaction, and this is
 * the only writer of kaspi_offers, so a merchant missing from `diff.storedIds` has no row: a plain
 * insert, without the speculative insertion of `on conflict` (a third of the insert's cost on a
 * product's first scrape). Should that ever not hold, the unique (product_id, merchant_id) index
 * fails the statement and its transaction, rather than writing twice.
 */
export function offersCtes(diff: OffersDiff, now: Date): RawBuilder<unknown> {
  const fresh: KaspiOffer[] = [];
  const known: KaspiOffer[] = [];
  const knownIds: string[] = [];
  for (const o of diff.upsert) {
    const id = diff.storedIds.get(o.merchantId);
    if (id === undefined) fresh.push(o);
    else {
      known.push(o);
      knownIds.push(id);
    }
  }
  // Each column is one array literal built in one pass (textArray), not an array pg encodes per element.
  const columns = (list: KaspiOffer[]) => {
    const col = (get: (o: KaspiOffer) => string | number | boolean | null) => textArray(list.map(get));
    return sql`${col((o) => o.merchantId)}::text[], ${col((o) => o.merchantName)}::text[], ${col((o) => o.price)}::text[],
      ${col((o) => o.merchantRating)}::text[], ${col((o) => o.merchantReviewCount)}::text[], ${col((o) => o.deliveryType)}::text[],
      ${col((o) => o.deliveryDuration)}::text[], ${col((o) => o.kaspiDelivery)}::text[], ${col((o) => o.preorderDays)}::text[]`;
  };
  const ev = diff.events;
  // Every event's offer id is known here except those of inserted offers, which come from the insert.
  const eventOfferIds = textArray(ev.map((e) => diff.storedIds.get(e.merchantId) ?? null));
  // Nothing stored for the product (its first scrape): nothing to touch, deactivate or update.
  const stored = diff.storedIds.size
    ? sql`touched as (
      update kaspi_offers set last_seen_at = ${now}::timestamptz
      where product_id = (select id from p) and active
        and not (merchant_id = any(${textArray(diff.upsert.map((o) => o.merchantId))}::text[])) and not (id = any(${textArray(diff.disappearedIds)}::bigint[]))
    ), gone as (
      update kaspi_offers set active = false where id = any(${textArray(diff.disappearedIds)}::bigint[])
    ), changed as (
      update kaspi_offers o set merchant_name = u.merchant_name, price = u.price::numeric, merchant_rating = u.rating::numeric,
        merchant_review_count = u.reviews::integer, delivery_type = u.delivery_type, delivery_duration = u.delivery_duration,
        kaspi_delivery = u.kaspi_delivery::boolean, preorder_days = u.preorder::integer, last_seen_at = ${now}::timestamptz, active = true
      from unnest(${textArray(knownIds)}::bigint[], ${columns(known)})
        as u(id, merchant_id, merchant_name, price, rating, reviews, delivery_type, delivery_duration, kaspi_delivery, preorder)
      where o.id = u.id
    ), `
    : sql``;
  return sql`${stored}added as (
      insert into kaspi_offers (product_id, merchant_id, merchant_name, price, merchant_rating, merchant_review_count,
        delivery_type, delivery_duration, kaspi_delivery, preorder_days, first_seen_at, last_seen_at, active)
      select p.id, u.merchant_id, u.merchant_name, u.price::numeric, u.rating::numeric, u.reviews::integer,
        u.delivery_type, u.delivery_duration, u.kaspi_delivery::boolean, u.preorder::integer, ${now}::timestamptz, ${now}::timestamptz, true
      from p cross join unnest(${columns(fresh)})
        as u(merchant_id, merchant_name, price, rating, reviews, delivery_type, delivery_duration, kaspi_delivery, preorder)
      returning id, merchant_id
    ), logged as (
      insert into kaspi_offer_history (product_id, offer_id, merchant_id, event, old_price, new_price, created_at)
      select p.id, coalesce(e.offer_id, added.id), e.merchant_id, e.event, e.old_price::numeric, e.new_price::numeric, ${now}::timestamptz
      from p cross join unnest(${eventOfferIds}::bigint[], ${textArray(ev.map((e) => e.merchantId))}::text[], ${textArray(ev.map((e) => e.event))}::text[],
        ${textArray(ev.map((e) => e.oldPrice))}::text[], ${textArray(ev.map((e) => e.newPrice))}::text[]) as e(offer_id, merchant_id, event, old_price, new_price)
      left join added on added.merchant_id = e.merchant_id
    )`;
}
