// Sales aggregates over kaspi_orders / kaspi_order_entries. Days are Almaty calendar days: the
// offset is passed in (Kazakhstan has no DST) so PostgreSQL's and PGlite's zone tables never matter.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database>;

export const CANCELLED_STATUSES = ['CANCELLED', 'CANCELLING'] as const;
export const RETURNED_STATUSES = ['RETURNED', 'RETURN_ACCEPTED_BY_MERCHANT', 'KASPI_DELIVERY_RETURN_REQUESTED'] as const;

// Conditions on an order aliased `o` (also used by the kaspi-sales-daily export dataset).
export const cancelled = sql.raw(`o.status in (${CANCELLED_STATUSES.map((s) => `'${s}'`).join(', ')})`);
export const returned = sql.raw(`o.status in (${RETURNED_STATUSES.map((s) => `'${s}'`).join(', ')})`);
export const sold = sql`not (${cancelled}) and not (${returned})`;

export interface RawBucket {
  key: string;
  orders: string;
  sold: string;
  revenue: string | null;
  cancelled: string;
  cancelled_sum: string | null;
  returned: string;
  returned_sum: string | null;
  units: string | null;
}

export type OrderGrouping = 'total' | 'day' | 'city';

/** Order counts and sums in [from, to), grouped by Almaty day, city or not at all. */
export async function orderBuckets(db: Db, storeId: string, from: Date, to: Date, by: OrderGrouping, offsetMinutes: number): Promise<RawBucket[]> {
  const key =
    by === 'day'
      ? sql<string>`to_char((o.created_at at time zone 'UTC') + make_interval(mins => ${offsetMinutes}::int), 'YYYY-MM-DD')`
      : by === 'city'
        ? sql<string>`coalesce(o.city, '')`
        : sql<string>`'total'`;
  const result = await sql<RawBucket>`
    select ${key} as key,
      count(*) as orders,
      count(*) filter (where ${sold}) as sold,
      sum(o.total_price) filter (where ${sold}) as revenue,
      count(*) filter (where ${cancelled}) as cancelled,
      sum(o.total_price) filter (where ${cancelled}) as cancelled_sum,
      count(*) filter (where ${returned}) as returned,
      sum(o.total_price) filter (where ${returned}) as returned_sum,
      sum((select sum(e.quantity) from kaspi_order_entries e where e.order_id = o.id)) filter (where ${sold}) as units
    from kaspi_orders o
    where o.store_id = ${storeId} and o.created_at >= ${from} and o.created_at < ${to}
    group by 1
    order by 1`.execute(db);
  return result.rows;
}

export interface RawProduct {
  product_code: string;
  product_name: string;
  orders: string;
  units: string;
  revenue: string;
  cancelled_units: string;
  returned_units: string;
}

/** Per product in [from, to): sold units and revenue (entry totals of orders neither cancelled nor returned). */
export async function productTotals(db: Db, storeId: string, from: Date, to: Date): Promise<RawProduct[]> {
  const result = await sql<RawProduct>`
    select e.product_code,
      max(e.product_name) as product_name,
      count(distinct o.id) filter (where ${sold}) as orders,
      coalesce(sum(e.quantity) filter (where ${sold}), 0) as units,
      coalesce(sum(e.total_price) filter (where ${sold}), 0) as revenue,
      coalesce(sum(e.quantity) filter (where ${cancelled}), 0) as cancelled_units,
      coalesce(sum(e.quantity) filter (where ${returned}), 0) as returned_units
    from kaspi_order_entries e
    join kaspi_orders o on o.id = e.order_id
    where o.store_id = ${storeId} and o.created_at >= ${from} and o.created_at < ${to}
    group by e.product_code
    order by e.product_code`.execute(db);
  return result.rows;
}
