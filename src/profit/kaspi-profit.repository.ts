// The SQL of `mp kaspi profit`: sold order entries of a store in [from, to) summed per product, in
// PostgreSQL numeric (exact). Each entry takes the unit cost in effect on its order's Almaty day
// (by the entry's product code, or the other key of the same demper product: SKU ↔ Kaspi code) and
// its share of the order's seller delivery cost.
import { type Kysely, sql } from 'kysely';
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
 * Sold entries of [from, to) per product and per cost commission_pct (a cost row may set its own).
 * Delivery: the order's `delivery_cost_for_seller` split over its entries by their totals, each
 * share rounded to the tiyn and the last entry taking the remainder (shares add up to the order's
 * figure exactly); where Kaspi gave none, the cost row's per-unit delivery × quantity, else 0.
 */
export async function kaspiProfitGroups(db: Db, storeId: string, from: Date, to: Date, offsetMinutes: number): Promise<RawProfitGroup[]> {
  const result = await sql<RawProfitGroup>`
    with entries as (
      select e.product_code, e.product_name, e.quantity, e.total_price, e.category_title, o.id as order_id,
        o.delivery_cost_for_seller as order_delivery,
        ((o.created_at at time zone 'UTC') + make_interval(mins => ${offsetMinutes}::int))::date as day,
        coalesce(d.product_id, d2.sku) as alias,
        sum(e.total_price) over (partition by o.id) as order_total,
        row_number() over (partition by o.id order by e.entry_number desc) as from_last
      from kaspi_orders o
      join kaspi_order_entries e on e.order_id = o.id
      left join demper_products d on d.store_id = o.store_id and d.sku = e.product_code
      left join lateral (select x.sku from demper_products x where x.store_id = o.store_id and x.product_id = e.product_code limit 1) d2 on d.id is null
      where o.store_id = ${storeId} and o.created_at >= ${from} and o.created_at < ${to} and ${sold}
    ),
    shared as (
      select x.*,
        case when x.order_delivery is null then null
          when x.order_total = 0 then case when x.from_last = 1 then x.order_delivery else 0 end
          else round(x.order_delivery * x.total_price / x.order_total, 2) end as share
      from entries x
    ),
    delivered as (
      select s.*,
        case when s.from_last = 1 and s.order_delivery is not null
          then s.order_delivery - (sum(s.share) over (partition by s.order_id) - s.share)
          else s.share end as delivery
      from shared s
    )
    select y.product_code, max(y.product_name) as product_name, c.commission_pct::text as cost_commission_pct,
      count(distinct y.order_id) as orders,
      sum(y.quantity) as units,
      sum(y.total_price)::text as revenue,
      coalesce(sum(coalesce(y.delivery, y.quantity * c.delivery, 0)), 0)::text as delivery,
      coalesce(sum(y.quantity * c.cost), 0)::text as cost,
      coalesce(sum(y.quantity) filter (where c.cost is null), 0) as uncosted_units,
      max(y.category_title) as category_title
    from delivered y
    left join lateral (
      select u.cost, u.commission_pct, u.delivery from unit_costs u
      where u.marketplace = 'kaspi' and u.product = any(array[y.product_code, y.alias]) and u.valid_from <= y.day
      order by u.valid_from desc, (u.product = y.product_code) desc
      limit 1
    ) c on true
    group by y.product_code, c.commission_pct
    order by y.product_code, c.commission_pct nulls first`.execute(db);
  return result.rows;
}
