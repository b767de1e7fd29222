// `export/kaspi/<id>-<city>.json` per scraped product and `export/kaspi/products.json` for all of
// them, each written to a temporary file and renamed, so a reader never sees half a file.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { prepareOutputDir } from '../core/dirs.js';
import { UserError } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import { productPages } from './product.repository.js';
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
  try {
    prepareOutputDir(dir, 'the export folder');
  } catch (error) {
    throw exportFailed(dir, error);
  }
  return dir;
}

/** `<dir>/<id>-<city>.json`: the product as scraped, with its offers. */
export function exportProduct(dir: string, r: ScrapeSuccess): void {
  const path = join(dir, `${safeName(r.target.id)}-${safeName(r.target.city)}.json`);
  try {
    writeJsonAtomic(path, productExport(r));
  } catch (error) {
    throw exportFailed(path, error);
  }
}

/**
 * Writes a JSON array atomically from pages of items, one page in memory at a time: the same text as
 * `JSON.stringify(items, null, 2)` plus a newline, in a temp file renamed over the target at the end.
 */
export async function writeJsonArrayAtomic(path: string, pages: AsyncIterable<unknown[]>): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    let count = 0;
    for await (const page of pages) {
      if (page.length === 0) continue;
      let text = '';
      for (const item of page) {
        // Each item indented one level inside the array, as JSON.stringify(array, null, 2) does.
        text += `${count++ === 0 ? '[\n' : ',\n'}  ${JSON.stringify(item, null, 2).replaceAll('\n', '\n  ')}`;
      }
      writeSync(fd, text);
    }
    writeSync(fd, count === 0 ? '[]\n' : '\n]\n');
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** `<dir>/products.json`: every stored product (without offers), streamed a page at a time. */
export async function exportAllProducts(db: Kysely<Database>, dir: string): Promise<void> {
  const path = join(dir, 'products.json');
  async function* items(): AsyncGenerator<unknown[]> {
    for await (const rows of productPages(db)) yield rows.map(storedProductJson);
  }
  try {
    await writeJsonArrayAtomic(path, items());
  } catch (error) {
    // Only a file-system error is the user's to fix; a database error stays what it is.
    if ((error as NodeJS.ErrnoException).syscall) throw exportFailed(path, error);
    throw error;
  }
}

/** A folder or file that cannot be written is the user's to fix, not a bug: one line, exit 1. */
function exportFailed(path: string, error: unknown): UserError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new UserError(
    'KASPI_EXPORT_FAILED',
    `cannot write the export ${path} (${reason}): check --export-dir (MP_KASPI_EXPORT_DIR for the job), its permissions and free space`,
    {
      cause: error,
    },
  );
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}
