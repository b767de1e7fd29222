// All SQL for kaspi_orders, kaspi_order_entries and kaspi_order_sync.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { PREPARED } from '../db/prepared.js';
import type { Database } from '../db/schema.js';
import type { ShopEntry, ShopOrder } from '../kaspi/merchant/shop-api.parser.js';
import { type StoreRow, splitVisible, storeByRefSql } from '../kaspi/merchant/stores.repository.js';
import { maskNameSql, maskPhoneSql } from './mask.js';

type Db = Kysely<Database>;

// Rows travel as one text[] per column through `unnest` (cast in SQL): a few parameters per
// statement instead of one per value, so no 65,535-parameter limit and little work per row.
const ORDER_BATCH = 5000;
const ENTRY_BATCH = 10000;

const text = (v: string | number | boolean | Date | null): string | null => (v === null ? null : v instanceof Date ? v.toISOString() : String(v));

/** Status of the orders already stored, by Kaspi order id (to skip re-reading unchanged entries). */
export async function storedStatuses(db: Db, storeId: string, orderIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < orderIds.length; i += 5000) {
    const rows = await db
      .selectFrom('kaspi_orders as o')
      .select(['o.kaspi_order_id', 'o.status', sql<boolean>`exists (select 1 from kaspi_order_entries e where e.order_id = o.id)`.as('has_entries')])
      .where('o.store_id', '=', storeId)
      .where(sql<boolean>`o.kaspi_order_id = any(${orderIds.slice(i, i + 5000)}::text[])`)
      .execute();
    for (const r of rows) if (r.has_entries) out.set(r.kaspi_order_id, r.status);
  }
  return out;
}

/**
 * The stored status of these orders, by Kaspi order id (absent: not stored yet). Read in the window's
 * transaction before it writes, to tell a new order or a changed status from a re-read one.
 */
export async function orderStatuses(db: Db, storeId: string, orderIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < orderIds.length; i += 5000) {
    const rows = await db
      .selectFrom('kaspi_orders')
      .select(['kaspi_order_id', 'status'])
      .where('store_id', '=', storeId)
      .where(sql<boolean>`kaspi_order_id = any(${orderIds.slice(i, i + 5000)}::text[])`)
      .execute();
    for (const r of rows) out.set(r.kaspi_order_id, r.status);
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
    const chunk = orders.slice(i, i + ORDER_BATCH);
    const col = (f: (o: ShopOrder) => string | number | boolean | Date | null) => chunk.map((o) => text(f(o)));
    const result = await sql<{ id: string; kaspi_order_id: string; inserted: boolean }>`
      insert into kaspi_orders (store_id, kaspi_order_id, code, state, status, total_price, delivery_cost, delivery_cost_for_seller, payment_mode,
        delivery_mode, kaspi_delivery, planned_delivery_date, created_at, approved_at, pre_order, pickup_point_id, city,
        customer_name, customer_phone, synced_at)
      select ${storeId}::bigint, u.id, u.code, u.state, u.status, u.total::numeric, u.delivery_cost::numeric, u.seller_delivery::numeric, u.payment_mode,
        u.delivery_mode, u.kaspi_delivery::boolean, u.planned::timestamptz, u.created::timestamptz, u.approved::timestamptz,
        u.pre_order::boolean, u.pickup_point_id, u.city, u.customer_name, u.customer_phone, ${now}::timestamptz
      from unnest(${col((o) => o.id)}::text[], ${col((o) => o.code)}::text[], ${col((o) => o.state)}::text[], ${col((o) => o.status)}::text[],
        ${col((o) => o.totalPrice)}::text[], ${col((o) => o.deliveryCost)}::text[], ${col((o) => o.deliveryCostForSeller)}::text[], ${col((o) => o.paymentMode)}::text[],
        ${col((o) => o.deliveryMode)}::text[], ${col((o) => o.kaspiDelivery)}::text[], ${col((o) => o.plannedDeliveryDate)}::text[],
        ${col((o) => o.createdAt)}::text[], ${col((o) => o.approvedAt)}::text[], ${col((o) => o.preOrder)}::text[],
        ${col((o) => o.pickupPointId)}::text[], ${col((o) => o.city)}::text[],
        ${col((o) => (withCustomers ? o.customerName : null))}::text[], ${col((o) => (withCustomers ? o.customerPhone : null))}::text[])
        as u(id, code, state, status, total, delivery_cost, seller_delivery, payment_mode, delivery_mode, kaspi_delivery, planned, created, approved,
          pre_order, pickup_point_id, city, customer_name, customer_phone)
      on conflict (store_id, kaspi_order_id) do update set
        code = excluded.code, state = excluded.state, status = excluded.status, total_price = excluded.total_price,
        delivery_cost = excluded.delivery_cost, delivery_cost_for_seller = excluded.delivery_cost_for_seller, payment_mode = excluded.payment_mode, delivery_mode = excluded.delivery_mode,
        kaspi_delivery = excluded.kaspi_delivery, planned_delivery_date = excluded.planned_delivery_date,
        created_at = excluded.created_at, approved_at = excluded.approved_at, pre_order = excluded.pre_order,
        pickup_point_id = excluded.pickup_point_id, city = excluded.city,
        -- Without --with-customers the stored customer (from an earlier run with it) is kept.
        customer_name = coalesce(excluded.customer_name, kaspi_orders.customer_name),
        customer_phone = coalesce(excluded.customer_phone, kaspi_orders.customer_phone),
        synced_at = excluded.synced_at
      -- xmax = 0 only on a freshly inserted row: tells new from updated without a second query.
      returning id, kaspi_order_id, (xmax = 0) as inserted`.execute(db);
    for (const r of result.rows) {
      ids.set(r.kaspi_order_id, String(r.id));
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
  for (let i = 0; i < orderRowIds.length; i += ENTRY_BATCH) {
    await sql`delete from kaspi_order_entries where order_id = any(${orderRowIds.slice(i, i + ENTRY_BATCH)}::bigint[])`.execute(db);
  }
  for (let i = 0; i < rows.length; i += ENTRY_BATCH) {
    const chunk = rows.slice(i, i + ENTRY_BATCH);
    const col = (f: (r: EntryRow) => string | number | null) => chunk.map((r) => text(f(r)));
    await sql`
      insert into kaspi_order_entries (order_id, entry_number, product_code, product_name, quantity, base_price, total_price, category_code, category_title)
      select u.order_id::bigint, u.entry_number::integer, u.product_code, u.product_name, u.quantity::integer, u.base_price::numeric, u.total_price::numeric,
        u.category_code, u.category_title
      from unnest(${col((r) => r.orderRowId)}::text[], ${col((r) => r.entry.entryNumber)}::text[],
        ${col((r) => r.entry.productCode ?? r.entry.productId ?? '')}::text[], ${col((r) => r.entry.productName ?? '')}::text[],
        ${col((r) => r.entry.quantity)}::text[], ${col((r) => r.entry.basePrice)}::text[], ${col((r) => r.entry.totalPrice)}::text[],
        ${col((r) => r.entry.categoryCode)}::text[], ${col((r) => r.entry.categoryTitle)}::text[])
        as u(order_id, entry_number, product_code, product_name, quantity, base_price, total_price, category_code, category_title)`.execute(db);
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
  /** Orders to skip (the REST API's pages). */
  offset?: number;
}

const ISO_UTC = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';
const iso = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', '${ISO_UTC}')`);

/**
 * The filter's conditions over `kaspi_orders o` of the store `store`: only those of the filters given,
 * so each combination is its own prepared statement whose generic plan can count from the index alone
 * (a "parameter is null or …" condition on state would need every row read from the table).
 */
function ordersIn(store: RawBuilder<unknown>, f: OrderFilter) {
  return sql`o.store_id = ${store} and o.created_at >= ${f.since}::timestamptz${f.until ? sql` and o.created_at < ${f.until}::timestamptz` : sql``}${
    f.state ? sql` and o.state = ${f.state}::text` : sql``
  }${f.status ? sql` and o.status = ${f.status}::text` : sql``}`;
}

/**
 * The CTE `p` (the page: created_at desc, id desc, `limit` default 1000, `offset`) and the columns
 * `total` (orders matching in all) and `items` (the page as one JSON array text: units and products
 * per order, customers masked, times ISO UTC and `createdAlmaty` the Almaty wall clock, money decimal
 * text) of the orders of `store` (an SQL expression of its id).
 */
function pageParts(store: RawBuilder<unknown>, f: OrderFilter) {
  const cte = sql`p as (
      select o.id, o.code, o.state, o.status, o.total_price, o.delivery_mode, o.planned_delivery_date, o.created_at, o.approved_at,
        o.pre_order, o.pickup_point_id, o.city, o.customer_name, o.customer_phone
      from kaspi_orders o
      where ${ordersIn(store, f)}
      order by o.created_at desc, o.id desc
      limit ${f.limit ?? 1000}::bigint offset ${f.offset ?? 0}::bigint
    )`;
  // The count is ordered as the index is, so the planner counts from the index (index-only) instead of
  // reading the whole table when most of its rows are the store's (one store per database, the usual case).
  const columns = sql`(select count(*) from (select 1 from kaspi_orders o where ${ordersIn(store, f)} order by o.store_id, o.created_at, o.id) c) as total,
      coalesce((
        select json_agg(json_build_object(
          'code', p.code,
          'createdAlmaty', to_char(p.created_at at time zone 'Asia/Almaty', 'YYYY-MM-DD HH24:MI'),
          'createdAt', ${iso('p.created_at')},
          'state', p.state,
          'status', p.status,
          'totalPrice', p.total_price::text,
          'units', coalesce(e.units, 0),
          'products', coalesce(e.products, ''),
          'deliveryMode', p.delivery_mode,
          'plannedDeliveryDate', ${iso('p.planned_delivery_date')},
          'approvedAt', ${iso('p.approved_at')},
          'preOrder', p.pre_order,
          'pickupPointId', p.pickup_point_id,
          'city', p.city,
          'customer', coalesce(${maskNameSql('p.customer_name')}, ''),
          'phone', coalesce(${maskPhoneSql('p.customer_phone')}, '')
        ) order by p.created_at desc, p.id desc)
        from p
        left join lateral (
          select sum(e.quantity)::int as units, string_agg(e.product_name, '; ' order by e.entry_number) as products
          from kaspi_order_entries e where e.order_id = p.id
        ) e on true
      )::text, '[]') as items`;
  return { cte, columns };
}

/**
 * One page of a store's orders created in a window, newest first, as JSON array text made by the
 * database, and how many orders match in all: one prepared statement, the page cut first and the
 * entries read for its rows only (OFFSET rows are never summed).
 */
export async function ordersPage(db: Db, storeId: string, f: OrderFilter): Promise<{ total: number; items: string }> {
  const { cte, columns } = pageParts(sql`${storeId}::bigint`, f);
  const { rows } = await sql<{ total: string; items: string }>`${sql.raw(PREPARED)} with ${cte} select ${columns}`.execute(db);
  return { total: Number(rows[0]!.total), items: rows[0]!.items };
}

/**
 * The version of the orders of the store `s` (sql/0031; a store without a row: 0) as text: read in the
 * statement that reads the store, so it belongs to the same snapshot as whatever else that statement reads.
 */
const ordersVersionOf = (s: string) => sql.raw(`coalesce((select v.version from kaspi_orders_versions v where v.store_id = ${s}.id), 0)::text`);

/**
 * The store `ref` names (stores.repository storeByRefSql: with whether `user` may see it) and its
 * orders' version, in one prepared statement: the REST API's orders page cache runs it per request.
 * Undefined: no such store.
 */
export async function storeOrdersVersion(db: Db, ref: string, user: string | undefined) {
  const { rows } = await sql<StoreRow & { mp_visible: boolean; mp_orders_version: string }>`${sql.raw(PREPARED)}
    select s.*, ${ordersVersionOf('s')} as mp_orders_version from (${storeByRefSql(ref, user)}) s`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const { mp_orders_version: version, ...rest } = row;
  return { found: splitVisible(rest), version };
}

/**
 * The store `ref` names (stores.repository storeByRefSql: with whether `user` may see it), its orders'
 * version and, when the user may see it, one page of its orders as ordersPage makes it, in one
 * prepared statement (one snapshot: the page is the one of that version): the REST API's orders list
 * in one round trip. No row: no such store; another user's store: no orders read.
 */
export async function storeOrdersPage(db: Db, ref: string, user: string | undefined, f: OrderFilter) {
  const store = sql`(select s.id from s where s.mp_visible)`;
  const { cte, columns } = pageParts(store, f);
  // `oldest`: the first matched order to leave a relative window as time passes (the REST API's page
  // cache keeps the page until then); an index probe.
  const { rows } = await sql<StoreRow & { mp_visible: boolean; mp_orders_version: string; total: string; items: string; oldest: Date | null }>`${sql.raw(
    PREPARED,
  )}
    with s as (${storeByRefSql(ref, user)}), ${cte}
    select s.*, ${ordersVersionOf('s')} as mp_orders_version, ${columns},
      (select min(o.created_at) from kaspi_orders o where ${ordersIn(store, f)}) as oldest from s`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const { total, items, oldest, mp_orders_version: version, ...rest } = row;
  return { found: splitVisible(rest), version, total: Number(total), items, oldest };
}

/**
 * Orders of a store created since `since`, and how many of them are cancelled (or being cancelled),
 * with the codes of the cancelled ones, newest first: the cancellation share's figures.
 */
export async function cancellationCounts(db: Db, storeId: string, since: Date, statuses: readonly string[]) {
  const row = await db
    .selectFrom('kaspi_orders')
    .select([
      sql<string>`count(*)`.as('orders'),
      sql<string>`count(*) filter (where status = any(${[...statuses]}::text[]))`.as('cancelled'),
      sql<string[] | null>`(array_agg(code order by created_at desc) filter (where status = any(${[...statuses]}::text[])))[1:20]`.as('codes'),
    ])
    .where('store_id', '=', storeId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return { orders: Number(row.orders), cancelled: Number(row.cancelled), codes: row.codes ?? [] };
}
