// Preorders: rows edited with add/set/remove or imported from Kaspi's Excel template, written back
// to that template, and uploaded to the merchant cabinet.
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import { prepareOutputDir } from '../core/dirs.js';
import { UsageError, UserError } from '../core/errors.js';
import { readTableFile } from '../core/table-file.js';
import type { TextEncoding } from '../core/text-decode.js';
import type { Database } from '../db/schema.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { buildPreorderWorkbook, parsePreorderRecord, TEMPLATE_HEADER } from './preorder-file.js';
import {
  deletePreorders,
  findManagedProduct,
  listPreordersWithProducts,
  type PreorderInput,
  type PreorderRow,
  type PreorderWithProduct,
  upsertPreorders,
} from './preorders.repository.js';

export interface PreorderFields {
  model?: string;
  brand?: string;
  price?: string;
  pp1?: string;
  pp2?: string;
  pp3?: string;
  pp4?: string;
  pp5?: string;
  preorder?: string;
}

export function rowToInput(r: PreorderRow): PreorderInput {
  return {
    sku: r.sku,
    model: r.model,
    brand: r.brand,
    price: r.price === null ? null : Number(r.price),
    pp: [r.pp1, r.pp2, r.pp3, r.pp4, r.pp5],
    preorderDays: r.preorder_days,
  };
}

type ManagedProduct = { price: string | null; enabled: boolean | null; name?: string | null; brand?: string | null };

/** Whether a SKU's price is the repricer's: its product is under management (enabled) with a known price. */
export function isManaged(p: ManagedProduct | undefined | null): p is ManagedProduct & { price: string } {
  return !!p && p.enabled === true && p.price !== null;
}

/**
 * The price the template file states for a row: the managed product's current price (the repricer's,
 * so an upload never undoes it), else the row's own, else a disabled product's last known price; null
 * when none is known.
 */
export function filePrice(row: PreorderWithProduct): { price: number; from: 'repricer' | 'own' | 'product' } | null {
  const product = { price: row.product_price, enabled: row.product_enabled };
  if (isManaged(product)) return { price: Number(product.price), from: 'repricer' };
  if (row.price !== null) return { price: Number(row.price), from: 'own' };
  if (row.product_price !== null) return { price: Number(row.product_price), from: 'product' };
  return null;
}

export interface SavedPreorder {
  input: PreorderInput;
  /** Things the seller should know (a --price the file will not use). */
  warnings: string[];
}

/**
 * Adds (or replaces) one preorder row after the same validation as an imported file row. A SKU under
 * price management needs no --price (the file takes the product's current price) and takes the
 * product's name and brand when --model/--brand are not given.
 */
export async function addPreorder(db: Kysely<Database>, store: StoreRow, sku: string, f: PreorderFields): Promise<SavedPreorder> {
  const product = await findManagedProduct(db, store.id, sku);
  const managed = isManaged(product);
  const base = managed ? { model: product.name ?? '', brand: product.brand ?? '' } : undefined;
  const input = validate(sku, { model: base?.model || undefined, brand: base?.brand || undefined, ...defined(f) }, undefined, managed);
  const warnings: string[] = [];
  if (managed && input.price !== null) {
    warnings.push(`${sku} is under price management: the file takes its current price (${Number(product.price)}), not --price ${input.price}`);
    input.price = null;
  }
  await upsertPreorders(db, store.id, [input]);
  return { input, warnings };
}

/** Changes the given fields of existing preorder rows; returns how many, and warnings as addPreorder does. */
export async function setPreorders(db: Kysely<Database>, store: StoreRow, skus: string[], f: PreorderFields): Promise<{ updated: number; warnings: string[] }> {
  const rows = (await listPreordersWithProducts(db, store.id)).filter((r) => skus.includes(r.sku));
  const missing = skus.filter((s) => !rows.some((r) => r.sku === s));
  if (missing.length > 0) throw new UserError('PREORDER_UNKNOWN_SKU', `no preorder for SKU ${missing.join(', ')}: add it with \`mp preorders add\``);
  const warnings: string[] = [];
  const inputs = rows.map((r) => {
    const managed = isManaged({ price: r.product_price, enabled: r.product_enabled });
    const input = validate(r.sku, f, rowToInput(r), managed);
    if (managed && input.price !== null) {
      if (f.price !== undefined)
        warnings.push(`${r.sku} is under price management: the file takes its current price (${Number(r.product_price)}), not --price ${input.price}`);
      input.price = null;
    }
    return input;
  });
  await db.transaction().execute((trx) => upsertPreorders(trx, store.id, inputs));
  return { updated: inputs.length, warnings };
}

function defined(f: PreorderFields): PreorderFields {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as PreorderFields;
}

function validate(sku: string, f: PreorderFields, base: PreorderInput | undefined, managed = false): PreorderInput {
  const pp = [f.pp1, f.pp2, f.pp3, f.pp4, f.pp5];
  const values: Record<string, string> = {
    sku,
    model: f.model ?? base?.model ?? '',
    brand: f.brand ?? base?.brand ?? '',
    price: f.price ?? (base?.price != null ? String(base.price) : ''),
    preorder: f.preorder ?? (base ? String(base.preorderDays) : '0'),
  };
  pp.forEach((v, i) => {
    values[`pp${i + 1}`] = v ?? base?.pp[i] ?? '';
  });
  const { input, problems } = parsePreorderRecord(values, { priceOptional: managed });
  if (!input) {
    const hint = !managed && values.price === '' ? " (a SKU under price management, `mp demper products`, needs none: it takes the product's price)" : '';
    throw new UsageError('PREORDER_INVALID', `${sku}: ${problems.join('; ')}${hint}`);
  }
  return input;
}

/** The store's preorder rows (or every store's) with the price the file states and where it comes from. */
export async function listStorePreorders(db: Kysely<Database>, store: StoreRow | undefined) {
  return (await listPreordersWithProducts(db, store?.id)).map((r) => ({ row: r, file: filePrice(r) }));
}

export async function removePreorders(db: Kysely<Database>, store: StoreRow, skus: string[]): Promise<number> {
  return deletePreorders(db, store.id, skus);
}

/**
 * Writes the store's preorders as Kaspi's template (temp file + rename) with each row's file price
 * (the managed product's current price first); a row with no price known refuses the whole file.
 * Returns the row count and how many took the repricer's price.
 */
export async function exportPreorders(db: Kysely<Database>, store: StoreRow, path: string): Promise<{ rows: number; fromRepricer: number }> {
  const rows = await listPreordersWithProducts(db, store.id);
  const priced = rows.map((r) => ({ r, file: filePrice(r) }));
  const unpriced = priced.filter((p) => p.file === null).map((p) => p.r.sku);
  if (unpriced.length > 0) {
    throw new UserError(
      'PREORDER_NO_PRICE',
      `no price for ${unpriced.join(', ')}: not under price management (any more) and no price of its own; set one with \`mp preorders set ${unpriced[0]} --price …\`; no file written`,
    );
  }
  const buffer = await buildPreorderWorkbook(priced.map(({ r, file }) => ({ ...rowToInput(r), price: file!.price })));
  prepareOutputDir(dirname(path), 'the folder of the template');
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, buffer);
  await rename(tmp, path);
  return { rows: rows.length, fromRepricer: priced.filter((p) => p.file!.from === 'repricer').length };
}

/**
 * Imports a template file; a bad row rejects the whole file with its row number. A SKU under price
 * management keeps no price of its own (the file's is ignored: the next file takes the product's).
 */
export async function importPreorders(
  db: Kysely<Database>,
  store: StoreRow,
  path: string,
  o: { encoding?: TextEncoding } = {},
): Promise<{ imported: number; managed: number }> {
  const table = await readTableFile(path, { encoding: o.encoding });
  const missing = TEMPLATE_HEADER.filter((h) => !table.headers.includes(h.toLowerCase()));
  if (missing.length > 0) {
    throw new UserError('PREORDER_FILE_HEADER', `${path}: missing column(s) ${missing.join(', ')}; the header is ${TEMPLATE_HEADER.join(', ')}`);
  }
  const inputs: PreorderInput[] = [];
  const problems: string[] = [];
  for (const record of table.records) {
    const { input, problems: p } = parsePreorderRecord(record.values);
    if (input) inputs.push(input);
    else problems.push(`row ${record.row}: ${p.join('; ')}`);
  }
  if (problems.length > 0) throw new UserError('PREORDER_FILE_INVALID', `${path}: nothing imported, fix these rows: ${problems.slice(0, 20).join(' | ')}`);
  let managed = 0;
  await db.transaction().execute(async (trx) => {
    for (const input of inputs) {
      if (isManaged(await findManagedProduct(trx, store.id, input.sku))) {
        input.price = null;
        managed++;
      }
    }
    await upsertPreorders(trx, store.id, inputs);
  });
  return { imported: inputs.length, managed };
}
