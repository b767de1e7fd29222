// Read-only: the active offers of a scraped product (kaspi_offers is written by src/kaspi/).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** Active offers of a product row, cheapest first. */
export function activeOffers(db: Kysely<Database>, productId: string) {
  return db
    .selectFrom('kaspi_offers')
    .select(['merchant_id', 'merchant_name', 'price'])
    .where('product_id', '=', productId)
    .where('active', '=', true)
    .orderBy('price')
    .orderBy('merchant_id')
    .execute();
}
