// Pure parsers for the statistics API (`/api/v1/supplier/orders`, `/api/v1/supplier/sales`):
// JSON rows in, database-shaped rows out (snake_case columns, UTC instants, decimal strings).
import { UserError } from '../core/errors.js';
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
  row.order_date = parseWbTime(String(r.date));
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
  row.sale_date = parseWbTime(String(r.date));
  row.payment_sale_amount = decimal(r.paymentSaleAmount);
  row.for_pay = decimal(r.forPay);
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
    last_change_date: parseWbTime(String(r.lastChangeDate)),
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
    total_price: decimal(r.totalPrice),
    discount_percent: decimal(r.discountPercent),
    spp: decimal(r.spp),
    finished_price: decimal(r.finishedPrice),
    price_with_disc: decimal(r.priceWithDisc),
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

/** A JSON number as a decimal string without binary-float noise (WB sends 1284.01, -1145). */
export function decimal(v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const text = String(v);
    return text.includes('e') ? v.toFixed(6).replace(/\.?0+$/, '') : text;
  }
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return v;
  return '0';
}
