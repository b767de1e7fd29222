// Runs one export: keyset pages from the database → a format writer → a temp file renamed into
// place (or stdout). Nothing is held beyond about two pages of rows.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Dataset } from './dataset.js';
import type { Condition } from './filters.js';
import type { OutputTarget } from './output-target.js';
import { DEFAULT_PAGE_SIZE, keysetPages } from './pages.js';
import { createWriter, type Format } from './writers/writer.js';

export interface ExportRequest {
  dataset: Dataset;
  format: Format;
  target: OutputTarget;
  conditions: readonly Condition[];
  /** CSV for Excel in ru/kz locales (BOM, `;`, decimal comma). */
  excel?: boolean;
  pageSize?: number;
  /** Called after each page with the running row count. */
  onProgress?: (rows: number) => void;
}

export interface ExportResult {
  dataset: string;
  format: Format;
  /** The file written, or null for stdout. */
  file: string | null;
  rows: number;
  ms: number;
}

/** Streams a dataset into the target; on any failure the target is aborted (no file) and the error rethrown. */
export async function exportDataset(db: Kysely<Database>, request: ExportRequest): Promise<ExportResult> {
  const started = Date.now();
  const { dataset, format, target } = request;
  let rows = 0;
  try {
    const writer = await createWriter(format, dataset, target.stream, { excel: request.excel });
    // A write error (disk full, closed pipe) surfaces through the writer's awaits; keep the
    // stream's 'error' event from crashing the process meanwhile.
    let streamError: unknown;
    target.stream.on('error', (error) => {
      streamError ??= error;
    });
    for await (const page of keysetPages(db, dataset, request.conditions, request.pageSize ?? DEFAULT_PAGE_SIZE)) {
      if (streamError) throw streamError;
      await writer.writePage(page);
      rows += page.length;
      request.onProgress?.(rows);
    }
    await writer.finish();
    if (streamError) throw streamError;
    await target.commit();
  } catch (error) {
    await target.abort();
    throw error;
  }
  return { dataset: dataset.name, format, file: target.path, rows, ms: Date.now() - started };
}
