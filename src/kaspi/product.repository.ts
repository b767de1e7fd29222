// All SQL for kaspi_products and kaspi_product_history.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ProductFields, ProductRow, TrackedField } from './snapshot-diff.js';

type Db = Kysely<Database>;

/** The stored product, row-locked until the transaction ends (concurrent scrapes of it queue). */
export async function lockProduct(db: Db, kaspiId: string, cityId: string): Promise<ProductRow | undefined> {
  return db.selectFrom('kaspi_products').selectAll().where('kaspi_id', '=', kaspiId).where('city_id', '=', cityId).forUpdate().executeTakeFirst();
}

function columns(f: ProductFields) {
  return {
    name: f.name,
    description_text: f.descriptionText,
    description_html: f.descriptionHtml,
    category: f.category,
    category_path: f.categoryPath,
    brand: f.brand,
    min_price: f.minPrice,
    max_price: f.maxPrice,
    rating: f.rating,
    review_count: f.reviewCount,
    seller_count: f.sellerCount,
    offers_status: f.offersStatus,
    photos: f.photos,
    url: f.url,
  };
}

/** Inserts a first-seen product; undefined when another process inserted it first. */
export async function insertProduct(db: Db, kaspiId: string, cityId: string, f: ProductFields, now: Date): Promise<ProductRow | undefined> {
  return db
    .insertInto('kaspi_products')
    .values({ kaspi_id: kaspiId, city_id: cityId, ...columns(f), first_seen_at: now, last_checked_at: now, last_changed_at: now })
    .onConflict((oc) => oc.columns(['kaspi_id', 'city_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Stores the new state; `last_checked_at` always moves, `last_changed_at` only on a change. */
export async function updateProduct(db: Db, id: string, f: ProductFields, now: Date, changed: boolean): Promise<void> {
  await db
    .updateTable('kaspi_products')
    .set({ ...columns(f), last_checked_at: now, ...(changed ? { last_changed_at: now } : {}) })
    .where('id', '=', id)
    .execute();
}

export async function insertProductHistory(db: Db, productId: string, f: ProductFields, changed: readonly TrackedField[], now: Date): Promise<void> {
  await db
    .insertInto('kaspi_product_history')
    .values({
      product_id: productId,
      checked_at: now,
      changed_fields: [...changed],
      name: f.name,
      description_text: f.descriptionText,
      category: f.category,
      category_path: f.categoryPath,
      brand: f.brand,
      min_price: f.minPrice,
      max_price: f.maxPrice,
      rating: f.rating,
      review_count: f.reviewCount,
      seller_count: f.sellerCount,
      offers_status: f.offersStatus,
      photos: f.photos,
    })
    .execute();
}

/** Every stored product, in id order. */
export async function listProducts(db: Db): Promise<ProductRow[]> {
  return db.selectFrom('kaspi_products').selectAll().orderBy('id').execute();
}
