// All SQL for wb_stocks: the current snapshot, one row per product, size and warehouse.
import { sql } from 'kysely';
import { type Db, upsertRecordset } from './recordset.js';

export interface StockRow {
  nm_id: string;
  size: string;
  warehouse_name: string;
  chrt_id: string | null;
  warehouse_id: string | null;
  region_name: string | null;
  quantity: number;
  in_way_to_client: number;
  in_way_from_client: number;
}

const STOCK_COLUMNS = [
  ['nm_id', 'bigint'],
  ['size', 'text'],
  ['warehouse_name', 'text'],
  ['chrt_id', 'bigint'],
  ['warehouse_id', 'bigint'],
  ['region_name', 'text'],
  ['quantity', 'integer'],
  ['in_way_to_client', 'integer'],
  ['in_way_from_client', 'integer'],
] as const;

/** Total quantity per product (all sizes and warehouses), with the per-warehouse split. */
export async function stockTotals(db: Db, cabinetId: string): Promise<Map<string, { total: number; warehouses: Record<string, number> }>> {
  const rows = await db
    .selectFrom('wb_stocks')
    .select(['nm_id', 'warehouse_name', (eb) => eb.fn.sum<string>('quantity').as('q')])
    .where('cabinet_id', '=', cabinetId)
    .groupBy(['nm_id', 'warehouse_name'])
    .execute();
  const out = new Map<string, { total: number; warehouses: Record<string, number> }>();
  for (const r of rows) {
    const entry = out.get(r.nm_id) ?? { total: 0, warehouses: {} };
    entry.total += Number(r.q);
    entry.warehouses[r.warehouse_name] = Number(r.q);
    out.set(r.nm_id, entry);
  }
  return out;
}

/** Replaces the snapshot: upserts by (nm, size, warehouse) and deletes rows the report no longer has. */
export async function replaceStocks(db: Db, cabinetId: string, rows: readonly StockRow[]): Promise<{ inserted: number; updated: number }> {
  const before = await db
    .selectFrom('wb_stocks')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cabinet_id', '=', cabinetId)
    .executeTakeFirstOrThrow();
  await upsertRecordset(db, { table: 'wb_stocks', cabinetId, columns: STOCK_COLUMNS, key: ['nm_id', 'size', 'warehouse_name'] }, rows);
  // upsertRecordset stamps updated_at = now() (transaction start); anything older is gone from WB.
  await sql`delete from wb_stocks where cabinet_id = ${cabinetId}::bigint and updated_at < now()`.execute(db);
  const after = await db
    .selectFrom('wb_stocks')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cabinet_id', '=', cabinetId)
    .executeTakeFirstOrThrow();
  const inserted = Math.max(0, Number(after.n) - Number(before.n));
  return { inserted, updated: rows.length - inserted };
}

export async function listStocks(db: Db, cabinetId: string, nmId?: string) {
  let q = db.selectFrom('wb_stocks').selectAll().where('cabinet_id', '=', cabinetId);
  if (nmId) q = q.where('nm_id', '=', nmId);
  return q.orderBy('nm_id').orderBy('size').orderBy('warehouse_name').execute();
}
