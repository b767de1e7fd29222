// The Wildberries tables (sql/0003_wb.sql) as export datasets. Rows are keyed by cabinet and WB's
// own identity (srid, saleID, review id, nmId…); `key` joins them into one sortable text
// (zero-padded cabinet id first) for the export's keyset paging. Dates typed in --since are Moscow time.
import { sql } from 'kysely';
import { MOSCOW } from '../../core/time.js';
import { defineDataset, type ExportColumn } from '../dataset.js';

type WbTable = 'wb_orders' | 'wb_sales' | 'wb_stocks' | 'wb_reviews' | 'wb_cards';

/** `key`: the zero-padded cabinet id, then the row's WB identity, as one sortable text. */
const key = (...parts: string[]) => sql<string>`${sql.join([sql`lpad(t.cabinet_id::text, 12, '0')`, ...parts.map((p) => sql.raw(p))], sql` || ':' || `)}`;

const head = (keyParts: string[]): ExportColumn[] => [
  { name: 'key', type: 'text', from: key(...keyParts), internal: true },
  { name: 'cabinet_id', type: 'integer' },
  { name: 'cabinet', type: 'text', from: 'c.name' },
];
const statistics: ExportColumn[] = [
  { name: 'nm_id', type: 'integer' },
  { name: 'supplier_article', type: 'text' },
  { name: 'barcode', type: 'text' },
  { name: 'brand', type: 'text' },
  { name: 'subject', type: 'text' },
  { name: 'category', type: 'text' },
  { name: 'tech_size', type: 'text' },
  { name: 'total_price', type: 'decimal' },
  { name: 'discount_percent', type: 'decimal', show: 'percent' },
  { name: 'spp', type: 'decimal', show: 'percent', description: 'the buyer discount WB pays (СПП), %' },
  { name: 'finished_price', type: 'decimal' },
  { name: 'price_with_disc', type: 'decimal' },
  { name: 'warehouse_name', type: 'text' },
  { name: 'warehouse_type', type: 'text' },
  { name: 'region_name', type: 'text' },
  { name: 'oblast_okrug_name', type: 'text' },
  { name: 'country_name', type: 'text' },
  { name: 'last_change_date', type: 'timestamp' },
];

/**
 * A WB table as a dataset: the key, the cabinet's id and name, then `columns`, each read from the
 * table under its own name — the columns are declared once and the select follows them.
 */
function wbTable(d: { name: string; description: string; table: WbTable; since: string; key: string[]; columns: ExportColumn[] }) {
  return defineDataset({
    name: d.name,
    description: d.description,
    key: 'key',
    since: d.since,
    timeZone: MOSCOW,
    alias: 't',
    columns: [...head(d.key), ...d.columns],
    source: (db) => db.selectFrom(`${d.table} as t` as 'wb_orders as t').innerJoin('wb_cabinets as c', 'c.id', 't.cabinet_id'),
  });
}

export const wbOrders = wbTable({
  name: 'wb-orders',
  description: 'Wildberries orders (one row per srid): product, prices and discounts, warehouse, region, cancellation',
  table: 'wb_orders',
  since: 'order_date',
  key: ['t.srid::text'],
  columns: [
    { name: 'srid', type: 'text' },
    { name: 'g_number', type: 'text' },
    { name: 'order_date', type: 'timestamp' },
    { name: 'is_cancel', type: 'boolean' },
    { name: 'cancel_date', type: 'timestamp' },
    ...statistics,
  ],
});

export const wbSales = wbTable({
  name: 'wb-sales',
  description: 'Wildberries buyouts (saleID S…) and returns (R…, negative amounts) with the amount to pay',
  table: 'wb_sales',
  since: 'sale_date',
  key: ['t.sale_id::text'],
  columns: [
    { name: 'sale_id', type: 'text' },
    { name: 'kind', type: 'text' },
    { name: 'srid', type: 'text' },
    { name: 'sale_date', type: 'timestamp' },
    { name: 'for_pay', type: 'decimal' },
    { name: 'payment_sale_amount', type: 'decimal' },
    ...statistics,
  ],
});

export const wbStocks = wbTable({
  name: 'wb-stocks',
  description: 'Wildberries stock now: one row per product, size and warehouse',
  table: 'wb_stocks',
  since: 'updated_at',
  key: ['t.nm_id::text', 't.size', 't.warehouse_name'],
  columns: [
    { name: 'nm_id', type: 'integer' },
    { name: 'size', type: 'text' },
    { name: 'warehouse_name', type: 'text' },
    { name: 'region_name', type: 'text' },
    { name: 'quantity', type: 'integer' },
    { name: 'in_way_to_client', type: 'integer' },
    { name: 'in_way_from_client', type: 'integer' },
    { name: 'updated_at', type: 'timestamp' },
  ],
});

export const wbReviews = wbTable({
  name: 'wb-reviews',
  description: 'Wildberries reviews: rating, text, pros and cons, answered or not',
  table: 'wb_reviews',
  since: 'created_date',
  key: ['t.review_id::text'],
  columns: [
    { name: 'review_id', type: 'text' },
    { name: 'nm_id', type: 'integer' },
    { name: 'product_name', type: 'text' },
    { name: 'supplier_article', type: 'text' },
    { name: 'size', type: 'text' },
    { name: 'rating', type: 'integer' },
    { name: 'text', type: 'text' },
    { name: 'pros', type: 'text' },
    { name: 'cons', type: 'text' },
    { name: 'user_name', type: 'text' },
    { name: 'is_answered', type: 'boolean' },
    { name: 'answer_text', type: 'text' },
    { name: 'created_date', type: 'timestamp' },
  ],
});

export const wbCards = wbTable({
  name: 'wb-cards',
  description: 'Wildberries product cards: article, title, brand, subject, first photo, sizes',
  table: 'wb_cards',
  since: 'updated_at',
  key: ["lpad(t.nm_id::text, 15, '0')"],
  columns: [
    { name: 'nm_id', type: 'integer' },
    { name: 'imt_id', type: 'integer' },
    { name: 'vendor_code', type: 'text' },
    { name: 'title', type: 'text' },
    { name: 'brand', type: 'text' },
    { name: 'subject_name', type: 'text' },
    { name: 'photo_url', type: 'text' },
    { name: 'sizes', type: 'json' },
    { name: 'card_updated_at', type: 'timestamp' },
    { name: 'updated_at', type: 'timestamp' },
  ],
});

export const wbDatasets = [wbOrders, wbSales, wbStocks, wbReviews, wbCards];
