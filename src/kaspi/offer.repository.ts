// All SQL for kaspi_offers and kaspi_offer_history. Writes are batched: one statement per kind of
// change per product, never one per offer.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { KaspiOffer } from './offers.parser.js';
import type { OfferEvent, OfferRow } from './snapshot-diff.js';

type Db = Kysely<Database>;

// PostgreSQL binds at most 65535 parameters per statement: 13 columns × 4000 rows stays under it.
const CHUNK = 4000;

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

/** Inserts or updates offers (re-activating returning merchants); returns their ids by merchant. */
export async function upsertOffers(db: Db, productId: string, offers: readonly KaspiOffer[], now: Date): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let i = 0; i < offers.length; i += CHUNK) {
    const rows = offers.slice(i, i + CHUNK).map((o) => ({
      product_id: productId,
      merchant_id: o.merchantId,
      merchant_name: o.merchantName,
      price: o.price,
      merchant_rating: o.merchantRating === null ? null : String(o.merchantRating),
      merchant_review_count: o.merchantReviewCount,
      delivery_type: o.deliveryType,
      delivery_duration: o.deliveryDuration,
      kaspi_delivery: o.kaspiDelivery,
      preorder_days: o.preorderDays,
      first_seen_at: now,
      last_seen_at: now,
      active: true,
    }));
    const returned = await db
      .insertInto('kaspi_offers')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['product_id', 'merchant_id']).doUpdateSet((eb) => ({
          merchant_name: eb.ref('excluded.merchant_name'),
          price: eb.ref('excluded.price'),
          merchant_rating: eb.ref('excluded.merchant_rating'),
          merchant_review_count: eb.ref('excluded.merchant_review_count'),
          delivery_type: eb.ref('excluded.delivery_type'),
          delivery_duration: eb.ref('excluded.delivery_duration'),
          kaspi_delivery: eb.ref('excluded.kaspi_delivery'),
          preorder_days: eb.ref('excluded.preorder_days'),
          last_seen_at: eb.ref('excluded.last_seen_at'),
          active: true,
        })),
      )
      .returning(['id', 'merchant_id'])
      .execute();
    for (const r of returned) ids.set(r.merchant_id, r.id);
  }
  return ids;
}

export async function deactivateOffers(db: Db, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await db
    .updateTable('kaspi_offers')
    .set({ active: false })
    .where('id', 'in', [...ids])
    .execute();
}

/** One history row per event; `offerIds` maps merchant → offer id. */
export async function insertOfferHistory(db: Db, productId: string, events: readonly OfferEvent[], offerIds: Map<string, string>, now: Date): Promise<void> {
  const rows = events.map((e) => {
    const offerId = offerIds.get(e.merchantId);
    if (!offerId) throw new Error(`no offer id for merchant ${e.merchantId} of product ${productId}`);
    return {
      product_id: productId,
      offer_id: offerId,
      merchant_id: e.merchantId,
      event: e.event,
      old_price: e.oldPrice,
      new_price: e.newPrice,
      created_at: now,
    };
  });
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('kaspi_offer_history')
      .values(rows.slice(i, i + CHUNK))
      .execute();
}
