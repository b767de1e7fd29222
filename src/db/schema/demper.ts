import type { Generated } from 'kysely';

/** Tables of sql/0005_demper.sql. */
export interface DemperTables {
  kaspi_stores: KaspiStoresTable;
  kaspi_store_users: KaspiStoreUsersTable;
  demper_products: DemperProductsTable;
  price_changes: PriceChangesTable;
  demper_xml_feeds: DemperXmlFeedsTable;
  preorders: PreordersTable;
  demper_city_prices: DemperCityPricesTable;
  demper_stock: DemperStockTable;
  kaspi_price_list_versions: KaspiPriceListVersionsTable;
  kaspi_price_list_fetches: KaspiPriceListFetchesTable;
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
  /** The store's cities (sql/0024); null = its one city_id. The first is the home city (city_id). */
  cities: string[] | null;
  /** SHA-256 (hex) of the price list's secret path token; the token sealed with the secret key. */
  price_list_token_hash: string | null;
  price_list_token_encrypted: string | null;
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
  /** The city decided for (sql/0024); null on rows from before cities (the store's city). */
  city_id: string | null;
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

/** Per product and city (sql/0024): the repricer's state outside the home city, and the served list's price. */
export interface DemperCityPricesTable {
  demper_product_id: string;
  city_id: string;
  price: string | null;
  /** The price the served price list carries (set by `run --apply --via xml`). */
  list_price: string | null;
  list_price_at: Date | null;
  last_reason: string | null;
  last_checked_at: Date | null;
  last_raised_at: Date | null;
  updated_at: Generated<Date>;
}

/** Stock per point of sale (`mp demper stock import`), by SKU. */
export interface DemperStockTable {
  store_id: string;
  sku: string;
  point: string;
  stock: number;
  updated_at: Generated<Date>;
}

/** Every distinct price list served: its hash, first time out (Last-Modified) and counts. */
export interface KaspiPriceListVersionsTable {
  id: Generated<string>;
  store_id: string;
  content_hash: string;
  offer_count: number;
  available_count: number;
  accepted: Generated<boolean>;
  created_at: Generated<Date>;
}

/** Every fetch of a price list (who, when, status). */
export interface KaspiPriceListFetchesTable {
  id: Generated<string>;
  store_id: string | null;
  merchant_id: string | null;
  at: Generated<Date>;
  status: number;
  /** `basic` (credentials), `secret` (the secret path) or `none`. */
  via: string;
  client: string | null;
  user_agent: string | null;
  detail: string | null;
}
