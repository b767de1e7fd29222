// Preorders: rows edited with add/set/remove or imported from Kaspi's Excel template, written back
// to that template, and uploaded to the merchant cabinet.
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import { prepareOutputDir } from '../core/dirs.js';
import { UsageError, UserError } from '../core/errors.js';
import { readTableFile } from '../core/table-file.js';
import type { Database } from '../db/schema.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { buildPreorderWorkbook, parsePreorderRecord, TEMPLATE_HEADER } from './preorder-file.js';
import { deletePreorders, findPreorders, listPreorders, type PreorderInput, type PreorderRow, upsertPreorders } from './preorders.repository.js';

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
  return { sku: r.sku, model: r.model, brand: r.brand, price: Number(r.price), pp: [r.pp1, r.pp2, r.pp3, r.pp4, r.pp5], preorderDays: r.preorder_days };
}

/** Adds (or replaces) one preorder row after the same validation as an imported file row. */
export async function addPreorder(db: Kysely<Database>, store: StoreRow, sku: string, f: PreorderFields): Promise<PreorderInput> {
  const input = validate(sku, f, undefined);
  await upsertPreorders(db, store.id, [input]);
  return input;
}

/** Changes the given fields of existing preorder rows. */
export async function setPreorders(db: Kysely<Database>, store: StoreRow, skus: string[], f: PreorderFields): Promise<number> {
  const rows = await findPreorders(db, store.id, skus);
  const missing = skus.filter((s) => !rows.some((r) => r.sku === s));
  if (missing.length > 0) throw new UserError('PREORDER_UNKNOWN_SKU', `no preorder for SKU ${missing.join(', ')}: add it with \`mp preorders add\``);
  const inputs = rows.map((r) => validate(r.sku, f, rowToInput(r)));
  await db.transaction().execute((trx) => upsertPreorders(trx, store.id, inputs));
  return inputs.length;
}

function validate(sku: string, f: PreorderFields, base: PreorderInput | undefined): PreorderInput {
  const pp = [f.pp1, f.pp2, f.pp3, f.pp4, f.pp5];
  const values: Record<string, string> = {
    sku,
    model: f.model ?? base?.model ?? '',
    brand: f.brand ?? base?.brand ?? '',
    price: f.price ?? (base ? String(base.price) : ''),
    preorder: f.preorder ?? (base ? String(base.preorderDays) : '0'),
  };
  pp.forEach((v, i) => {
    values[`pp${i + 1}`] = v ?? base?.pp[i] ?? '';
  });
  const { input, problems } = parsePreorderRecord(values);
  if (!input) throw new UsageError('PREORDER_INVALID', `${sku}: ${problems.join('; ')}`);
  return input;
}

export async function listStorePreorders(db: Kysely<Database>, store: StoreRow | undefined): Promise<PreorderRow[]> {
  return listPreorders(db, store?.id);
}

export async function removePreorders(db: Kysely<Database>, store: StoreRow, skus: string[]): Promise<number> {
  return deletePreorders(db, store.id, skus);
}

/** Writes the store's preorders as Kaspi's template (temp file + rename); returns the row count. */
export async function exportPreorders(db: Kysely<Database>, store: StoreRow, path: string): Promise<number> {
  const rows = (await listPreorders(db, store.id)).map(rowToInput);
  const buffer = await buildPreorderWorkbook(rows);
  prepareOutputDir(dirname(path), 'the folder of the template');
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, buffer);
  await rename(tmp, path);
  return rows.length;
}

/** Imports a template file; a bad row rejects the whole file with its row number. */
export async function importPreorders(db: Kysely<Database>, store: StoreRow, path: string): Promise<number> {
  const table = await readTableFile(path);
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
  await db.transaction().execute((trx) => upsertPreorders(trx, store.id, inputs));
  return inputs.length;
}
