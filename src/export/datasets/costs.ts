// Unit costs (sql/0021_unit_costs.sql) as an export dataset. Its first columns are the ones
// `mp costs import --file` reads (marketplace … currency), so a seller can export, edit in Excel and
// import back; the columns after them are ignored by the import. `mp costs export` writes it.
import { sql } from 'kysely';
import { defineDataset } from '../dataset.js';

export const unitCosts = defineDataset({
  name: 'unit-costs',
  description: 'unit costs with their first day: marketplace, product, cost, commission %, delivery, valid_from, currency (re-importable)',
  key: 'id',
  alias: 'c',
  columns: [
    { name: 'marketplace', type: 'text', description: 'kaspi or wb' },
    { name: 'product', type: 'text', description: 'Kaspi product code or SKU; WB nmId or vendor code' },
    { name: 'cost', type: 'decimal', scale: 2, description: 'one unit, in currency' },
    { name: 'commission_pct', type: 'decimal', scale: 2, show: 'percent', description: 'the product’s commission over the category table' },
    { name: 'delivery', type: 'decimal', scale: 2, description: 'per unit, where the marketplace gives none' },
    {
      name: 'valid_from',
      type: 'text',
      show: 'date',
      description: 'YYYY-MM-DD: in effect from this day (Almaty for kaspi, Moscow for wb)',
      from: sql`to_char(c.valid_from, 'YYYY-MM-DD')`,
    },
    { name: 'currency', type: 'text' },
    { name: 'source', type: 'text', description: 'set, or import <file>' },
    { name: 'updated_at', type: 'timestamp' },
    { name: 'id', type: 'integer' },
  ],
  source: (db) => db.selectFrom('unit_costs as c'),
});

export const costDatasets = [unitCosts];
