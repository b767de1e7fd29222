// All SQL for unit_costs.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CostInput, Marketplace } from './cost-row.js';

type Db = Kysely<Database>;

export interface CostRow {
  marketplace: Marketplace;
  product: string;
  valid_from: string;
  cost: string;
  currency: string;
  commission_pct: string | null;
  delivery: string | null;
  source: string;
  updated_at: Date;
}

const BATCH = 5000;

/** Inserts or replaces cost rows by (marketplace, product, valid_from), in batches; returns how many were written. */
export async function upsertCosts(db: Db, inputs: readonly CostInput[], source: string): Promise<number> {
  for (let i = 0; i < inputs.length; i += BATCH) {
    const chunk = inputs.slice(i, i + BATCH);
    const col = (f: (c: CostInput) => string | null) => chunk.map(f);
    await sql`
      insert into unit_costs (marketplace, product, valid_from, cost, currency, commission_pct, delivery, source)
      select u.marketplace, u.product, u.valid_from::date, u.cost::numeric, u.currency, u.commission_pct::numeric, u.delivery::numeric, ${source}
      from unnest(${col((c) => c.marketplace)}::text[], ${col((c) => c.product)}::text[], ${col((c) => c.validFrom)}::text[],
        ${col((c) => c.cost)}::text[], ${col((c) => c.currency)}::text[], ${col((c) => c.commissionPct)}::text[], ${col((c) => c.delivery)}::text[])
        as u(marketplace, product, valid_from, cost, currency, commission_pct, delivery)
      on conflict (marketplace, product, valid_from) do update set
        cost = excluded.cost, currency = excluded.currency, commission_pct = excluded.commission_pct,
        delivery = excluded.delivery, source = excluded.source, updated_at = now()`.execute(db);
  }
  return inputs.length;
}

export interface CostFilter {
  marketplace?: Marketplace;
  products?: readonly string[];
  /** Only the row in effect on this day per product (and none for products whose first cost is later). */
  at?: string;
}

/** Cost rows, by marketplace, product and date: every row, or the one in effect `at` a day. */
export async function listCosts(db: Db, filter: CostFilter = {}): Promise<CostRow[]> {
  const marketplace = filter.marketplace ?? null;
  const products = filter.products && filter.products.length > 0 ? [...filter.products] : null;
  const at = filter.at ?? null;
  const where = sql`(${marketplace}::text is null or c.marketplace = ${marketplace})
      and (${products}::text[] is null or c.product = any(${products}::text[]))`;
  const columns = sql`c.marketplace, c.product, to_char(c.valid_from, 'YYYY-MM-DD') as valid_from, c.cost::text as cost, c.currency,
      c.commission_pct::text as commission_pct, c.delivery::text as delivery, c.source, c.updated_at`;
  const result =
    at === null
      ? await sql<CostRow>`select ${columns} from unit_costs c where ${where} order by c.marketplace, c.product, c.valid_from`.execute(db)
      : await sql<CostRow>`select distinct on (c.marketplace, c.product) ${columns} from unit_costs c
          where ${where} and c.valid_from <= ${at}::date order by c.marketplace, c.product, c.valid_from desc`.execute(db);
  return result.rows;
}

/** The latest cost row of a product before (or on) a day: what `mp costs set` carries forward. */
export async function costBefore(db: Db, marketplace: Marketplace, product: string, day: string): Promise<CostRow | undefined> {
  return (await listCosts(db, { marketplace, products: [product], at: day }))[0];
}

/** Deletes the rows of one product (all, or from one day); returns how many went. */
export async function deleteCosts(db: Db, marketplace: Marketplace, product: string, validFrom?: string): Promise<number> {
  const result = await sql`delete from unit_costs where marketplace = ${marketplace} and product = ${product}
    and (${validFrom ?? null}::date is null or valid_from = ${validFrom ?? null}::date)`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
