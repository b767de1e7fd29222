import type { Generated } from 'kysely';

/** Tables of sql/0002_kaspi.sql: scraped products, their history, competitor offers, the tracked list. */
export interface KaspiTables {
  kaspi_products: KaspiProductsTable;
  kaspi_product_history: KaspiProductHistoryTable;
  kaspi_offers: KaspiOffersTable;
  kaspi_offer_history: KaspiOfferHistoryTable;
  kaspi_tracked: KaspiTrackedTable;
}

// Unions are spelled inline (not aliases) so test/db/schema.test.ts sees string literals.
export type KaspiOffersStatus = 'ok' | 'none' | 'unknown' | 'incomplete';
export type KaspiOfferEvent = 'appeared' | 'price_changed' | 'disappeared';

export interface KaspiProductsTable {
  id: Generated<string>;
  kaspi_id: string;
  city_id: string;
  name: string;
  description_text: string | null;
  description_html: string | null;
  category: string | null;
  category_path: Generated<string[]>;
  brand: string | null;
  min_price: string | null;
  max_price: string | null;
  rating: string | null;
  review_count: number | null;
  seller_count: number | null;
  offers_status: Generated<'ok' | 'none' | 'unknown' | 'incomplete'>;
  photos: Generated<string[]>;
  url: string;
  incomplete_fields: Generated<string[]>;
  first_seen_at: Generated<Date>;
  last_checked_at: Generated<Date>;
  last_changed_at: Generated<Date>;
}

export interface KaspiProductHistoryTable {
  id: Generated<string>;
  product_id: string;
  checked_at: Date;
  changed_fields: Generated<string[]>;
  name: string;
  description_text: string | null;
  category: string | null;
  category_path: Generated<string[]>;
  brand: string | null;
  min_price: string | null;
  max_price: string | null;
  rating: string | null;
  review_count: number | null;
  seller_count: number | null;
  offers_status: 'ok' | 'none' | 'unknown' | 'incomplete';
  photos: Generated<string[]>;
}

export interface KaspiOffersTable {
  id: Generated<string>;
  product_id: string;
  merchant_id: string;
  merchant_name: string;
  price: string;
  merchant_rating: string | null;
  merchant_review_count: number | null;
  delivery_type: string | null;
  delivery_duration: string | null;
  kaspi_delivery: boolean | null;
  preorder_days: number | null;
  first_seen_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  active: Generated<boolean>;
}

export interface KaspiOfferHistoryTable {
  id: Generated<string>;
  product_id: string;
  offer_id: string;
  merchant_id: string;
  event: 'appeared' | 'price_changed' | 'disappeared';
  old_price: string | null;
  new_price: string | null;
  created_at: Generated<Date>;
}

export interface KaspiTrackedTable {
  kaspi_id: string;
  city_id: string;
  added_at: Generated<Date>;
}
