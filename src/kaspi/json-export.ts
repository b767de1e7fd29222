// `export/kaspi/<id>-<city>.json` per scraped product and `export/kaspi/products.json` for all of
// them, each written to a temporary file and renamed, so a reader never sees half a file.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { listProducts } from './product.repository.js';
import type { ScrapeSuccess } from './scrape.service.js';
import { productExport, storedProductJson } from './scrape-record.js';

/** Writes JSON atomically: a temp file in the same folder, then rename over the target. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Writes the per-product files of this run and the full products.json; returns the folder. */
export async function exportScrape(db: Kysely<Database>, exportDir: string, successes: readonly ScrapeSuccess[]): Promise<string> {
  const dir = join(exportDir, 'kaspi');
  await mkdir(dir, { recursive: true });
  for (const r of successes) await writeJsonAtomic(join(dir, `${safeName(r.target.id)}-${safeName(r.target.city)}.json`), productExport(r));
  const all = await listProducts(db);
  await writeJsonAtomic(join(dir, 'products.json'), all.map(storedProductJson));
  return dir;
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}
