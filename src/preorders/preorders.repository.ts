// All SQL for preorders.
import type { Kysely, Selectable } from 'kysely';
import type { PreordersTable } from '../db/schema/demper.js';
import type { Database } from '../db/schema.js';

export type PreorderRow = Selectable<PreordersTable>;

export interface PreorderInput {
  sku: string;
  model: string;
  brand: string;
  /** The row's own price; null for a SKU under price management (the file takes the product's price). */
  price: number | null;
  /** PP1…PP5: a stock number, `yes`, `no`, or null for an empty cell. */
  pp: (string | null)[];
  preorderDays: number;
}

/** Inserts or replaces preorder rows by (store, sku) in batches. */
export async function upsertPreorders(db: Kysely<Database>, storeId: string, inputs: PreorderInput[]): Promise<void> {
  const now = new Date();
  for (let i = 0; i < inputs.length; i += 2000) {
    await db
      .insertInto('preorders')
      .values(
        inputs.slice(i, i + 2000).map((p) => ({
          store_id: storeId,
          sku: p.sku,
          model: p.model,
          brand: p.brand,
          price: p.price === null ? null : String(p.price),
          pp1: p.pp[0] ?? null,
          pp2: p.pp[1] ?? null,
          pp3: p.pp[2] ?? null,
          pp4: p.pp[3] ?? null,
          pp5: p.pp[4] ?? null,
          preorder_days: p.preorderDays,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['store_id', 'sku']).doUpdateSet((eb) => ({
          model: eb.ref('excluded.model'),
          brand: eb.ref('excluded.brand'),
          price: eb.ref('excluded.price'),
          pp1: eb.ref('excluded.pp1'),
          pp2: eb.ref('excluded.pp2'),
          pp3: eb.ref('excluded.pp3'),
          pp4: eb.ref('excluded.pp4'),
          pp5: eb.ref('excluded.pp5'),
          preorder_days: eb.ref('excluded.preorder_days'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export async function listPreorders(db: Kysely<Database>, storeId?: string): Promise<PreorderRow[]> {
  let q = db.selectFrom('preorders').selectAll();
  if (storeId) q = q.where('store_id', '=', storeId);
  return q.orderBy('store_id').orderBy('sku').execute();
}

export async function findPreorders(db: Kysely<Database>, storeId: string, skus: string[]): Promise<PreorderRow[]> {
  if (skus.length === 0) return [];
  return db.selectFrom('preorders').selectAll().where('store_id', '=', storeId).where('sku', 'in', skus).execute();
}

export async function deletePreorders(db: Kysely<Database>, storeId: string, skus: string[]): Promise<number> {
  if (skus.length === 0) return 0;
  const result = await db.deleteFrom('preorders').where('store_id', '=', storeId).where('sku', 'in', skus).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A preorder row with its product under price management, when there is one (same store and SKU). */
export type PreorderWithProduct = PreorderRow & {
  product_price: string | null;
  product_enabled: boolean | null;
  product_name: string | null;
  product_brand: string | null;
};

/**
 * The store's preorder rows (or every store's), each with its managed product's price and state. The
 * price is the one the served price list carries in the store's home city (set by an applying run),
 * else the stored one: the preorder file and the price list agree.
 */
export async function listPreordersWithProducts(db: Kysely<Database>, storeId?: string): Promise<PreorderWithProduct[]> {
  let q = db
    .selectFrom('preorders as o')
    .innerJoin('kaspi_stores as s', 's.id', 'o.store_id')
    .leftJoin('demper_products as p', (j) => j.onRef('p.store_id', '=', 'o.store_id').onRef('p.sku', '=', 'o.sku'))
    .leftJoin('demper_city_prices as cp', (j) => j.onRef('cp.demper_product_id', '=', 'p.id').onRef('cp.city_id', '=', 's.city_id'))
    .selectAll('o')
    .select((eb) => [
      eb.fn.coalesce('cp.list_price', 'p.price').as('product_price'),
      'p.enabled as product_enabled',
      'p.name as product_name',
      'p.brand as product_brand',
    ]);
  if (storeId) q = q.where('o.store_id', '=', storeId);
  return q.orderBy('o.store_id').orderBy('o.sku').execute();
}

/** The managed product of a SKU in a store, if any (its price as listPreordersWithProducts gives it). */
export async function findManagedProduct(db: Kysely<Database>, storeId: string, sku: string) {
  return db
    .selectFrom('demper_products as p')
    .innerJoin('kaspi_stores as s', 's.id', 'p.store_id')
    .leftJoin('demper_city_prices as cp', (j) => j.onRef('cp.demper_product_id', '=', 'p.id').onRef('cp.city_id', '=', 's.city_id'))
    .select((eb) => [eb.fn.coalesce('cp.list_price', 'p.price').as('price'), 'p.enabled', 'p.name', 'p.brand'])
    .where('p.store_id', '=', storeId)
    .where('p.sku', '=', sku)
    .executeTakeFirst();
}
