// All SQL for preorders.
import type { Kysely, Selectable } from 'kysely';
import type { PreordersTable } from '../db/schema/demper.js';
import type { Database } from '../db/schema.js';

export type PreorderRow = Selectable<PreordersTable>;

export interface PreorderInput {
  sku: string;
  model: string;
  brand: string;
  price: number;
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
          price: String(p.price),
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
