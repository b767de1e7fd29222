// The SQL of `mp kaspi profit`: sold order entries of a store in [from, to) summed per product, in
// PostgreSQL numeric (exact). Each entry takes the unit cost in effect on its order's Almaty day
// (by the entry's product code, or the other key of the same demper product: SKU ↔ Kaspi code) and
// its share of the order's seller delivery cost.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { sold } from '../kaspi-orders/sales.repository.js';

type Db = Kysely<Database>;

export interface RawProfitGroup {
  product_code: string;
  product_name: string;
  /** The cost rows' own commission (`mp costs --commission-pct`); null = the category table's rate. */
  cost_commission_pct: string | null;
  orders: string;
  units: string;
  revenue: string;
  delivery: string;
  /** Σ quantity × unit cost over the entries that have a cost. */
  cost: string;
  uncosted_units: string;
  category_title: string | null;
}

/**
 * Sold order entries matching `where` (on orders `o`) per store, product and Almaty day (`day`, and
 * `day_start`, its midnight): orders, units, revenue, the seller delivery (`delivery`), and the unit
 * cost row in effect that day (`unit_cost`, `cost_commission_pct`; null when none, then
 * `uncosted_units` = units). Delivery: the order's `delivery_cost_for_seller` split over
 * its entries by their totals, cumulatively rounded to the tiyn (the shares add up to the order's
 * figure exactly); where Kaspi gave none, the cost row's per-unit delivery × quantity, else 0. Shared by `mp kaspi profit` and the kaspi-profit-daily export.
 */
export function profitEntriesSql(where: RawBuilder<unknown>, offsetMinutes: number): RawBuilder<unknown> {
  const offset = sql.raw(String(Math.trunc(offsetMinutes)));
  return sql`
    with entries as (
      select o.store_id, e.product_code, e.product_name, e.quantity, e.total_price, e.category_title, o.id as order_id,
        o.delivery_cost_for_seller as order_delivery,
        date_trunc('day', (o.created_at at time zone 'UTC') + make_interval(mins => ${offset})) as local_day,
        sum(e.total_price) over (partition by o.id) as order_total,
        sum(e.total_price) over (partition by o.id order by e.entry_number rows unbounded preceding) as running_total,
        row_number() over (partition by o.id order by e.entry_number) as from_first
      from kaspi_orders o
      join kaspi_order_entries e on e.order_id = o.id
      where ${where} and ${sold}
    ),
    delivered as (
      -- Cumulative rounding: share = round(D × running / T) − round(D × (running − own) / T), so the
      -- shares add up to D exactly and each is within a tiyn of D × own / T.
      select x.*,
        case when x.order_delivery is null then null
          when x.order_total = 0 then case when x.from_first = 1 then x.order_delivery else 0 end
          else round(x.order_delivery * x.running_total / x.order_total, 2)
            - round(x.order_delivery * (x.running_total - x.total_price) / x.order_total, 2) end as order_share
      from entries x
    ),
    daily as (
      -- Per product and day before the cost lookup: one index probe per product-day, not per entry.
      select y.store_id, y.product_code, y.local_day, max(y.product_name) as product_name, max(y.category_title) as category_title,
        count(distinct y.order_id) as orders, sum(y.quantity) as units, sum(y.total_price) as revenue,
        sum(y.order_share) as shares, sum(y.quantity) filter (where y.order_share is null) as units_without_share
      from delivered y
      group by y.store_id, y.product_code, y.local_day
    ),
    aliased as (
      -- The other key of the same demper product (SKU ↔ Kaspi code), per product-day.
      select y.*, coalesce(d.product_id, d2.sku) as alias
      from daily y
      left join demper_products d on d.store_id = y.store_id and d.sku = y.product_code
      left join lateral (select x.sku from demper_products x where x.store_id = y.store_id and x.product_id = y.product_code limit 1) d2 on d.id is null
    )
    select y.store_id, y.product_code, y.product_name, y.category_title, y.orders, y.units, y.revenue,
      to_char(y.local_day, 'YYYY-MM-DD') as day,
      (y.local_day - make_interval(mins => ${offset})) at time zone 'UTC' as day_start,
      coalesce(y.shares, 0) + coalesce(y.units_without_share * c.delivery, 0) as delivery,
      c.cost as unit_cost, c.commission_pct as cost_commission_pct,
      case when c.cost is null then y.units else 0 end as uncosted_units
    from aliased y
    left join lateral (
      select u.cost, u.commission_pct, u.delivery from unit_costs u
      where u.marketplace = 'kaspi' and u.product = any(array[y.product_code, y.alias]) and u.valid_from <= y.local_day::date
      order by u.valid_from desc, (u.product = y.product_code) desc
      limit 1
    ) c on true`;
}

/** Sold entries of a store in [from, to) per product and per cost commission_pct (a cost row may set its own). */
export async function kaspiProfitGroups(db: Db, storeId: string, from: Date, to: Date, offsetMinutes: number): Promise<RawProfitGroup[]> {
  const entries = profitEntriesSql(sql`o.store_id = ${storeId} and o.created_at >= ${from} and o.created_at < ${to}`, offsetMinutes);
  const query = sql<RawProfitGroup>`
    select p.product_code, max(p.product_name) as product_name, p.cost_commission_pct::text as cost_commission_pct,
      sum(p.orders) as orders,
      sum(p.units) as units,
      sum(p.revenue)::text as revenue,
      sum(p.delivery)::text as delivery,
      coalesce(sum(p.units * p.unit_cost), 0)::text as cost,
      sum(p.uncosted_units) as uncosted_units,
      max(p.category_title) as category_title
    from (${entries}) p
    group by p.product_code, p.cost_commission_pct
    order by p.product_code, p.cost_commission_pct nulls first`;
  // JIT compiling this plan costs PostgreSQL more (~1.6 s) than running it, and the default 4 MB
  // work_mem sends its sorts of ~100,000 entries to disk: both set for this query only.
  const run = async (trx: Db) => {
    await sql`set local jit = off`.execute(trx);
    await sql`set local work_mem = '64MB'`.execute(trx);
    return (await query.execute(trx)).rows;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
