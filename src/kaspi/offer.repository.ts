// All SQL for kaspi_offers and kaspi_offer_history. A product's offers are written by the same
// statement as the product itself (product.repository.ts), whatever changed (touch, deactivate,
// insert, update, history), for all the products of a batch at once: columns travel as arrays
// through `unnest`, each row carrying its product's position in the statement, so there is no
// query per offer or per product and no 65,535-parameter limit.
import { type RawBuilder, sql } from 'kysely';
import { textArray } from '../db/text-array.js';
import type { KaspiOffer } from './offers.parser.js';
import type { OffersDiff, StoredOffer } from './snapshot-diff.js';

/** One product's offers to apply: the diff of what was read against what is stored (`stored`, locked with the product). */
export interface OffersWrite {
  /** The product's position in the statement (1-based, the `ord` of the item `p`). */
  ord: number;
  diff: OffersDiff;
  stored: readonly StoredOffer[];
}

/**
 * The WITH items that apply the offers diffs of a batch's products to the products the item `p`
 * (columns `ord`, `id`, `now`) holds: those inserted or updated by the same statement (a product it
 * wrote nothing for, neither do these). Unchanged active offers get `last_seen_at`, vanished ones go
 * inactive, merchants never stored for the product are inserted, stored ones that changed or return
 * are updated by id (re-activated), and one history row is written per event. Rows are inserted in
 * the order given (products in key order, each's offers and events in the diff's order).
 *
 * The caller holds the product rows locked (or inserted them) in the same transaction, and this is
 * the only writer of kaspi_offers, so a merchant missing from `diff.storedIds` has no row: a plain
 * insert, without the speculative insertion of `on conflict` (a third of the insert's cost on a
 * product's first scrape). Should that ever not hold, the unique (product_id, merchant_id) index
 * fails the statement and its transaction, rather than writing twice. For the same reason the
 * offers to touch are known from the stored ones read with the lock: active, not upserted, not gone.
 */
export function offersCtes(writes: readonly OffersWrite[]): RawBuilder<unknown> {
  const touchedOrd: number[] = [];
  const touchedIds: string[] = [];
  const goneOrd: number[] = [];
  const goneIds: string[] = [];
  const fresh: KaspiOffer[] = [];
  const freshOrd: number[] = [];
  const known: KaspiOffer[] = [];
  const knownOrd: number[] = [];
  const knownIds: string[] = [];
  const eventOrd: number[] = [];
  const eventOfferIds: (string | null)[] = [];
  const eventMerchants: string[] = [];
  const eventKinds: string[] = [];
  const eventOld: (string | null)[] = [];
  const eventNew: (string | null)[] = [];
  for (const { ord, diff, stored } of writes) {
    const upserted = new Set<string>();
    for (const o of diff.upsert) {
      upserted.add(o.merchantId);
      const id = diff.storedIds.get(o.merchantId);
      if (id === undefined) {
        fresh.push(o);
        freshOrd.push(ord);
      } else {
        known.push(o);
        knownOrd.push(ord);
        knownIds.push(id);
      }
    }
    if (stored.length) {
      const gone = new Set(diff.disappearedIds);
      for (const o of stored) {
        if (o.active && !upserted.has(o.merchant_id) && !gone.has(o.id)) {
          touchedOrd.push(ord);
          touchedIds.push(o.id);
        }
      }
      for (const id of diff.disappearedIds) {
        goneOrd.push(ord);
        goneIds.push(id);
      }
    }
    for (const e of diff.events) {
      eventOrd.push(ord);
      // Every event's offer id is known here except those of inserted offers, which come from the insert.
      eventOfferIds.push(diff.storedIds.get(e.merchantId) ?? null);
      eventMerchants.push(e.merchantId);
      eventKinds.push(e.event);
      eventOld.push(e.oldPrice);
      eventNew.push(e.newPrice);
    }
  }
  // Each column is one array literal built in one pass (textArray), not an array pg encodes per element.
  const columns = (list: KaspiOffer[]) => {
    const col = (get: (o: KaspiOffer) => string | number | boolean | null) => textArray(list.map(get));
    return sql`${col((o) => o.merchantId)}::text[], ${col((o) => o.merchantName)}::text[], ${col((o) => o.price)}::text[],
      ${col((o) => o.merchantRating)}::text[], ${col((o) => o.merchantReviewCount)}::text[], ${col((o) => o.deliveryType)}::text[],
      ${col((o) => o.deliveryDuration)}::text[], ${col((o) => o.kaspiDelivery)}::text[], ${col((o) => o.preorderDays)}::text[]`;
  };
  return sql`touched as (
      update kaspi_offers o set last_seen_at = p.now
      from unnest(${textArray(touchedOrd)}::integer[], ${textArray(touchedIds)}::bigint[]) as t(ord, id) join p on p.ord = t.ord
      where o.id = t.id and o.product_id = p.id
    ), gone as (
      update kaspi_offers o set active = false
      from unnest(${textArray(goneOrd)}::integer[], ${textArray(goneIds)}::bigint[]) as g(ord, id) join p on p.ord = g.ord
      where o.id = g.id and o.product_id = p.id
    ), changed as (
      update kaspi_offers o set merchant_name = u.merchant_name, price = u.price::numeric, merchant_rating = u.rating::numeric,
        merchant_review_count = u.reviews::integer, delivery_type = u.delivery_type, delivery_duration = u.delivery_duration,
        kaspi_delivery = u.kaspi_delivery::boolean, preorder_days = u.preorder::integer, last_seen_at = p.now, active = true
      from unnest(${textArray(knownOrd)}::integer[], ${textArray(knownIds)}::bigint[], ${columns(known)})
        as u(ord, id, merchant_id, merchant_name, price, rating, reviews, delivery_type, delivery_duration, kaspi_delivery, preorder)
        join p on p.ord = u.ord
      where o.id = u.id and o.product_id = p.id
    ), added as (
      insert into kaspi_offers (product_id, merchant_id, merchant_name, price, merchant_rating, merchant_review_count,
        delivery_type, delivery_duration, kaspi_delivery, preorder_days, first_seen_at, last_seen_at, active)
      select p.id, u.merchant_id, u.merchant_name, u.price::numeric, u.rating::numeric, u.reviews::integer,
        u.delivery_type, u.delivery_duration, u.kaspi_delivery::boolean, u.preorder::integer, p.now, p.now, true
      from unnest(${textArray(freshOrd)}::integer[], ${columns(fresh)}) with ordinality
        as u(ord, merchant_id, merchant_name, price, rating, reviews, delivery_type, delivery_duration, kaspi_delivery, preorder, n)
        join p on p.ord = u.ord
      order by u.n
      returning id, product_id, merchant_id
    ), logged as (
      insert into kaspi_offer_history (product_id, offer_id, merchant_id, event, old_price, new_price, created_at)
      select p.id, coalesce(e.offer_id, added.id), e.merchant_id, e.event, e.old_price::numeric, e.new_price::numeric, p.now
      from unnest(${textArray(eventOrd)}::integer[], ${textArray(eventOfferIds)}::bigint[], ${textArray(eventMerchants)}::text[],
        ${textArray(eventKinds)}::text[], ${textArray(eventOld)}::text[], ${textArray(eventNew)}::text[]) with ordinality
        as e(ord, offer_id, merchant_id, event, old_price, new_price, n)
        join p on p.ord = e.ord
        left join added on added.product_id = p.id and added.merchant_id = e.merchant_id
      order by e.n
    )`;
}
