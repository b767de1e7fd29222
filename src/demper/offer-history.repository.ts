// Read-only SQL over the Kaspi tracking tables (kaspi_products, kaspi_offers, kaspi_offer_history)
// for `mp demper backtest`.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface OfferEvent {
  kaspiId: string;
  merchantId: string;
  merchantName: string;
  event: 'appeared' | 'price_changed' | 'disappeared';
  price: number | null;
  at: Date;
}

/** Every recorded offer event of these products in a city, oldest first. */
export async function offerEvents(db: Kysely<Database>, kaspiIds: string[], cityId: string): Promise<OfferEvent[]> {
  if (kaspiIds.length === 0) return [];
  const rows = await db
    .selectFrom('kaspi_offer_history as h')
    .innerJoin('kaspi_products as p', 'p.id', 'h.product_id')
    .innerJoin('kaspi_offers as o', 'o.id', 'h.offer_id')
    .select(['p.kaspi_id', 'h.merchant_id', 'o.merchant_name', 'h.event', 'h.new_price', 'h.created_at'])
    .where('p.kaspi_id', 'in', kaspiIds)
    .where('p.city_id', '=', cityId)
    .orderBy('h.created_at')
    .orderBy('h.id')
    .execute();
  return rows.map((r) => ({
    kaspiId: r.kaspi_id,
    merchantId: r.merchant_id,
    merchantName: r.merchant_name,
    event: r.event,
    price: r.new_price === null ? null : Number(r.new_price),
    at: r.created_at,
  }));
}
