// The effective floor of products under price management, from the database: the unit cost in effect
// today (`mp costs`, by Kaspi product code or merchant SKU), the commission (the cost's own
// commission_pct, else the category table), the product's minimum margin (else the store-wide
// default). The repricer's plan and the served price list ask here; the arithmetic is margin-floor.ts.
import { type Kysely, sql } from 'kysely';
import type { Config } from '../core/config.js';
import { readSetting, SETTINGS } from '../core/settings.js';
import { ALMATY, zonedDate } from '../core/time.js';
import { listCosts } from '../costs/costs.repository.js';
import type { Database } from '../db/schema.js';
import { type CommissionTable, commissionTable, KASPI_COMMISSIONS, rateFor } from './kaspi-commissions.js';
import { effectiveFloor, type Floor } from './margin-floor.js';

/** Where the margin rule's inputs come from besides each product's own row. */
export interface MarginRules {
  /** The store-wide minimum margin (`--min-margin`, `demper.minMargin`); null = none. */
  defaultMinMarginPct: string | null;
  commissions: CommissionTable;
}

/** A product as the floor needs it (a demper_products row has these). */
export interface FloorProduct {
  id: string;
  sku: string;
  product_id: string;
  min_price: string;
  min_margin_pct: string | null;
}

export interface ProductFloor extends Floor {
  /** Unit cost in effect today (null = none known). */
  cost: string | null;
  /** The cost row's key (the product code or the SKU) and its first day. */
  costKey: string | null;
  costFrom: string | null;
  commissionPct: string;
  /** `cost` (the product's commission_pct), `category` (the table names its category) or `default`. */
  commissionSource: 'cost' | 'category' | 'default';
  minMarginPct: string | null;
}

/** The margin rules from the config (`demper.minMargin` / MP_DEMPER_MIN_MARGIN, the commission table), or a flag's value. */
export function marginRules(config: Config | undefined, minMarginFlag?: string): MarginRules {
  const flag = { value: minMarginFlag, flag: '--min-margin' };
  const fromSettings = config
    ? readSetting(config, 'demper.minMargin', flag)
    : minMarginFlag === undefined
      ? undefined
      : SETTINGS['demper.minMargin'].parser.parse(minMarginFlag, '--min-margin');
  return {
    defaultMinMarginPct: fromSettings ?? null,
    commissions: config ? commissionTable(config) : KASPI_COMMISSIONS,
  };
}

/** The effective floors of a store's products on `at`'s Almaty day, by product row id. */
export async function productFloors(
  db: Kysely<Database>,
  store: { city_id: string },
  products: readonly FloorProduct[],
  rules: MarginRules,
  at: Date,
): Promise<Map<string, ProductFloor>> {
  const out = new Map<string, ProductFloor>();
  if (products.length === 0) return out;
  const day = zonedDate(at, ALMATY);
  const keys = [...new Set(products.flatMap((p) => [p.product_id, p.sku]))];
  const costs = new Map((await listCosts(db, { marketplace: 'kaspi', products: keys, at: day })).map((c) => [c.product, c]));
  const paths = await categoryPaths(
    db,
    products.map((p) => p.product_id),
    store.city_id,
  );
  for (const p of products) {
    // The product code's cost and the SKU's: the later one is in effect; on the same day the code's.
    const candidates = [costs.get(p.product_id), costs.get(p.sku)].filter((c) => c !== undefined);
    const cost = candidates.sort((a, b) => b.valid_from.localeCompare(a.valid_from))[0];
    const rate = rateFor(rules.commissions, paths.get(p.product_id)?.path ?? [], paths.get(p.product_id)?.entryCategory);
    const commissionPct = cost?.commission_pct ?? rate.pct;
    const minMarginPct = p.min_margin_pct ?? rules.defaultMinMarginPct;
    const floor = effectiveFloor({ minPrice: Number(p.min_price), cost: cost?.cost ?? null, delivery: cost?.delivery ?? null, commissionPct, minMarginPct });
    out.set(p.id, {
      ...floor,
      cost: cost?.cost ?? null,
      costKey: cost?.product ?? null,
      costFrom: cost?.valid_from ?? null,
      commissionPct,
      commissionSource: cost?.commission_pct ? 'cost' : rate.category ? 'category' : 'default',
      minMarginPct,
    });
  }
  return out;
}

/**
 * One product's effective floor and its reason (MIN_PRICE or MARGIN_FLOOR, with a note such as
 * NO_COST): what any price writer (the repricer, the served price list) must not go below.
 */
export async function productFloor(
  db: Kysely<Database>,
  store: { city_id: string },
  product: FloorProduct,
  rules: MarginRules,
  at: Date,
): Promise<ProductFloor> {
  return (await productFloors(db, store, [product], rules, at)).get(product.id)!;
}

/**
 * Category paths of Kaspi products (from `mp kaspi scrape`; the store's city first) and the category
 * their order entries carry (Shop API), by product code.
 */
export async function categoryPaths(
  db: Kysely<Database>,
  codes: readonly string[],
  cityId: string,
): Promise<Map<string, { path: string[]; entryCategory: string | null }>> {
  const out = new Map<string, { path: string[]; entryCategory: string | null }>();
  if (codes.length === 0) return out;
  const { rows } = await sql<{ code: string; path: string[] | null; entry_category: string | null }>`
    select c.code,
      (select p.category_path from kaspi_products p where p.kaspi_id = c.code order by (p.city_id = ${cityId}) desc, p.last_checked_at desc limit 1) as path,
      (select e.category_title from kaspi_order_entries e where e.product_code = c.code and e.category_title is not null order by e.id desc limit 1) as entry_category
    from unnest(${[...new Set(codes)]}::text[]) as c(code)`.execute(db);
  for (const r of rows) out.set(r.code, { path: r.path ?? [], entryCategory: r.entry_category });
  return out;
}
