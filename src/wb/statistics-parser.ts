// Pure parsers for the statistics API (`/api/v1/supplier/orders`, `/api/v1/supplier/sales`):
// JSON rows in, database-shaped rows out (snake_case columns, UTC instants, decimal strings).
import { UserError } from '../core/errors.js';
import { upstreamDecimal } from '../core/upstream-shape.js';
import { parseWbTime, parseWbTimeOrNull } from './wb-time.js';

interface StatisticsCommon {
  srid: string | null;
  g_number: string | null;
  last_change_date: Date;
  warehouse_name: string | null;
  warehouse_type: string | null;
  country_name: string | null;
  oblast_okrug_name: string | null;
  region_name: string | null;
  supplier_article: string | null;
  nm_id: string;
  barcode: string | null;
  category: string | null;
  subject: string | null;
  brand: string | null;
  tech_size: string | null;
  income_id: string | null;
  is_supply: boolean | null;
  is_realization: boolean | null;
  total_price: string;
  discount_percent: string;
  spp: string;
  finished_price: string;
  price_with_disc: string;
  sticker: string | null;
}

export interface ParsedOrder extends StatisticsCommon {
  srid: string;
  order_date: Date;
  is_cancel: boolean;
  cancel_date: Date | null;
}

export interface ParsedSale extends StatisticsCommon {
  sale_id: string;
  kind: 'buyout' | 'return' | 'other';
  sale_date: Date;
  payment_sale_amount: string;
  for_pay: string;
}

/** A page of rows plus the raw `lastChangeDate` of the last row: the next page's `dateFrom`. */
export interface StatisticsPage<T> {
  rows: T[];
  nextDateFrom?: string;
}

/** Parses an orders page (a JSON array). */
export function parseOrdersPage(body: unknown): StatisticsPage<ParsedOrder> {
  const items = asArray(body, 'orders');
  return { rows: items.map(parseOrderRow), nextDateFrom: lastChange(items) };
}

/** One order row. Rows without `srid` cannot be identified and are rejected. */
export function parseOrderRow(item: unknown): ParsedOrder {
  const r = item as Record<string, unknown>;
  const srid = str(r.srid);
  if (!srid) throw new UserError('WB_BAD_RESPONSE', `a Wildberries order row has no srid (nmId ${String(r.nmId)}): cannot identify it`);
  // Fields are added to the common object rather than spread into a new one: a page is 80,000 rows.
  const row = common(r) as ParsedOrder;
  row.srid = srid;
  row.order_date = time(r, 'date', 'orders');
  if (r.isCancel !== undefined && r.isCancel !== null && typeof r.isCancel !== 'boolean')
    throw new UserError(
      'WB_BAD_RESPONSE',
      `a Wildberries orders row (${rowName(r)}) has isCancel = ${JSON.stringify(r.isCancel)?.slice(0, 40)}, not true or false: nothing was stored; try again later`,
    );
  row.is_cancel = r.isCancel === true;
  row.cancel_date = r.isCancel === true ? parseWbTimeOrNull(r.cancelDate) : null;
  return row;
}

/** Parses a sales page (a JSON array). */
export function parseSalesPage(body: unknown): StatisticsPage<ParsedSale> {
  const items = asArray(body, 'sales');
  return { rows: items.map(parseSaleRow), nextDateFrom: lastChange(items) };
}

/** One sales row: `saleID` S… is a buyout, R… a return, anything else `other`. */
export function parseSaleRow(item: unknown): ParsedSale {
  const r = item as Record<string, unknown>;
  const saleId = str(r.saleID);
  if (!saleId) throw new UserError('WB_BAD_RESPONSE', `a Wildberries sales row has no saleID (srid ${String(r.srid)}): cannot identify it`);
  const row = common(r) as ParsedSale;
  row.sale_id = saleId;
  row.kind = saleKind(saleId);
  row.sale_date = time(r, 'date', 'sales');
  row.payment_sale_amount = money(r, 'paymentSaleAmount', 'sales');
  row.for_pay = money(r, 'forPay', 'sales');
  return row;
}

export function saleKind(saleId: string): 'buyout' | 'return' | 'other' {
  if (saleId.startsWith('S')) return 'buyout';
  if (saleId.startsWith('R')) return 'return';
  return 'other';
}

function common(r: Record<string, unknown>): StatisticsCommon {
  const nm = r.nmId;
  if (typeof nm !== 'number' && typeof nm !== 'string') throw new UserError('WB_BAD_RESPONSE', 'a Wildberries statistics row has no nmId');
  return {
    srid: str(r.srid),
    g_number: str(r.gNumber),
    last_change_date: time(r, 'lastChangeDate'),
    warehouse_name: str(r.warehouseName),
    warehouse_type: str(r.warehouseType),
    country_name: str(r.countryName),
    oblast_okrug_name: str(r.oblastOkrugName),
    region_name: str(r.regionName),
    supplier_article: str(r.supplierArticle),
    nm_id: String(nm),
    barcode: str(r.barcode),
    category: str(r.category),
    subject: str(r.subject),
    brand: str(r.brand),
    tech_size: str(r.techSize),
    income_id: r.incomeID === undefined || r.incomeID === null ? null : String(r.incomeID),
    is_supply: typeof r.isSupply === 'boolean' ? r.isSupply : null,
    is_realization: typeof r.isRealization === 'boolean' ? r.isRealization : null,
    total_price: money(r, 'totalPrice'),
    discount_percent: money(r, 'discountPercent'),
    spp: money(r, 'spp'),
    finished_price: money(r, 'finishedPrice'),
    price_with_disc: money(r, 'priceWithDisc'),
    sticker: str(r.sticker),
  };
}

function asArray(body: unknown, what: string): unknown[] {
  if (!Array.isArray(body)) throw new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response is not a JSON array`);
  return body;
}

function lastChange(items: unknown[]): string | undefined {
  const last = items[items.length - 1] as Record<string, unknown> | undefined;
  return last && typeof last.lastChangeDate === 'string' ? last.lastChangeDate : undefined;
}

export function str(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  return String(v);
}

/** A JSON number as a decimal string without binary-float noise (WB sends 1284.01, -1145); null as 0. */
export function decimal(v: unknown): string {
  if (v === null) return '0';
  return upstreamDecimal(v, 'a value', 'Wildberries statistics');
}

/**
 * A money or percent field of a row: a number (or numeric text), else WB_BAD_RESPONSE naming the
 * row and field (`totalPrice: "abc"` was stored as 0). null stays 0 (WB's "none").
 */
function money(r: Record<string, unknown>, field: string, what = 'statistics'): string {
  const value = r[field];
  if (value === null) return '0';
  return upstreamDecimal(value, field, `a Wildberries ${what} row (${rowName(r)})`);
}

/** A timestamp field of a row, strictly (no roll-over), else WB_BAD_RESPONSE naming it. */
function time(r: Record<string, unknown>, field: string, what = 'statistics'): Date {
  const value = r[field];
  try {
    if (typeof value !== 'string') throw new Error('not text');
    return parseWbTime(value);
  } catch (cause) {
    throw new UserError(
      'WB_BAD_RESPONSE',
      `a Wildberries ${what} row (${rowName(r)}) has ${field} = ${JSON.stringify(value)?.slice(0, 40) ?? 'missing'}, not a time: nothing was stored; try again later`,
      { cause },
    );
  }
}

function rowName(r: Record<string, unknown>): string {
  return typeof r.srid === 'string' ? `srid ${r.srid}` : `nmId ${String(r.nmId)}`;
}
