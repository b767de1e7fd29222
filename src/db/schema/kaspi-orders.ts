import type { Generated } from 'kysely';

/** Tables of sql/0008_kaspi_orders.sql (Shop API orders, their entries, the sync cursor) and 0031 (the orders' versions). */
export interface KaspiOrderTables {
  kaspi_orders: KaspiOrdersTable;
  kaspi_order_entries: KaspiOrderEntriesTable;
  kaspi_order_sync: KaspiOrderSyncTable;
  kaspi_orders_versions: KaspiOrdersVersionsTable;
}

export interface KaspiOrdersTable {
  id: Generated<string>;
  store_id: string;
  kaspi_order_id: string;
  code: string;
  state: string;
  status: string;
  total_price: string;
  /** The buyer's delivery charge (`deliveryCost`). */
  delivery_cost: string | null;
  /** What Kaspi charges the seller for delivery (`deliveryCostForSeller`, sql/0021); null = not given. */
  delivery_cost_for_seller: string | null;
  payment_mode: string | null;
  delivery_mode: string | null;
  kaspi_delivery: boolean | null;
  planned_delivery_date: Date | null;
  created_at: Date;
  approved_at: Date | null;
  pre_order: Generated<boolean>;
  pickup_point_id: string | null;
  city: string | null;
  customer_name: string | null;
  customer_phone: string | null;
  first_synced_at: Generated<Date>;
  synced_at: Generated<Date>;
}

export interface KaspiOrderEntriesTable {
  id: Generated<string>;
  order_id: string;
  entry_number: number;
  product_code: string;
  product_name: string;
  quantity: number;
  base_price: string;
  total_price: string;
  /** The entry's `category {code, title}` (sql/0021); null when the Shop API did not give it. */
  category_code: string | null;
  category_title: string | null;
}

export interface KaspiOrderSyncTable {
  store_id: string;
  synced_until: Date;
  last_run_at: Date;
  orders_total: Generated<string>;
}

/**
 * The version of a store's orders (sql/0031): bumped by every statement that changed the store's
 * orders or their entries (not synced_at alone); the REST orders page cache's validator. No row:
 * version 0. No foreign key (a deleted store's row stays; ids are never reused).
 */
export interface KaspiOrdersVersionsTable {
  store_id: string;
  version: string;
}
