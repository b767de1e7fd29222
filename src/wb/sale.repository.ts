// All SQL for wb_sales (identity: cabinet + saleID).
import { STAT_COLUMNS } from './order.repository.js';
import { type Db, type UpsertResult, upsertRecordset } from './recordset.js';
import type { ParsedSale } from './statistics-parser.js';

const SALE_COLUMNS = [
  ['sale_id', 'text'],
  ['kind', 'text'],
  ['srid', 'text'],
  ['sale_date', 'timestamptz'],
  ['payment_sale_amount', 'numeric'],
  ['for_pay', 'numeric'],
  ...STAT_COLUMNS,
] as const;

/** Upserts sales by saleID; returns which were new. */
export async function upsertSales(db: Db, cabinetId: string, rows: readonly ParsedSale[]): Promise<UpsertResult> {
  return upsertRecordset(
    db,
    { table: 'wb_sales', cabinetId, columns: SALE_COLUMNS, key: ['sale_id'], updateWhere: 'wb_sales.last_change_date <= excluded.last_change_date' },
    rows,
  );
}

export async function salesForOrder(db: Db, cabinetId: string, srid: string) {
  return db
    .selectFrom('wb_sales')
    .select(['sale_id', 'kind', 'sale_date', 'for_pay', 'finished_price'])
    .where('cabinet_id', '=', cabinetId)
    .where('srid', '=', srid)
    .orderBy('sale_date')
    .execute();
}

/** Buyouts and returns (counts and sums) per Moscow day and product since `since`. */
export async function salesByDayAndProduct(db: Db, cabinetId: string, since: Date) {
  return db
    .selectFrom('wb_sales')
    .select((eb) => [
      eb.fn<string>('to_char', [eb.fn('timezone', [eb.val('Europe/Moscow'), eb.ref('sale_date')]), eb.val('YYYY-MM-DD')]).as('day'),
      'nm_id',
      eb.fn.sum<string>(eb.case().when('kind', '=', 'buyout').then(1).else(0).end()).as('buyouts'),
      eb.fn.sum<string>(eb.case().when('kind', '=', 'return').then(1).else(0).end()).as('returns'),
      eb.fn.sum<string>(eb.case().when('kind', '=', 'buyout').then(eb.ref('for_pay')).else(0).end()).as('buyouts_sum'),
      eb.fn.sum<string>(eb.case().when('kind', '=', 'return').then(eb.ref('for_pay')).else(0).end()).as('returns_sum'),
    ])
    .where('cabinet_id', '=', cabinetId)
    .where('sale_date', '>=', since)
    .groupBy(['day', 'nm_id'])
    .execute();
}

/** Buyouts and returns of one product in each trailing window (days) before `now`. */
export async function saleCountsByWindow(db: Db, cabinetId: string, nmId: string, now: Date, windows: readonly number[]) {
  const out: Record<number, { buyouts: number; returns: number }> = {};
  for (const days of windows) {
    const r = await db
      .selectFrom('wb_sales')
      .select((eb) => [
        eb.fn.sum<string>(eb.case().when('kind', '=', 'buyout').then(1).else(0).end()).as('buyouts'),
        eb.fn.sum<string>(eb.case().when('kind', '=', 'return').then(1).else(0).end()).as('returns'),
      ])
      .where('cabinet_id', '=', cabinetId)
      .where('nm_id', '=', nmId)
      .where('sale_date', '>=', new Date(now.getTime() - days * 86_400_000))
      .executeTakeFirstOrThrow();
    out[days] = { buyouts: Number(r.buyouts ?? 0), returns: Number(r.returns ?? 0) };
  }
  return out;
}
