// All SQL for kaspi_orders, kaspi_order_entries and kaspi_order_sync.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ShopEntry, ShopOrder } from './shop-api.parser.js';

type Db = Kysely<Database>;

const ORDER_BATCH = 1000; // 19 columns: well under 65535 parameters
const ENTRY_BATCH = 4000; // 7 columns

/** Status of the orders already stored, by Kaspi order id (to skip re-reading unchanged entries). */
export async function storedStatuses(db: Db, storeId: string, orderIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < orderIds.length; i += 5000) {
    const rows = await db
      .selectFrom('kaspi_orders as o')
      .select(['o.kaspi_order_id', 'o.status', sql<boolean>`exists (select 1 from kaspi_order_entries e where e.order_id = o.id)`.as('has_entries')])
      .where('o.store_id', '=', storeId)
      .where('o.kaspi_order_id', 'in', orderIds.slice(i, i + 5000))
      .execute();
    for (const r of rows) if (r.has_entries) out.set(r.kaspi_order_id, r.status);
  }
  return out;
}

/**
 * Inserts or updates orders (customer columns only when `withCustomers`; earlier stored ones are
 * kept otherwise) and returns row id by Kaspi order id, plus how many were new.
 */
export async function upsertOrders(db: Db, storeId: string, orders: ShopOrder[], withCustomers: boolean, now: Date) {
  const ids = new Map<string, string>();
  let inserted = 0;
  for (let i = 0; i < orders.length; i += ORDER_BATCH) {
    const rows = orders.slice(i, i + ORDER_BATCH).map((o) => ({
      store_id: storeId,
      kaspi_order_id: o.id,
      code: o.code,
      state: o.state,
      status: o.status,
      total_price: o.totalPrice,
      delivery_cost: o.deliveryCost,
      payment_mode: o.paymentMode,
      delivery_mode: o.deliveryMode,
      kaspi_delivery: o.kaspiDelivery,
      planned_delivery_date: o.plannedDeliveryDate,
      created_at: o.createdAt,
      approved_at: o.approvedAt,
      pre_order: o.preOrder,
      pickup_point_id: o.pickupPointId,
      city: o.city,
      customer_name: withCustomers ? o.customerName : null,
      customer_phone: withCustomers ? o.customerPhone : null,
      synced_at: now,
    }));
    const result = await db
      .insertInto('kaspi_orders')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['store_id', 'kaspi_order_id']).doUpdateSet((eb) => ({
          code: eb.ref('excluded.code'),
          state: eb.ref('excluded.state'),
          status: eb.ref('excluded.status'),
          total_price: eb.ref('excluded.total_price'),
          delivery_cost: eb.ref('excluded.delivery_cost'),
          payment_mode: eb.ref('excluded.payment_mode'),
          delivery_mode: eb.ref('excluded.delivery_mode'),
          kaspi_delivery: eb.ref('excluded.kaspi_delivery'),
          planned_delivery_date: eb.ref('excluded.planned_delivery_date'),
          created_at: eb.ref('excluded.created_at'),
          approved_at: eb.ref('excluded.approved_at'),
          pre_order: eb.ref('excluded.pre_order'),
          pickup_point_id: eb.ref('excluded.pickup_point_id'),
          city: eb.ref('excluded.city'),
          customer_name: sql<string | null>`coalesce(excluded.customer_name, kaspi_orders.customer_name)`,
          customer_phone: sql<string | null>`coalesce(excluded.customer_phone, kaspi_orders.customer_phone)`,
          synced_at: eb.ref('excluded.synced_at'),
        })),
      )
      // xmax = 0 only on a freshly inserted row: tells new from updated without a second query.
      .returning(['id', 'kaspi_order_id', sql<boolean>`(xmax = 0)`.as('inserted')])
      .execute();
    for (const r of result) {
      ids.set(r.kaspi_order_id, r.id);
      if (r.inserted) inserted++;
    }
  }
  return { ids, inserted };
}

export interface EntryRow {
  orderRowId: string;
  entry: ShopEntry;
}

/** Replaces the entries of the given orders (Kaspi may renumber or drop entries of an edited order). */
export async function replaceEntries(db: Db, orderRowIds: string[], rows: EntryRow[]): Promise<void> {
  for (let i = 0; i < orderRowIds.length; i += 10000) {
    await db
      .deleteFrom('kaspi_order_entries')
      .where('order_id', 'in', orderRowIds.slice(i, i + 10000))
      .execute();
  }
  for (let i = 0; i < rows.length; i += ENTRY_BATCH) {
    await db
      .insertInto('kaspi_order_entries')
      .values(
        rows.slice(i, i + ENTRY_BATCH).map(({ orderRowId, entry: e }) => ({
          order_id: orderRowId,
          entry_number: e.entryNumber,
          product_code: e.productCode ?? e.productId ?? '',
          product_name: e.productName ?? '',
          quantity: e.quantity,
          base_price: e.basePrice,
          total_price: e.totalPrice,
        })),
      )
      .execute();
  }
}

export async function getSyncState(db: Db, storeId: string) {
  return db.selectFrom('kaspi_order_sync').selectAll().where('store_id', '=', storeId).executeTakeFirst();
}

/** Moves the store's cursor to the end of the window just written (never backwards). */
export async function advanceSyncState(db: Db, storeId: string, until: Date, now: Date, orders: number): Promise<void> {
  await db
    .insertInto('kaspi_order_sync')
    .values({ store_id: storeId, synced_until: until, last_run_at: now, orders_total: String(orders) })
    .onConflict((oc) =>
      oc.column('store_id').doUpdateSet({
        synced_until: sql<Date>`greatest(kaspi_order_sync.synced_until, excluded.synced_until)`,
        last_run_at: now,
        orders_total: sql<string>`kaspi_order_sync.orders_total + excluded.orders_total`,
      }),
    )
    .execute();
}

export interface OrderFilter {
  since: Date;
  until?: Date;
  state?: string;
  status?: string;
  limit?: number;
}

/** Orders of a store created in a window, newest first, with their units and product count. */
export async function listOrders(db: Db, storeId: string, f: OrderFilter) {
  let q = db
    .selectFrom('kaspi_orders as o')
    .select([
      'o.code',
      'o.state',
      'o.status',
      'o.total_price',
      'o.delivery_mode',
      'o.planned_delivery_date',
      'o.created_at',
      'o.approved_at',
      'o.pre_order',
      'o.pickup_point_id',
      'o.city',
      'o.customer_name',
      'o.customer_phone',
      sql<string>`(select coalesce(sum(e.quantity), 0) from kaspi_order_entries e where e.order_id = o.id)`.as('units'),
      sql<string>`(select string_agg(e.product_name, '; ' order by e.entry_number) from kaspi_order_entries e where e.order_id = o.id)`.as('products'),
    ])
    .where('o.store_id', '=', storeId)
    .where('o.created_at', '>=', f.since);
  if (f.until) q = q.where('o.created_at', '<', f.until);
  if (f.state) q = q.where('o.state', '=', f.state);
  if (f.status) q = q.where('o.status', '=', f.status);
  return q
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(f.limit ?? 1000)
    .execute();
}
