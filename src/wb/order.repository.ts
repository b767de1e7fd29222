// All SQL for wb_orders (identity: cabinet + srid).

import { type Db, selectExisting, type UpsertResult, upsertRecordset } from './recordset.js';
import type { ParsedOrder } from './statistics-parser.js';

const STAT_COLUMNS = [
  ['g_number', 'text'],
  ['last_change_date', 'timestamptz'],
  ['warehouse_name', 'text'],
  ['warehouse_type', 'text'],
  ['country_name', 'text'],
  ['oblast_okrug_name', 'text'],
  ['region_name', 'text'],
  ['supplier_article', 'text'],
  ['nm_id', 'bigint'],
  ['barcode', 'text'],
  ['category', 'text'],
  ['subject', 'text'],
  ['brand', 'text'],
  ['tech_size', 'text'],
  ['income_id', 'bigint'],
  ['is_supply', 'boolean'],
  ['is_realization', 'boolean'],
  ['total_price', 'numeric'],
  ['discount_percent', 'numeric'],
  ['spp', 'numeric'],
  ['finished_price', 'numeric'],
  ['price_with_disc', 'numeric'],
  ['sticker', 'text'],
] as const;

export { STAT_COLUMNS };

const ORDER_COLUMNS = [['srid', 'text'], ['order_date', 'timestamptz'], ['is_cancel', 'boolean'], ['cancel_date', 'timestamptz'], ...STAT_COLUMNS] as const;

/** Which of these srids are stored already, and whether they were cancelled. */
export async function existingOrders(db: Db, cabinetId: string, srids: readonly string[]): Promise<Map<string, boolean>> {
  const rows = await selectExisting<{ srid: string; is_cancel: boolean }>(db, 'wb_orders', cabinetId, 'srid', 'srid, is_cancel', srids);
  return new Map(rows.map((r) => [r.srid, r.is_cancel]));
}

/** Upserts orders by srid; an older row never overwrites a newer one. */
export async function upsertOrders(db: Db, cabinetId: string, rows: readonly ParsedOrder[]): Promise<UpsertResult> {
  return upsertRecordset(
    db,
    { table: 'wb_orders', cabinetId, columns: ORDER_COLUMNS, key: ['srid'], updateWhere: 'wb_orders.last_change_date <= excluded.last_change_date' },
    rows,
  );
}

export async function findOrder(db: Db, cabinetId: string, srid: string) {
  return db.selectFrom('wb_orders').selectAll().where('cabinet_id', '=', cabinetId).where('srid', '=', srid).executeTakeFirst();
}

export interface OrderFilter {
  since: Date;
  status?: 'active' | 'cancelled';
  nmId?: string;
  limit?: number;
  /** Rows to skip (the REST API's pages). */
  offset?: number;
}

/** How many orders match a filter (limit and offset aside). */
export async function countOrders(db: Db, cabinetId: string, f: OrderFilter): Promise<number> {
  let q = db
    .selectFrom('wb_orders')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cabinet_id', '=', cabinetId)
    .where('order_date', '>=', f.since);
  if (f.status) q = q.where('is_cancel', '=', f.status === 'cancelled');
  if (f.nmId) q = q.where('nm_id', '=', f.nmId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function listOrders(db: Db, cabinetId: string, f: OrderFilter) {
  let q = db
    .selectFrom('wb_orders')
    .select([
      'srid',
      'order_date',
      'nm_id',
      'supplier_article',
      'tech_size',
      'finished_price',
      'price_with_disc',
      'warehouse_name',
      'region_name',
      'is_cancel',
      'g_number',
    ])
    .where('cabinet_id', '=', cabinetId)
    .where('order_date', '>=', f.since);
  if (f.status) q = q.where('is_cancel', '=', f.status === 'cancelled');
  if (f.nmId) q = q.where('nm_id', '=', f.nmId);
  return q
    .orderBy('order_date', 'desc')
    .orderBy('srid')
    .limit(f.limit ?? 10_000)
    .offset(f.offset ?? 0)
    .execute();
}

/** Order and cancellation counts and sums per Moscow day and product since `since`. */
export async function ordersByDayAndProduct(db: Db, cabinetId: string, since: Date) {
  return db
    .selectFrom('wb_orders')
    .select((eb) => [
      eb.fn<string>('to_char', [eb.fn('timezone', [eb.val('Europe/Moscow'), eb.ref('order_date')]), eb.val('YYYY-MM-DD')]).as('day'),
      'nm_id',
      eb.fn.countAll<string>().as('orders'),
      eb.fn.sum<string>(eb.case().when('is_cancel', '=', true).then(1).else(0).end()).as('cancellations'),
      eb.fn.sum<string>('finished_price').as('orders_sum'),
    ])
    .where('cabinet_id', '=', cabinetId)
    .where('order_date', '>=', since)
    .groupBy(['day', 'nm_id'])
    .execute();
}

/** Orders of one product in each trailing window (days) before `now`. */
export async function orderCountsByWindow(db: Db, cabinetId: string, nmId: string, now: Date, windows: readonly number[]) {
  const out: Record<number, number> = {};
  for (const days of windows) {
    const r = await db
      .selectFrom('wb_orders')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('cabinet_id', '=', cabinetId)
      .where('nm_id', '=', nmId)
      .where('order_date', '>=', new Date(now.getTime() - days * 86_400_000))
      .executeTakeFirstOrThrow();
    out[days] = Number(r.n);
  }
  return out;
}
