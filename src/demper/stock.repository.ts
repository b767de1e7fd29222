// All SQL for demper_stock: stock per point of sale of a store's SKUs (`mp demper stock import`).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface StockRow {
  sku: string;
  point: string;
  stock: number;
}

/** Replaces the stock of every SKU named (all its points) with the rows given, in batches. */
export async function replaceStock(db: Kysely<Database>, storeId: string, skus: readonly string[], rows: readonly StockRow[], at: Date): Promise<void> {
  for (let i = 0; i < skus.length; i += 10_000) {
    await db
      .deleteFrom('demper_stock')
      .where('store_id', '=', storeId)
      .where('sku', 'in', skus.slice(i, i + 10_000))
      .execute();
  }
  // 5 columns per row: far below the 65,535 bind-parameter limit.
  for (let i = 0; i < rows.length; i += 5000) {
    await db
      .insertInto('demper_stock')
      .values(rows.slice(i, i + 5000).map((r) => ({ store_id: storeId, sku: r.sku, point: r.point, stock: r.stock, updated_at: at })))
      .execute();
  }
}

/** A store's stock: SKU → point → count. */
export async function stockOf(db: Kysely<Database>, storeId: string): Promise<Map<string, Map<string, number>>> {
  const rows = await db.selectFrom('demper_stock').select(['sku', 'point', 'stock']).where('store_id', '=', storeId).orderBy('sku').orderBy('point').execute();
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    let points = out.get(r.sku);
    if (!points) out.set(r.sku, (points = new Map()));
    points.set(r.point, r.stock);
  }
  return out;
}
