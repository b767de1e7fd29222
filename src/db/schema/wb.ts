import type { Generated } from 'kysely';

/** Tables of sql/0003_wb.sql: users, Wildberries cabinets, sync state, synced data and events. */
export interface WbTables {
  mp_users: MpUsersTable;
  wb_cabinets: WbCabinetsTable;
  wb_cabinet_users: WbCabinetUsersTable;
  wb_sync_state: WbSyncStateTable;
  wb_sync_runs: WbSyncRunsTable;
  wb_orders: WbOrdersTable;
  wb_sales: WbSalesTable;
  wb_stocks: WbStocksTable;
  wb_reviews: WbReviewsTable;
  wb_cards: WbCardsTable;
  wb_realization_rows: WbRealizationRowsTable;
  wb_events: WbEventsTable;
}

export interface MpUsersTable {
  id: Generated<string>;
  name: string;
  telegram_id: string | null;
  created_at: Generated<Date>;
}

export interface WbCabinetsTable {
  id: Generated<string>;
  name: string;
  token_sealed: string;
  token_hash: string;
  token_last4: string;
  token_expires_at: Date | null;
  token_categories: Generated<string[]>;
  seller_name: string | null;
  seller_sid: string | null;
  trade_mark: string | null;
  status: Generated<'active' | 'unauthorized' | 'disabled'>;
  status_detail: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface WbCabinetUsersTable {
  cabinet_id: string;
  user_id: string;
  created_at: Generated<Date>;
}

export type WbStream = 'orders' | 'sales' | 'stocks' | 'reviews' | 'cards' | 'realization';

export interface WbSyncStateTable {
  cabinet_id: string;
  stream: 'orders' | 'sales' | 'stocks' | 'reviews' | 'cards' | 'realization';
  cursor: string | null;
  next_allowed_at: Date | null;
  last_success_at: Date | null;
  updated_at: Generated<Date>;
}

export interface WbSyncRunsTable {
  id: Generated<string>;
  cabinet_id: string;
  stream: string;
  initial: Generated<boolean>;
  started_at: Generated<Date>;
  finished_at: Date | null;
  rows_new: Generated<number>;
  rows_updated: Generated<number>;
  requests: Generated<number>;
  status: Generated<'running' | 'ok' | 'skipped' | 'failed' | 'died'>;
  error_code: string | null;
  error: string | null;
  /** The process running it (sql/0016): a `running` row of a dead process is closed as `died`. */
  host: string | null;
  pid: number | null;
}

/** Columns shared by statistics orders and sales rows. */
interface WbStatisticsRow {
  cabinet_id: string;
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
  total_price: Generated<string>;
  discount_percent: Generated<string>;
  spp: Generated<string>;
  finished_price: Generated<string>;
  price_with_disc: Generated<string>;
  sticker: string | null;
  first_seen_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface WbOrdersTable extends Omit<WbStatisticsRow, 'srid'> {
  srid: string;
  order_date: Date;
  is_cancel: Generated<boolean>;
  cancel_date: Date | null;
}

export interface WbSalesTable extends WbStatisticsRow {
  sale_id: string;
  kind: 'buyout' | 'return' | 'other';
  sale_date: Date;
  payment_sale_amount: Generated<string>;
  for_pay: Generated<string>;
}

export interface WbStocksTable {
  cabinet_id: string;
  nm_id: string;
  size: string;
  warehouse_name: string;
  chrt_id: string | null;
  warehouse_id: string | null;
  region_name: string | null;
  quantity: Generated<number>;
  in_way_to_client: Generated<number>;
  in_way_from_client: Generated<number>;
  updated_at: Generated<Date>;
}

export interface WbReviewsTable {
  cabinet_id: string;
  review_id: string;
  nm_id: string;
  rating: number;
  text: string | null;
  pros: string | null;
  cons: string | null;
  user_name: string | null;
  product_name: string | null;
  supplier_article: string | null;
  size: string | null;
  is_answered: Generated<boolean>;
  answer_text: string | null;
  created_date: Date;
  first_seen_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface WbCardsTable {
  cabinet_id: string;
  nm_id: string;
  imt_id: string | null;
  vendor_code: string | null;
  brand: string | null;
  title: string | null;
  subject_name: string | null;
  photo_url: string | null;
  sizes: Generated<WbCardSize[]>;
  card_updated_at: Date | null;
  updated_at: Generated<Date>;
}

export interface WbCardSize {
  chrtID: number;
  techSize: string;
  wbSize?: string;
  skus?: string[];
}

export type WbEventType =
  | 'new_order'
  | 'cancellation'
  | 'buyout'
  | 'return'
  | 'new_review'
  | 'stock_change'
  | 'sync_gap'
  // Account events (sql/0023): the token expires soon or was refused, a job keeps failing.
  | 'token_expiring'
  | 'access_refused'
  | 'job_failing';

export interface WbEventsTable {
  id: Generated<string>;
  cabinet_id: string;
  // Spelled out (not WbEventType): test/db/schema.test.ts reads the literal types.
  type: 'new_order' | 'cancellation' | 'buyout' | 'return' | 'new_review' | 'stock_change' | 'sync_gap' | 'token_expiring' | 'access_refused' | 'job_failing';
  event_key: string;
  dedup_key: string;
  occurred_at: Date;
  payload: Generated<Record<string, unknown>>;
  created_at: Generated<Date>;
}

/** The realization report (reportDetailByPeriod), one row per rrd_id (sql/0025). */
export interface WbRealizationRowsTable {
  cabinet_id: string;
  rrd_id: string;
  report_id: string | null;
  rr_day: string;
  nm_id: string | null;
  vendor_code: string | null;
  subject_name: string | null;
  doc_type_name: Generated<string>;
  supplier_oper_name: Generated<string>;
  bonus_type_name: string | null;
  quantity: Generated<number>;
  retail_amount: Generated<string>;
  ppvz_for_pay: Generated<string>;
  delivery_rub: Generated<string>;
  rebill_logistic_cost: Generated<string>;
  storage_fee: Generated<string>;
  penalty: Generated<string>;
  acceptance: Generated<string>;
  deduction: Generated<string>;
  additional_payment: Generated<string>;
  srid: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
