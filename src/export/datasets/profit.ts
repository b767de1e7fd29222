// Profit as export datasets, per product and day (docs/profit.md states the formulas):
// kaspi-profit-daily from the synced Kaspi orders (the same entries, delivery shares and unit costs
// as `mp kaspi profit`), wb-profit-daily from the synced realization report (the same sums as
// `mp wb profit --by day`, per product). Money stays numeric; profit is null where a cost is missing.
import { sql } from 'kysely';
import { ALMATY, MOSCOW, zoneOffsetMinutes } from '../../core/time.js';
import { KASPI_COMMISSIONS } from '../../profit/kaspi-commissions.js';
import { profitEntriesSql } from '../../profit/kaspi-profit.repository.js';
import { defineDataset } from '../dataset.js';

// The commission rate in SQL: the cost row's own, else the shipped table by the entry's category,
// else its default. (`mp kaspi profit` also reads the scraped category path and the config's
// overrides; where those name a rate the entry's category does not, the two can differ.)
const categoryRates = sql.join(KASPI_COMMISSIONS.categories.map((c) => sql`(${c.category}::text, ${c.pct}::numeric)`));
const rate = sql`coalesce(p.cost_commission_pct, (select r.pct from (values ${categoryRates}) as r(category, pct) where r.category = p.category_title), ${KASPI_COMMISSIONS.defaultPct}::numeric)`;

export const kaspiProfitDaily = defineDataset({
  name: 'kaspi-profit-daily',
  description:
    'Kaspi profit per store, Almaty day and product: units, revenue, commission, seller delivery, units × cost, profit, margin % (orders neither cancelled nor returned)',
  key: 'key',
  since: 'day_start',
  timeZone: ALMATY,
  columns: [
    { name: 'key', type: 'text', description: 'store, day and product, for paging', internal: true },
    { name: 'store', type: 'text', description: 'merchant id' },
    { name: 'day', type: 'text', description: 'YYYY-MM-DD, Almaty (order creation)', show: 'date' },
    { name: 'day_start', type: 'timestamp', description: 'Almaty midnight of the day' },
    { name: 'product_code', type: 'text' },
    { name: 'product_name', type: 'text' },
    { name: 'units', type: 'integer' },
    { name: 'revenue', type: 'decimal', scale: 0 },
    { name: 'commission', type: 'decimal', scale: 2, description: 'revenue × rate, rounded to the tiyn' },
    { name: 'delivery', type: 'decimal', scale: 2, description: 'the seller’s delivery cost (share of the order’s)' },
    { name: 'cost', type: 'decimal', scale: 2, description: 'units × unit cost; empty when some units have no cost' },
    { name: 'profit', type: 'decimal', scale: 2, description: 'revenue − commission − delivery − cost; empty when the cost is unknown' },
    { name: 'margin_pct', type: 'decimal', scale: 2, show: 'percent', description: 'profit / revenue, percent' },
  ],
  query: (db) => {
    const entries = profitEntriesSql(sql`true`, zoneOffsetMinutes(new Date(), ALMATY));
    const grouped = sql`
      select lpad(g.store_id::text, 12, '0') || ':' || g.day || ':' || g.product_code as key, s.merchant_id as store, g.day, g.day_start,
        g.product_code, g.product_name, g.units, g.revenue, g.commission, g.delivery,
        case when g.uncosted = 0 then g.cost end as cost,
        case when g.uncosted = 0 then g.revenue - g.commission - g.delivery - g.cost end as profit,
        case when g.uncosted = 0 and g.revenue > 0 then round((g.revenue - g.commission - g.delivery - g.cost) * 100 / g.revenue, 2) end as margin_pct
      from (
        select p.store_id, p.day, p.day_start, p.product_code, max(p.product_name) as product_name, sum(p.units)::int as units,
          sum(p.revenue) as revenue, round(sum(p.revenue * ${rate} / 100), 2) as commission, sum(p.delivery) as delivery,
          coalesce(sum(p.units * p.unit_cost), 0) as cost, sum(p.uncosted_units) as uncosted
        from (${entries}) p
        group by p.store_id, p.day, p.day_start, p.product_code
      ) g
      join kaspi_stores s on s.id = g.store_id`;
    return db.selectFrom(sql`(${grouped})`.as('k') as any).selectAll() as any;
  },
});

export const wbProfitDaily = defineDataset({
  name: 'wb-profit-daily',
  description:
    'WB profit per cabinet, Moscow day and nmId from the realization report: units sold/returned, payout, logistics, storage, penalties, acceptance, deductions, cost, profit, margin %',
  key: 'key',
  since: 'day_start',
  timeZone: MOSCOW,
  columns: [
    { name: 'key', type: 'text', description: 'cabinet, day and nmId, for paging', internal: true },
    { name: 'cabinet', type: 'text' },
    { name: 'day', type: 'text', description: 'YYYY-MM-DD, Moscow (rr_dt)', show: 'date' },
    { name: 'day_start', type: 'timestamp', description: 'Moscow midnight of the day' },
    { name: 'nm_id', type: 'text', description: 'empty: rows WB ties to no product (storage, deductions of the account)' },
    { name: 'vendor_code', type: 'text' },
    { name: 'sold_units', type: 'integer' },
    { name: 'returned_units', type: 'integer' },
    { name: 'retail_amount', type: 'decimal', scale: 2, description: 'returns subtracted' },
    { name: 'payout', type: 'decimal', scale: 2, description: 'ppvz_for_pay: sales − returns + other rows, + additional_payment' },
    { name: 'logistics', type: 'decimal', scale: 2, description: 'delivery_rub + rebill_logistic_cost' },
    { name: 'storage', type: 'decimal', scale: 2 },
    { name: 'penalties', type: 'decimal', scale: 2 },
    { name: 'acceptance', type: 'decimal', scale: 2 },
    { name: 'deductions', type: 'decimal', scale: 2 },
    { name: 'cost', type: 'decimal', scale: 2, description: '(sold − returned) × unit cost; empty when unknown' },
    { name: 'profit', type: 'decimal', scale: 2, description: 'payout − fees − cost; empty when the cost is unknown' },
    { name: 'margin_pct', type: 'decimal', scale: 2, show: 'percent', description: 'profit / retail amount, percent' },
  ],
  query: (db) => {
    const offset = sql.raw(String(Math.trunc(zoneOffsetMinutes(new Date(), MOSCOW))));
    const grouped = sql`
      select lpad(g.cabinet_id::text, 12, '0') || ':' || to_char(g.rr_day, 'YYYY-MM-DD') || ':' || coalesce(g.nm_id::text, '') as key,
        cb.name as cabinet, to_char(g.rr_day, 'YYYY-MM-DD') as day,
        (g.rr_day::timestamp - make_interval(mins => ${offset})) at time zone 'UTC' as day_start,
        g.nm_id::text as nm_id, g.vendor_code, g.sold_units, g.returned_units, g.retail_amount, g.payout, g.logistics, g.storage,
        g.penalties, g.acceptance, g.deductions,
        case when c.cost is not null or g.sold_units = g.returned_units then (g.sold_units - g.returned_units) * coalesce(c.cost, 0) end as cost,
        case when c.cost is not null or g.sold_units = g.returned_units
          then g.payout - g.logistics - g.storage - g.penalties - g.acceptance - g.deductions - (g.sold_units - g.returned_units) * coalesce(c.cost, 0) end as profit,
        case when (c.cost is not null or g.sold_units = g.returned_units) and g.retail_amount > 0
          then round((g.payout - g.logistics - g.storage - g.penalties - g.acceptance - g.deductions - (g.sold_units - g.returned_units) * coalesce(c.cost, 0)) * 100 / g.retail_amount, 2) end as margin_pct
      from (
        select r.cabinet_id, r.rr_day, r.nm_id, max(r.vendor_code) as vendor_code,
          coalesce(sum(r.quantity) filter (where r.doc_type_name = 'Продажа'), 0)::int as sold_units,
          coalesce(sum(r.quantity) filter (where r.doc_type_name = 'Возврат'), 0)::int as returned_units,
          sum(case when r.doc_type_name = 'Возврат' then -r.retail_amount else r.retail_amount end) as retail_amount,
          sum(case when r.doc_type_name = 'Возврат' then -r.ppvz_for_pay else r.ppvz_for_pay end) + sum(r.additional_payment) as payout,
          sum(r.delivery_rub + r.rebill_logistic_cost) as logistics, sum(r.storage_fee) as storage, sum(r.penalty) as penalties,
          sum(r.acceptance) as acceptance, sum(r.deduction) as deductions
        from wb_realization_rows r
        group by r.cabinet_id, r.rr_day, r.nm_id
      ) g
      join wb_cabinets cb on cb.id = g.cabinet_id
      left join lateral (
        select u.cost from unit_costs u
        where u.marketplace = 'wb' and u.product = any(array[g.nm_id::text, g.vendor_code]) and u.valid_from <= g.rr_day
        order by u.valid_from desc, (u.product = g.nm_id::text) desc
        limit 1
      ) c on true`;
    return db.selectFrom(sql`(${grouped})`.as('w') as any).selectAll() as any;
  },
});

export const profitDatasets = [kaspiProfitDaily, wbProfitDaily];
