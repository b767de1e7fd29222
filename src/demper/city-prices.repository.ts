// All SQL for demper_city_prices: per product and city, the repricer's state outside the store's home
// city (the home city's is demper_products.price / last_*) and, in every city, the price the served
// price list carries.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DemperCityPricesTable } from '../db/schema/demper.js';
import type { Database } from '../db/schema.js';

export type CityPriceRow = Selectable<DemperCityPricesTable>;

/** The rows of these products, by product id then city. */
export async function cityPricesOf(db: Kysely<Database>, productIds: readonly string[]): Promise<Map<string, Map<string, CityPriceRow>>> {
  const out = new Map<string, Map<string, CityPriceRow>>();
  for (let i = 0; i < productIds.length; i += 10_000) {
    const chunk = productIds.slice(i, i + 10_000);
    const rows = await db.selectFrom('demper_city_prices').selectAll().where('demper_product_id', 'in', chunk).execute();
    for (const r of rows) {
      let byCity = out.get(r.demper_product_id);
      if (!byCity) out.set(r.demper_product_id, (byCity = new Map()));
      byCity.set(r.city_id, r);
    }
  }
  return out;
}

export interface CityOutcome {
  productId: string;
  cityId: string;
  reason: string;
  /** The price Kaspi now has in that city (applied, or seen live); undefined keeps the stored one. */
  price?: number;
  raised?: boolean;
}

/** Records a run's decisions in cities other than the home one (the home city's go to demper_products). */
export async function recordCityOutcomes(db: Kysely<Database>, outcomes: readonly CityOutcome[], at: Date): Promise<void> {
  for (let i = 0; i < outcomes.length; i += 5000) {
    const chunk = outcomes.slice(i, i + 5000);
    await sql`
      insert into demper_city_prices as c (demper_product_id, city_id, price, last_reason, last_checked_at, last_raised_at, updated_at)
      select v.id, v.city, v.price::numeric, v.reason, ${at}, case when v.raised then ${at}::timestamptz end, ${at}
      from (select unnest(${chunk.map((o) => o.productId)}::bigint[]) as id,
                   unnest(${chunk.map((o) => o.cityId)}::text[]) as city,
                   unnest(${chunk.map((o) => (o.price === undefined ? null : String(o.price)))}::text[]) as price,
                   unnest(${chunk.map((o) => o.reason)}::text[]) as reason,
                   unnest(${chunk.map((o) => Boolean(o.raised))}::boolean[]) as raised) v
      on conflict (demper_product_id, city_id) do update set
        price = coalesce(excluded.price, c.price),
        last_reason = excluded.last_reason,
        last_checked_at = excluded.last_checked_at,
        last_raised_at = coalesce(excluded.last_raised_at, c.last_raised_at),
        updated_at = excluded.updated_at`.execute(db);
  }
}

/** Sets the prices the served price list carries (product, city → price). */
export async function setListPrices(db: Kysely<Database>, prices: readonly { productId: string; cityId: string; price: number }[], at: Date): Promise<void> {
  for (let i = 0; i < prices.length; i += 5000) {
    const chunk = prices.slice(i, i + 5000);
    await sql`
      insert into demper_city_prices as c (demper_product_id, city_id, list_price, list_price_at, updated_at)
      select v.id, v.city, v.price::numeric, ${at}, ${at}
      from (select unnest(${chunk.map((p) => p.productId)}::bigint[]) as id,
                   unnest(${chunk.map((p) => p.cityId)}::text[]) as city,
                   unnest(${chunk.map((p) => String(p.price))}::text[]) as price) v
      on conflict (demper_product_id, city_id) do update set
        list_price = excluded.list_price, list_price_at = excluded.list_price_at, updated_at = excluded.updated_at`.execute(db);
  }
}

/** Whether a run has ever set a list price for one of the store's products (the store "has a plan"). */
export async function hasListPrices(db: Kysely<Database>, storeId: string): Promise<boolean> {
  const row = await db
    .selectFrom('demper_city_prices as c')
    .innerJoin('demper_products as p', 'p.id', 'c.demper_product_id')
    .select('c.demper_product_id')
    .where('p.store_id', '=', storeId)
    .where('c.list_price', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
