// Kaspi Shop API orders (sql/0008_kaspi_orders.sql, written by `mp kaspi orders sync`) as export
// datasets. Customers are masked in the query itself (personal data never leaves the database
// unmasked). Dates typed in --since are Almaty time; kaspi-sales-daily groups by Almaty day the
// same way `mp kaspi sales --by day` does.
import { sql } from 'kysely';
import { ALMATY, zoneOffsetMinutes } from '../../core/time.js';
import { maskNameSql, maskPhoneSql } from '../../kaspi-orders/mask.js';
import { cancelled, returned, sold } from '../../kaspi-orders/sales.repository.js';
import { defineDataset } from '../dataset.js';

const units = sql<string>`(select coalesce(sum(e.quantity), 0) from kaspi_order_entries e where e.order_id = o.id)`;

export const kaspiOrders = defineDataset({
  name: 'kaspi-orders',
  description: 'Kaspi shop orders from the Shop API: code, state, status, totals, delivery, times, city; customer masked',
  key: 'id',
  since: 'created_at',
  timeZone: ALMATY,
  alias: 'o',
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'store', type: 'text', description: 'merchant id', from: 's.merchant_id' },
    { name: 'code', type: 'text', description: 'the order number people see' },
    { name: 'kaspi_order_id', type: 'text' },
    { name: 'state', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'total_price', type: 'decimal', scale: 0 },
    { name: 'delivery_cost', type: 'decimal', scale: 0 },
    { name: 'units', type: 'integer', from: units },
    { name: 'payment_mode', type: 'text' },
    { name: 'delivery_mode', type: 'text' },
    { name: 'kaspi_delivery', type: 'boolean' },
    { name: 'planned_delivery_date', type: 'timestamp' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'approved_at', type: 'timestamp' },
    { name: 'pre_order', type: 'boolean' },
    { name: 'pickup_point_id', type: 'text' },
    { name: 'city', type: 'text' },
    { name: 'customer', type: 'text', description: 'masked (only stored with sync --with-customers)', from: maskNameSql('o.customer_name') },
    { name: 'phone', type: 'text', description: 'masked: ****1234', from: maskPhoneSql('o.customer_phone') },
    { name: 'synced_at', type: 'timestamp' },
  ],
  source: (db) => db.selectFrom('kaspi_orders as o').innerJoin('kaspi_stores as s', 's.id', 'o.store_id'),
});

export const kaspiOrderEntries = defineDataset({
  name: 'kaspi-order-entries',
  description: 'Kaspi shop order entries: order code, status and time, product code and name, quantity, base and total price',
  key: 'id',
  since: 'created_at',
  timeZone: ALMATY,
  alias: 'e',
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'store', type: 'text', description: 'merchant id', from: 's.merchant_id' },
    { name: 'order_code', type: 'text', from: 'o.code' },
    { name: 'created_at', type: 'timestamp', description: 'the order’s creation time', from: 'o.created_at' },
    { name: 'state', type: 'text', from: 'o.state' },
    { name: 'status', type: 'text', from: 'o.status' },
    { name: 'entry_number', type: 'integer' },
    { name: 'product_code', type: 'text' },
    { name: 'product_name', type: 'text' },
    { name: 'quantity', type: 'integer' },
    { name: 'base_price', type: 'decimal', scale: 0 },
    { name: 'total_price', type: 'decimal', scale: 0 },
  ],
  source: (db) =>
    db.selectFrom('kaspi_order_entries as e').innerJoin('kaspi_orders as o', 'o.id', 'e.order_id').innerJoin('kaspi_stores as s', 's.id', 'o.store_id'),
});

export const kaspiSalesDaily = defineDataset({
  name: 'kaspi-sales-daily',
  description:
    'Kaspi shop sales per store and Almaty day: orders, sold (neither cancelled nor returned), revenue, average order value, units, cancellations, returns',
  key: 'key',
  since: 'day_start',
  timeZone: ALMATY,
  columns: [
    { name: 'key', type: 'text', description: 'store id and day, for paging', internal: true },
    { name: 'store', type: 'text', description: 'merchant id' },
    { name: 'day', type: 'text', description: 'YYYY-MM-DD, Almaty', show: 'date' },
    { name: 'day_start', type: 'timestamp', description: 'Almaty midnight of the day' },
    { name: 'orders', type: 'integer' },
    { name: 'sold', type: 'integer' },
    { name: 'revenue', type: 'decimal', scale: 0 },
    { name: 'aov', type: 'decimal', scale: 2, description: 'revenue / sold' },
    { name: 'units', type: 'integer', description: 'units of sold orders' },
    { name: 'cancelled', type: 'integer' },
    { name: 'cancelled_sum', type: 'decimal', scale: 0 },
    { name: 'returned', type: 'integer' },
    { name: 'returned_sum', type: 'decimal', scale: 0 },
  ],
  query: (db) => {
    // Kazakhstan keeps one offset all year; a literal (not a parameter) so GROUP BY matches the select list.
    const offset = sql.raw(`${Math.trunc(zoneOffsetMinutes(new Date(), ALMATY))}`);
    const localDay = sql`date_trunc('day', (o.created_at at time zone 'UTC') + make_interval(mins => ${offset}))`;
    const revenue = sql<string>`coalesce(sum(o.total_price) filter (where ${sold}), 0)`;
    const soldCount = sql<string>`count(*) filter (where ${sold})`;
    return db
      .selectFrom('kaspi_orders as o')
      .innerJoin('kaspi_stores as s', 's.id', 'o.store_id')
      .select([
        sql<string>`lpad(o.store_id::text, 12, '0') || ':' || to_char(${localDay}, 'YYYY-MM-DD')`.as('key'),
        's.merchant_id as store',
        sql<string>`to_char(${localDay}, 'YYYY-MM-DD')`.as('day'),
        sql<Date>`(${localDay} - make_interval(mins => ${offset})) at time zone 'UTC'`.as('day_start'),
        sql<string>`count(*)`.as('orders'),
        soldCount.as('sold'),
        revenue.as('revenue'),
        sql<string>`case when ${soldCount} = 0 then 0 else round(${revenue} / ${soldCount}, 2) end`.as('aov'),
        sql<string>`coalesce(sum(${units}) filter (where ${sold}), 0)`.as('units'),
        sql<string>`count(*) filter (where ${cancelled})`.as('cancelled'),
        sql<string>`coalesce(sum(o.total_price) filter (where ${cancelled}), 0)`.as('cancelled_sum'),
        sql<string>`count(*) filter (where ${returned})`.as('returned'),
        sql<string>`coalesce(sum(o.total_price) filter (where ${returned}), 0)`.as('returned_sum'),
      ])
      .groupBy(['o.store_id', 's.merchant_id', sql`${localDay}`]);
  },
});

export const kaspiOrderDatasets = [kaspiOrders, kaspiOrderEntries, kaspiSalesDaily];
