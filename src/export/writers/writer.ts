// The common shape of the four format writers, and the formats themselves.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Dataset } from '../dataset.js';
import type { Row } from '../pages.js';

export const FORMATS = ['csv', 'xlsx', 'json', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];

/** Streams one dataset into one byte stream, a page at a time. */
export interface RowWriter {
  /** Writes one page of rows; resolves when the stream can take more (backpressure). */
  writePage(rows: readonly Row[]): Promise<void>;
  /** Completes the document (closing bracket, XLSX directory…) and ends the stream. */
  finish(): Promise<void>;
}

export interface WriterOptions {
  /** CSV only: a BOM, `;` separators and decimal commas for Excel in ru/kz locales. */
  excel?: boolean;
}

/** Creates the writer for a format (the XLSX library is loaded only when needed). */
export async function createWriter(format: Format, dataset: Dataset, sink: Writable, options: WriterOptions = {}): Promise<RowWriter> {
  switch (format) {
    case 'csv':
      return new (await import('./csv.js')).CsvWriter(dataset, sink, Boolean(options.excel));
    case 'xlsx':
      return (await import('./xlsx.js')).createXlsxWriter(dataset, sink);
    case 'json':
    case 'ndjson':
      return new (await import('./json.js')).JsonWriter(dataset, sink, format === 'ndjson');
  }
}

/** Writes a chunk and waits for 'drain' when the stream's buffer is full. */
export async function writeWithBackpressure(sink: Writable, chunk: string | Buffer): Promise<void> {
  if (!sink.write(chunk)) await drained(sink);
}

/** Resolves on 'drain', rejects if the stream fails or closes first. */
export async function drained(sink: Writable): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([
      once(sink, 'drain', { signal: ac.signal }),
      once(sink, 'close', { signal: ac.signal }).then(() => {
        if (sink.writableNeedDrain) throw new Error('the output stream closed before all data was written');
      }),
    ]);
  } finally {
    ac.abort();
  }
}

/** Ends a stream and waits until everything is flushed. */
export async function endStream(sink: Writable): Promise<void> {
  if (sink.writableFinished) return;
  if (sink.destroyed) throw sink.errored ?? new Error('the output stream closed before the export finished');
  const done = once(sink, 'finish');
  sink.end();
  await done;
}
