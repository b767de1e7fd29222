// The Wildberries tables (sql/0003_wb.sql) as export datasets. Rows are keyed by cabinet and WB's
// own identity (srid, saleID, review id, nmId…); `key` joins them into one sortable text
// (zero-padded cabinet id first) for the export's keyset paging. Dates typed in --since are Moscow time.
import { sql } from 'kysely';
import { MOSCOW } from '../../core/time.js';
import { defineDataset, type ExportColumn } from '../dataset.js';

const key = (column: string) => sql<string>`lpad(t.cabinet_id::text, 12, '0') || ':' || ${sql.ref(`t.${column}`)}::text`.as('key');
const head: ExportColumn[] = [
  { name: 'key', type: 'text' },
  { name: 'cabinet_id', type: 'integer' },
  { name: 'cabinet', type: 'text' },
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
  { name: 'discount_percent', type: 'decimal' },
  { name: 'spp', type: 'decimal' },
  { name: 'finished_price', type: 'decimal' },
  { name: 'price_with_disc', type: 'decimal' },
  { name: 'warehouse_name', type: 'text' },
  { name: 'warehouse_type', type: 'text' },
  { name: 'region_name', type: 'text' },
  { name: 'oblast_okrug_name', type: 'text' },
  { name: 'country_name', type: 'text' },
  { name: 'last_change_date', type: 'timestamp' },
];
const statisticsColumns = statistics.map((c) => `t.${c.name}` as const);

export const wbOrders = defineDataset({
  name: 'wb-orders',
  description: 'Wildberries orders (one row per srid): product, prices and discounts, warehouse, region, cancellation',
  key: 'key',
  since: 'order_date',
  timeZone: MOSCOW,
  columns: [
    ...head,
    { name: 'srid', type: 'text' },
    { name: 'g_number', type: 'text' },
    { name: 'order_date', type: 'timestamp' },
    { name: 'is_cancel', type: 'boolean' },
    { name: 'cancel_date', type: 'timestamp' },
    ...statistics,
  ],
  query: (db) =>
    db
      .selectFrom('wb_orders as t')
      .innerJoin('wb_cabinets as c', 'c.id', 't.cabinet_id')
      .select([
        key('srid'),
        't.cabinet_id',
        'c.name as cabinet',
        't.srid',
        't.g_number',
        't.order_date',
        't.is_cancel',
        't.cancel_date',
        ...(statisticsColumns as 't.nm_id'[]),
      ]),
});

export const wbSales = defineDataset({
  name: 'wb-sales',
  description: 'Wildberries buyouts (saleID S…) and returns (R…, negative amounts) with the amount to pay',
  key: 'key',
  since: 'sale_date',
  timeZone: MOSCOW,
  columns: [
    ...head,
    { name: 'sale_id', type: 'text' },
    { name: 'kind', type: 'text' },
    { name: 'srid', type: 'text' },
    { name: 'sale_date', type: 'timestamp' },
    { name: 'for_pay', type: 'decimal' },
    { name: 'payment_sale_amount', type: 'decimal' },
    ...statistics,
  ],
  query: (db) =>
    db
      .selectFrom('wb_sales as t')
      .innerJoin('wb_cabinets as c', 'c.id', 't.cabinet_id')
      .select([
        key('sale_id'),
        't.cabinet_id',
        'c.name as cabinet',
        't.sale_id',
        't.kind',
        't.srid',
        't.sale_date',
        't.for_pay',
        't.payment_sale_amount',
        ...(statisticsColumns as 't.nm_id'[]),
      ]),
});

export const wbStocks = defineDataset({
  name: 'wb-stocks',
  description: 'Wildberries stock now: one row per product, size and warehouse',
  key: 'key',
  since: 'updated_at',
  timeZone: MOSCOW,
  columns: [
    ...head,
    { name: 'nm_id', type: 'integer' },
    { name: 'size', type: 'text' },
    { name: 'warehouse_name', type: 'text' },
    { name: 'region_name', type: 'text' },
    { name: 'quantity', type: 'integer' },
    { name: 'in_way_to_client', type: 'integer' },
    { name: 'in_way_from_client', type: 'integer' },
    { name: 'updated_at', type: 'timestamp' },
  ],
  query: (db) =>
    db
      .selectFrom('wb_stocks as t')
      .innerJoin('wb_cabinets as c', 'c.id', 't.cabinet_id')
      .select([
        sql<string>`lpad(t.cabinet_id::text, 12, '0') || ':' || t.nm_id::text || ':' || t.size || ':' || t.warehouse_name`.as('key'),
        't.cabinet_id',
        'c.name as cabinet',
        't.nm_id',
        't.size',
        't.warehouse_name',
        't.region_name',
        't.quantity',
        't.in_way_to_client',
        't.in_way_from_client',
        't.updated_at',
      ]),
});

export const wbReviews = defineDataset({
  name: 'wb-reviews',
  description: 'Wildberries reviews: rating, text, pros and cons, answered or not',
  key: 'key',
  since: 'created_date',
  timeZone: MOSCOW,
  columns: [
    ...head,
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
  query: (db) =>
    db
      .selectFrom('wb_reviews as t')
      .innerJoin('wb_cabinets as c', 'c.id', 't.cabinet_id')
      .select([
        key('review_id'),
        't.cabinet_id',
        'c.name as cabinet',
        't.review_id',
        't.nm_id',
        't.product_name',
        't.supplier_article',
        't.size',
        't.rating',
        't.text',
        't.pros',
        't.cons',
        't.user_name',
        't.is_answered',
        't.answer_text',
        't.created_date',
      ]),
});

export const wbCards = defineDataset({
  name: 'wb-cards',
  description: 'Wildberries product cards: article, title, brand, subject, first photo, sizes',
  key: 'key',
  since: 'updated_at',
  timeZone: MOSCOW,
  columns: [
    ...head,
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
  query: (db) =>
    db
      .selectFrom('wb_cards as t')
      .innerJoin('wb_cabinets as c', 'c.id', 't.cabinet_id')
      .select([
        sql<string>`lpad(t.cabinet_id::text, 12, '0') || ':' || lpad(t.nm_id::text, 15, '0')`.as('key'),
        't.cabinet_id',
        'c.name as cabinet',
        't.nm_id',
        't.imt_id',
        't.vendor_code',
        't.title',
        't.brand',
        't.subject_name',
        't.photo_url',
        't.sizes',
        't.card_updated_at',
        't.updated_at',
      ]),
});

export const wbDatasets = [wbOrders, wbSales, wbStocks, wbReviews, wbCards];
