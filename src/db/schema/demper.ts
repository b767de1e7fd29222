import type { Generated } from 'kysely';

/** Tables of sql/0005_demper.sql. */
export interface DemperTables {
  kaspi_stores: KaspiStoresTable;
  kaspi_store_users: KaspiStoreUsersTable;
  demper_products: DemperProductsTable;
  price_changes: PriceChangesTable;
  demper_xml_feeds: DemperXmlFeedsTable;
  preorders: PreordersTable;
}

export interface KaspiStoresTable {
  id: Generated<string>;
  merchant_id: string;
  name: string;
  city_id: Generated<string>;
  session_encrypted: string | null;
  token_encrypted: string | null;
  login: string | null;
  session_checked_at: Date | null;
  session_valid: boolean | null;
  paused_until: Date | null;
  pause_reason: string | null;
  /** Enabled points of sale (`PP1`, …) from the cabinet or `--points`; null = not known. */
  points: string[] | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The users a store belongs to (sql/0018): MP_USER sees only these stores (and ones with no user). */
export interface KaspiStoreUsersTable {
  store_id: string;
  user_id: string;
  created_at: Generated<Date>;
}

export interface DemperProductsTable {
  id: Generated<string>;
  store_id: string;
  sku: string;
  product_id: string;
  name: Generated<string>;
  brand: Generated<string>;
  price: string | null;
  min_price: string;
  max_price: string;
  step: Generated<string>;
  strategy: Generated<string>;
  top_n: number | null;
  /** Minimum margin in percent of the price (sql/0021); null = the store-wide default. */
  min_margin_pct: string | null;
  enabled: Generated<boolean>;
  last_checked_at: Date | null;
  last_reason: string | null;
  last_raised_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PriceChangesTable {
  id: Generated<string>;
  run_id: string;
  store_id: string;
  demper_product_id: string | null;
  sku: string;
  product_id: string;
  old_price: string | null;
  /** Our offer's price on Kaspi at the decision (sql/0015); null when not in the offers answer. */
  live_price: string | null;
  new_price: string | null;
  competitor_price: string | null;
  competitor_merchant: string | null;
  reason: string;
  mode: string;
  error: string | null;
  created_at: Generated<Date>;
}

export interface DemperXmlFeedsTable {
  id: Generated<string>;
  store_id: string;
  path: string;
  offer_count: number;
  created_at: Generated<Date>;
}

export interface PreordersTable {
  id: Generated<string>;
  store_id: string;
  sku: string;
  model: string;
  brand: Generated<string>;
  /** The row's own price; null = the managed product's current price (sql/0018). */
  price: string | null;
  pp1: string | null;
  pp2: string | null;
  pp3: string | null;
  pp4: string | null;
  pp5: string | null;
  preorder_days: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
