// All SQL for demper_products.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DemperProductsTable } from '../db/schema/demper.js';
import type { Database } from '../db/schema.js';
import type { ProductInput } from './product-settings.js';

export type DemperProductRow = Selectable<DemperProductsTable>;

export interface ProductFilter {
  storeId?: string;
  /** Only these stores (MP_USER's stores when no store is named); an empty list matches nothing. */
  storeIds?: string[];
  skus?: string[];
  strategy?: string;
  enabled?: boolean;
  /** Substring of the name or sku (case-insensitive). */
  search?: string;
}

/** Inserts or updates products by (store, sku) in batches; returns how many rows were written. */
export async function upsertProducts(db: Kysely<Database>, storeId: string, inputs: ProductInput[]): Promise<number> {
  const now = new Date();
  // A file without a min_margin_pct column leaves the stored margins alone.
  const withMargin = inputs.some((p) => p.minMarginPct !== undefined);
  // 12 columns per row: stay far below the 65535 bind-parameter limit.
  for (let i = 0; i < inputs.length; i += 2000) {
    const chunk = inputs.slice(i, i + 2000);
    await db
      .insertInto('demper_products')
      .values(
        chunk.map((p) => ({
          store_id: storeId,
          sku: p.sku,
          product_id: p.productId,
          name: p.name,
          brand: p.brand ?? '',
          price: p.price === null ? null : String(p.price),
          min_price: String(p.minPrice),
          max_price: String(p.maxPrice),
          step: String(p.step),
          strategy: p.strategy,
          top_n: p.topN,
          min_margin_pct: p.minMarginPct ?? null,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['store_id', 'sku']).doUpdateSet((eb) => ({
          product_id: eb.ref('excluded.product_id'),
          name: sql<string>`case when excluded.name = '' then demper_products.name else excluded.name end`,
          brand: sql<string>`case when excluded.brand = '' then demper_products.brand else excluded.brand end`,
          price: sql<string | null>`coalesce(excluded.price, demper_products.price)`,
          min_price: eb.ref('excluded.min_price'),
          max_price: eb.ref('excluded.max_price'),
          step: eb.ref('excluded.step'),
          strategy: eb.ref('excluded.strategy'),
          top_n: eb.ref('excluded.top_n'),
          min_margin_pct: withMargin ? eb.ref('excluded.min_margin_pct') : eb.ref('demper_products.min_margin_pct'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  return inputs.length;
}

/** Sets the stored price of products by SKU (the price Kaspi has now); their settings stay. */
export async function setPrices(db: Kysely<Database>, storeId: string, prices: { sku: string; price: number }[]): Promise<void> {
  const now = new Date();
  for (let i = 0; i < prices.length; i += 5000) {
    const chunk = prices.slice(i, i + 5000);
    await sql`
      update demper_products p set price = v.price::numeric, updated_at = ${now}
      from (select unnest(${chunk.map((c) => c.sku)}::text[]) as sku, unnest(${chunk.map((c) => String(c.price))}::text[]) as price) v
      where p.store_id = ${storeId} and p.sku = v.sku`.execute(db);
  }
}

/** Sets the brand of products by SKU (the cabinet's); their settings stay. */
export async function setBrands(db: Kysely<Database>, storeId: string, brands: { sku: string; brand: string }[]): Promise<void> {
  for (let i = 0; i < brands.length; i += 5000) {
    const chunk = brands.slice(i, i + 5000);
    await sql`
      update demper_products p set brand = v.brand
      from (select unnest(${chunk.map((c) => c.sku)}::text[]) as sku, unnest(${chunk.map((c) => c.brand)}::text[]) as brand) v
      where p.store_id = ${storeId} and p.sku = v.sku`.execute(db);
  }
}

export async function listProducts(db: Kysely<Database>, filter: ProductFilter = {}): Promise<(DemperProductRow & { merchant_id: string })[]> {
  let q = db.selectFrom('demper_products as p').innerJoin('kaspi_stores as s', 's.id', 'p.store_id').selectAll('p').select('s.merchant_id');
  if (filter.storeId) q = q.where('p.store_id', '=', filter.storeId);
  if (filter.storeIds) {
    if (filter.storeIds.length === 0) return [];
    q = q.where('p.store_id', 'in', filter.storeIds);
  }
  if (filter.skus && filter.skus.length > 0) q = q.where('p.sku', 'in', filter.skus);
  if (filter.strategy) q = q.where('p.strategy', '=', filter.strategy);
  if (filter.enabled !== undefined) q = q.where('p.enabled', '=', filter.enabled);
  if (filter.search) {
    const like = `%${filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb(eb.fn('lower', ['p.name']), 'like', like), eb(eb.fn('lower', ['p.sku']), 'like', like)]));
  }
  return q.orderBy('p.store_id').orderBy('p.sku').execute();
}

export interface SettingsPatch {
  minPrice?: number;
  maxPrice?: number;
  step?: number;
  strategy?: string;
  topN?: number | null;
  enabled?: boolean;
  /** null clears it (the store-wide default applies). */
  minMarginPct?: string | null;
}

/** Applies a settings patch to the given product rows; returns the number updated. */
export async function patchProducts(db: Kysely<Database>, ids: string[], patch: SettingsPatch): Promise<number> {
  if (ids.length === 0) return 0;
  const set: Record<string, unknown> = { updated_at: new Date() };
  if (patch.minPrice !== undefined) set.min_price = String(patch.minPrice);
  if (patch.maxPrice !== undefined) set.max_price = String(patch.maxPrice);
  if (patch.step !== undefined) set.step = String(patch.step);
  if (patch.strategy !== undefined) set.strategy = patch.strategy;
  if (patch.topN !== undefined) set.top_n = patch.topN;
  if (patch.enabled !== undefined) set.enabled = patch.enabled;
  if (patch.minMarginPct !== undefined) set.min_margin_pct = patch.minMarginPct;
  const result = await db.updateTable('demper_products').set(set).where('id', 'in', ids).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface PriceOutcome {
  id: string;
  reason: string;
  /** The price Kaspi now has (applied), or undefined to keep the stored one. */
  price?: number;
  raised?: boolean;
}

/** Records what a run decided per product: last check and reason, and the price when it was applied. */
export async function recordOutcomes(db: Kysely<Database>, outcomes: PriceOutcome[], at: Date): Promise<void> {
  for (let i = 0; i < outcomes.length; i += 5000) {
    const chunk = outcomes.slice(i, i + 5000);
    await sql`
      update demper_products p set
        last_checked_at = ${at},
        last_reason = v.reason,
        price = coalesce(v.price::numeric, p.price),
        last_raised_at = case when v.raised then ${at}::timestamptz else p.last_raised_at end
      from (select unnest(${chunk.map((o) => o.id)}::bigint[]) as id,
                   unnest(${chunk.map((o) => o.reason)}::text[]) as reason,
                   unnest(${chunk.map((o) => (o.price === undefined ? null : String(o.price)))}::text[]) as price,
                   unnest(${chunk.map((o) => Boolean(o.raised))}::boolean[]) as raised) v
      where p.id = v.id`.execute(db);
  }
}
