// `export/kaspi/<id>-<city>.json` per scraped product and `export/kaspi/products.json` for all of
// them, each written to a temporary file and renamed, so a reader never sees half a file.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { listProducts } from './product.repository.js';
import type { ScrapeSuccess } from './scrape.service.js';
import { productExport, storedProductJson } from './scrape-record.js';

/**
 * Writes JSON atomically: a temp file in the same folder, then rename over the target. Synchronous
 * on purpose: the files are small, and the promise API costs more CPU per file than the write itself.
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Creates `<exportDir>/kaspi` and returns it. */
export function kaspiExportDir(exportDir: string): string {
  const dir = join(exportDir, 'kaspi');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `<dir>/<id>-<city>.json`: the product as scraped, with its offers. */
export function exportProduct(dir: string, r: ScrapeSuccess): void {
  writeJsonAtomic(join(dir, `${safeName(r.target.id)}-${safeName(r.target.city)}.json`), productExport(r));
}

/** `<dir>/products.json`: every stored product (without offers). */
export async function exportAllProducts(db: Kysely<Database>, dir: string): Promise<void> {
  writeJsonAtomic(join(dir, 'products.json'), (await listProducts(db)).map(storedProductJson));
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}
