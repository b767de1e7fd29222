// Repricing and preorders (sql/0005_demper.sql) as export datasets. `demper-products` has the
// columns `mp demper products import --file` reads (sku … min_margin_pct) first, so a seller can export,
// edit in Excel and import back; the extra columns after them are ignored by the import. Kaspi
// datasets: times in spreadsheets and dates typed in --since/--filter are Almaty time.
import { sql } from 'kysely';
import { ALMATY } from '../../core/time.js';
import { defineDataset } from '../dataset.js';

export const demperProducts = defineDataset({
  name: 'demper-products',
  description: 'products under price management: sku, product, price, min, max, step, strategy (re-importable)',
  key: 'id',
  timeZone: ALMATY,
  alias: 'p',
  columns: [
    { name: 'sku', type: 'text' },
    { name: 'product_id', type: 'text', description: 'Kaspi master product id' },
    { name: 'name', type: 'text' },
    { name: 'price', type: 'decimal', scale: 0 },
    { name: 'min_price', type: 'decimal', scale: 0 },
    { name: 'max_price', type: 'decimal', scale: 0 },
    { name: 'step', type: 'decimal', scale: 0 },
    {
      name: 'strategy',
      type: 'text',
      description: 'undercut, match, hold or top-<N>',
      from: sql`case when p.strategy = 'top-n' then 'top-' || coalesce(p.top_n, 3) else p.strategy end`,
    },
    {
      name: 'min_margin_pct',
      type: 'decimal',
      scale: 2,
      show: 'percent',
      description: 'minimum margin after commission and cost (empty: the store-wide default)',
    },
    { name: 'store', type: 'text', description: 'merchant id', from: 's.merchant_id' },
    { name: 'enabled', type: 'boolean' },
    { name: 'last_reason', type: 'text' },
    { name: 'last_checked_at', type: 'timestamp' },
    { name: 'id', type: 'integer' },
  ],
  source: (db) => db.selectFrom('demper_products as p').innerJoin('kaspi_stores as s', 's.id', 'p.store_id'),
});

export const demperPriceChanges = defineDataset({
  name: 'demper-price-changes',
  description: 'every repricing decision: old and new price, competitor, reason, mode (applied, dry-run, failed…), error',
  key: 'id',
  since: 'created_at',
  timeZone: ALMATY,
  alias: 'c',
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'run_id', type: 'text' },
    { name: 'store', type: 'text', from: 's.merchant_id' },
    { name: 'sku', type: 'text' },
    { name: 'product_id', type: 'text' },
    {
      name: 'city',
      type: 'text',
      description: 'Kaspi city id decided for (the store’s city on rows from before cities)',
      from: sql`coalesce(c.city_id, s.city_id)`,
    },
    { name: 'old_price', type: 'decimal', scale: 0, description: 'the stored price before the decision' },
    { name: 'live_price', type: 'decimal', scale: 0, description: 'our offer on Kaspi at the decision (the decision starts from it)' },
    { name: 'new_price', type: 'decimal', scale: 0 },
    { name: 'competitor_price', type: 'decimal', scale: 0 },
    { name: 'competitor_merchant', type: 'text' },
    { name: 'reason', type: 'text' },
    { name: 'mode', type: 'text' },
    { name: 'error', type: 'text' },
  ],
  source: (db) => db.selectFrom('price_changes as c').innerJoin('kaspi_stores as s', 's.id', 'c.store_id'),
});

export const preorders = defineDataset({
  name: 'preorders',
  description: 'preorder rows as in Kaspi’s template: sku, model, brand, price, PP1–PP5, preorder days',
  key: 'id',
  alias: 'o',
  columns: [
    { name: 'sku', type: 'text' },
    { name: 'model', type: 'text' },
    { name: 'brand', type: 'text' },
    { name: 'price', type: 'decimal', scale: 0 },
    { name: 'pp1', type: 'text' },
    { name: 'pp2', type: 'text' },
    { name: 'pp3', type: 'text' },
    { name: 'pp4', type: 'text' },
    { name: 'pp5', type: 'text' },
    { name: 'preorder', type: 'integer', description: 'days 0–30', from: 'o.preorder_days' },
    { name: 'store', type: 'text', from: 's.merchant_id' },
    { name: 'id', type: 'integer' },
  ],
  source: (db) => db.selectFrom('preorders as o').innerJoin('kaspi_stores as s', 's.id', 'o.store_id'),
});

export const demperDatasets = [demperProducts, demperPriceChanges, preorders];
