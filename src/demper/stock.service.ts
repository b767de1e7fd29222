// `mp demper stock import`: stock per point of sale from a CSV/XLSX file, all or nothing. Two shapes
// are read, by header: one row per SKU with a column per point (`sku, PP1, PP2, …`, as Kaspi's Excel
// price list has them: extra columns such as model or price are ignored), or one row per SKU and
// point (`sku, point, stock`). A SKU in the file gets exactly the points the file gives it (an empty
// cell: that point is not stated); SKUs not in the file keep theirs. In the price list a point with
// stock 0 is `available="no"`, with stock n `available="yes" stockCount="n"`.
import type { Kysely } from 'kysely';
import { UserError } from '../core/errors.js';
import { readTableFile, type Table } from '../core/table-file.js';
import type { TextEncoding } from '../core/text-decode.js';
import { forbiddenCharacter } from '../core/validate.js';
import type { Database } from '../db/schema.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { listProducts } from './products.repository.js';
import { replaceStock, type StockRow } from './stock.repository.js';
import { MAX_SKU_LENGTH } from './xml-feed.js';

/** The largest stock count accepted (a typo such as 1e12 is refused, not stored). */
const MAX_STOCK = 1_000_000_000;

export interface StockImport {
  file: string;
  /** SKUs whose stock the file set. */
  skus: number;
  /** Point rows written. */
  points: number;
  /** SKUs in the file that are not (yet) under management in this store: their stock is kept for when they are. */
  not_managed: string[];
}

/** Reads, checks every row (a bad row rejects the file, naming each problem and its row), then writes in one transaction. */
export async function importStockFile(
  db: Kysely<Database>,
  store: StoreRow,
  path: string,
  now: Date,
  o: { encoding?: TextEncoding } = {},
): Promise<StockImport> {
  const table = await readTableFile(path, { encoding: o.encoding });
  const { rows, skus } = parseStockTable(table, path);
  const managed = new Set((await listProducts(db, { storeId: store.id })).map((p) => p.sku));
  await db.transaction().execute((trx) => replaceStock(trx, store.id, skus, rows, now));
  return { file: path, skus: skus.length, points: rows.length, not_managed: skus.filter((s) => !managed.has(s)) };
}

/** The stock rows of a table (pure); throws DEMPER_STOCK_* naming every problem. */
export function parseStockTable(table: Table, path: string): { rows: StockRow[]; skus: string[] } {
  if (!table.headers.includes('sku')) throw new UserError('DEMPER_STOCK_HEADER', `${path}: no "sku" column; the header is sku,PP1,PP2,… or sku,point,stock`);
  const long = table.headers.includes('point') && table.headers.includes('stock');
  const pointColumns = table.headers.filter((h) => /^pp[1-9]\d{0,2}$/.test(h));
  if (!long && pointColumns.length === 0) {
    throw new UserError('DEMPER_STOCK_HEADER', `${path}: no point-of-sale column; the header is sku,PP1,PP2,… (a column per point) or sku,point,stock`);
  }
  const rows: StockRow[] = [];
  const problems: string[] = [];
  const skuRow = new Map<string, number>();
  const pointRow = new Map<string, number>();
  for (const record of table.records) {
    const v = record.values;
    const rowProblems: string[] = [];
    const sku = v.sku ?? '';
    if (!sku) rowProblems.push('sku is empty');
    else if (sku.length > MAX_SKU_LENGTH) rowProblems.push(`sku is longer than ${MAX_SKU_LENGTH} characters`);
    const bad = forbiddenCharacter(sku);
    if (bad) rowProblems.push(`sku must not contain ${bad}`);
    const found: StockRow[] = [];
    if (long) {
      const point = (v.point ?? '').toUpperCase();
      if (!/^PP[1-9]\d{0,2}$/.test(point)) rowProblems.push(`point must be a point of sale like PP1, got "${v.point ?? ''}"`);
      const stock = count(v.stock ?? '', 'stock', rowProblems, true);
      if (stock !== undefined) found.push({ sku, point, stock });
      const key = `${sku}\u0000${point}`;
      const first = pointRow.get(key);
      if (sku && first !== undefined) rowProblems.push(`${sku} at ${point} already appears on row ${first}`);
      pointRow.set(key, record.row);
    } else {
      for (const column of pointColumns) {
        const stock = count(v[column] ?? '', column.toUpperCase(), rowProblems, false);
        if (stock !== undefined) found.push({ sku, point: column.toUpperCase(), stock });
      }
      const first = skuRow.get(sku);
      if (sku && first !== undefined) rowProblems.push(`sku "${sku}" already appears on row ${first}`);
    }
    if (sku && !skuRow.has(sku)) skuRow.set(sku, record.row);
    if (rowProblems.length > 0) problems.push(`row ${record.row}: ${rowProblems.join('; ')}`);
    else rows.push(...found);
  }
  if (problems.length > 0) {
    const more = problems.length > 20 ? ` (and ${problems.length - 20} more)` : '';
    throw new UserError('DEMPER_STOCK_INVALID', `${path}: nothing imported, fix these rows: ${problems.slice(0, 20).join(' | ')}${more}`, {
      details: { problems },
    });
  }
  if (skuRow.size === 0) throw new UserError('DEMPER_STOCK_EMPTY', `${path} has no stock rows under its header`);
  return { rows, skus: [...skuRow.keys()] };
}

/** A stock cell: a whole number 0…1e9 ("5", "5.0"); empty is undefined (required: a problem). */
function count(text: string, name: string, problems: string[], required: boolean): number | undefined {
  const t = text.trim().replace(/\s/g, '');
  if (t === '') {
    if (required) problems.push(`${name} is empty`);
    return undefined;
  }
  if (!/^\d{1,10}(\.0+)?$/.test(t) || Number(t) > MAX_STOCK) {
    const hint = /^(yes|no|да|нет)$/i.test(t) ? ' (yes/no belong in preorder rows: `mp preorders`)' : '';
    problems.push(`${name} must be a whole stock count 0–${MAX_STOCK}, got "${text}"${hint}`);
    return undefined;
  }
  return Number(t);
}
