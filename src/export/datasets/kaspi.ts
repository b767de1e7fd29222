// The Kaspi tracking tables (sql/0002_kaspi.sql) as export datasets. Every row carries the Kaspi
// product id and city, so a file makes sense on its own without the database's internal ids.
import { ALMATY } from '../../core/time.js';
import { resolveCity } from '../../kaspi/cities.js';
import { defineDataset } from '../dataset.js';

const kaspi = { city: 'city_id', resolveCity, timeZone: ALMATY } as const;

export const kaspiProducts = defineDataset({
  ...kaspi,
  name: 'kaspi-products',
  description: 'every scraped Kaspi product and city: prices, rating, sellers, category, photos',
  key: 'id',
  since: 'last_checked_at',
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'kaspi_id', type: 'text' },
    { name: 'city_id', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'brand', type: 'text' },
    { name: 'category', type: 'text' },
    { name: 'category_path', type: 'json' },
    { name: 'min_price', type: 'decimal', scale: 0 },
    { name: 'max_price', type: 'decimal', scale: 0 },
    { name: 'rating', type: 'decimal', scale: 1 },
    { name: 'review_count', type: 'integer' },
    { name: 'seller_count', type: 'integer' },
    { name: 'offers_status', type: 'text' },
    { name: 'url', type: 'text' },
    { name: 'photos', type: 'json' },
    { name: 'description_text', type: 'text' },
    { name: 'first_seen_at', type: 'timestamp' },
    { name: 'last_checked_at', type: 'timestamp' },
    { name: 'last_changed_at', type: 'timestamp' },
  ],
  source: (db) => db.selectFrom('kaspi_products'),
});

export const kaspiProductHistory = defineDataset({
  ...kaspi,
  name: 'kaspi-product-history',
  description: 'a snapshot of a Kaspi product on its first check and on every change',
  key: 'id',
  since: 'checked_at',
  alias: 'h',
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'kaspi_id', type: 'text', from: 'p.kaspi_id' },
    { name: 'city_id', type: 'text', from: 'p.city_id' },
    { name: 'checked_at', type: 'timestamp' },
    { name: 'changed_fields', type: 'json' },
    { name: 'name', type: 'text' },
    { name: 'brand', type: 'text' },
    { name: 'category', type: 'text' },
    { name: 'min_price', type: 'decimal', scale: 0 },
    { name: 'max_price', type: 'decimal', scale: 0 },
    { name: 'rating', type: 'decimal', scale: 1 },
    { name: 'review_count', type: 'integer' },
    { name: 'seller_count', type: 'integer' },
    { name: 'offers_status', type: 'text' },
  ],
  source: (db) => db.selectFrom('kaspi_product_history as h').innerJoin('kaspi_products as p', 'p.id', 'h.product_id'),
});

export const kaspiOffers = defineDataset({
  ...kaspi,
  name: 'kaspi-offers',
  description: 'every competitor offer per Kaspi product and merchant, with its current price',
  key: 'id',
  since: 'last_seen_at',
  alias: 'o',
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'kaspi_id', type: 'text', from: 'p.kaspi_id' },
    { name: 'city_id', type: 'text', from: 'p.city_id' },
    { name: 'product_name', type: 'text', from: 'p.name' },
    { name: 'merchant_id', type: 'text' },
    { name: 'merchant_name', type: 'text' },
    { name: 'price', type: 'decimal', scale: 0 },
    { name: 'merchant_rating', type: 'decimal', scale: 1 },
    { name: 'merchant_review_count', type: 'integer' },
    { name: 'delivery_type', type: 'text' },
    { name: 'delivery_duration', type: 'text' },
    { name: 'kaspi_delivery', type: 'boolean' },
    { name: 'preorder_days', type: 'integer' },
    { name: 'active', type: 'boolean' },
    { name: 'first_seen_at', type: 'timestamp' },
    { name: 'last_seen_at', type: 'timestamp' },
  ],
  source: (db) => db.selectFrom('kaspi_offers as o').innerJoin('kaspi_products as p', 'p.id', 'o.product_id'),
});

export const kaspiOfferHistory = defineDataset({
  ...kaspi,
  name: 'kaspi-offer-history',
  description: 'competitor offer events per Kaspi product: appeared, price_changed (old → new), disappeared',
  key: 'id',
  since: 'created_at',
  alias: 'h',
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'kaspi_id', type: 'text', from: 'p.kaspi_id' },
    { name: 'city_id', type: 'text', from: 'p.city_id' },
    { name: 'merchant_id', type: 'text' },
    { name: 'merchant_name', type: 'text', from: 'o.merchant_name' },
    { name: 'event', type: 'text' },
    { name: 'old_price', type: 'decimal', scale: 0 },
    { name: 'new_price', type: 'decimal', scale: 0 },
    { name: 'created_at', type: 'timestamp' },
  ],
  source: (db) =>
    db.selectFrom('kaspi_offer_history as h').innerJoin('kaspi_offers as o', 'o.id', 'h.offer_id').innerJoin('kaspi_products as p', 'p.id', 'h.product_id'),
});

export const kaspiDatasets = [kaspiProducts, kaspiOffers, kaspiProductHistory, kaspiOfferHistory];
