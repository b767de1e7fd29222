// Repricing and preorders (sql/0005_demper.sql) as export datasets. `demper-products` has the
// columns `mp demper products import --file` reads (sku … strategy) first, so a seller can export,
// edit in Excel and import back; the extra columns after them are ignored by the import.
import { sql } from 'kysely';
import { defineDataset } from '../dataset.js';

export const demperProducts = defineDataset({
  name: 'demper-products',
  description: 'products under price management: sku, product, price, min, max, step, strategy (re-importable)',
  key: 'id',
  columns: [
    { name: 'sku', type: 'text' },
    { name: 'product_id', type: 'text', description: 'Kaspi master product id' },
    { name: 'name', type: 'text' },
    { name: 'price', type: 'decimal', scale: 0 },
    { name: 'min_price', type: 'decimal', scale: 0 },
    { name: 'max_price', type: 'decimal', scale: 0 },
    { name: 'step', type: 'decimal', scale: 0 },
    { name: 'strategy', type: 'text', description: 'undercut, match, hold or top-<N>' },
    { name: 'store', type: 'text', description: 'merchant id' },
    { name: 'enabled', type: 'boolean' },
    { name: 'last_reason', type: 'text' },
    { name: 'last_checked_at', type: 'timestamp' },
    { name: 'id', type: 'integer' },
  ],
  query: (db) =>
    db
      .selectFrom('demper_products as p')
      .innerJoin('kaspi_stores as s', 's.id', 'p.store_id')
      .select([
        'p.sku as sku',
        'p.product_id as product_id',
        'p.name as name',
        'p.price as price',
        'p.min_price as min_price',
        'p.max_price as max_price',
        'p.step as step',
        sql<string>`case when p.strategy = 'top-n' then 'top-' || coalesce(p.top_n, 3) else p.strategy end`.as('strategy'),
        's.merchant_id as store',
        'p.enabled as enabled',
        'p.last_reason as last_reason',
        'p.last_checked_at as last_checked_at',
        'p.id as id',
      ]),
});

export const demperPriceChanges = defineDataset({
  name: 'demper-price-changes',
  description: 'every repricing decision: old and new price, competitor, reason, mode (applied, dry-run, failed…), error',
  key: 'id',
  since: 'created_at',
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'run_id', type: 'text' },
    { name: 'store', type: 'text' },
    { name: 'sku', type: 'text' },
    { name: 'product_id', type: 'text' },
    { name: 'old_price', type: 'decimal', scale: 0 },
    { name: 'new_price', type: 'decimal', scale: 0 },
    { name: 'competitor_price', type: 'decimal', scale: 0 },
    { name: 'competitor_merchant', type: 'text' },
    { name: 'reason', type: 'text' },
    { name: 'mode', type: 'text' },
    { name: 'error', type: 'text' },
  ],
  query: (db) =>
    db
      .selectFrom('price_changes as c')
      .innerJoin('kaspi_stores as s', 's.id', 'c.store_id')
      .select([
        'c.id as id',
        'c.created_at as created_at',
        'c.run_id as run_id',
        's.merchant_id as store',
        'c.sku as sku',
        'c.product_id as product_id',
        'c.old_price as old_price',
        'c.new_price as new_price',
        'c.competitor_price as competitor_price',
        'c.competitor_merchant as competitor_merchant',
        'c.reason as reason',
        'c.mode as mode',
        'c.error as error',
      ]),
});

export const preorders = defineDataset({
  name: 'preorders',
  description: 'preorder rows as in Kaspi’s template: sku, model, brand, price, PP1–PP5, preorder days',
  key: 'id',
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
    { name: 'preorder', type: 'integer', description: 'days 0–30' },
    { name: 'store', type: 'text' },
    { name: 'id', type: 'integer' },
  ],
  query: (db) =>
    db
      .selectFrom('preorders as o')
      .innerJoin('kaspi_stores as s', 's.id', 'o.store_id')
      .select([
        'o.sku as sku',
        'o.model as model',
        'o.brand as brand',
        'o.price as price',
        'o.pp1 as pp1',
        'o.pp2 as pp2',
        'o.pp3 as pp3',
        'o.pp4 as pp4',
        'o.pp5 as pp5',
        'o.preorder_days as preorder',
        's.merchant_id as store',
        'o.id as id',
      ]),
});

export const demperDatasets = [demperProducts, demperPriceChanges, preorders];
