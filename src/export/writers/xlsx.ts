// XLSX through exceljs's streaming WorkbookWriter: rows are committed page by page and zipped as
// they go, so the workbook is never held in memory. One sheet; a bold, frozen header with an
// autofilter; numbers as numbers, money with a thousands format, times as dates; column widths
// from the header and the first page of data.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Dataset, ExportColumn } from '../dataset.js';
import type { Row } from '../pages.js';
import { xlsxValue } from '../values.js';
import { drained, type RowWriter } from './writer.js';

const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const MAX_WIDTH = 60;
const COMMIT_EVERY = 500;

export function numberFormat(column: ExportColumn): string | undefined {
  if (column.type === 'decimal') {
    const scale = column.scale ?? 2;
    return scale > 0 ? `#,##0.${'0'.repeat(scale)}` : '#,##0';
  }
  if (column.type === 'integer') return '0';
  if (column.type === 'timestamp') return DATE_FORMAT;
  return undefined;
}

/** Spreadsheet column letters: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

/** Sheet names: at most 31 characters, none of []:*?/\ */
export function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'data';
}

function shownLength(column: ExportColumn, value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (column.type === 'timestamp') return DATE_FORMAT.length;
  if (column.type === 'decimal' || column.type === 'integer') {
    // Digits plus thousands separators (and the fraction).
    const digits = String(value).split('.')[0]!.replace('-', '').length;
    return digits + Math.floor((digits - 1) / 3) + (column.scale ? column.scale + 1 : 0) + 1;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length;
}

/** Widths from the header and a sample of rows, between 6 and 60 characters. */
export function columnWidths(dataset: Dataset, sample: readonly Row[]): number[] {
  return dataset.columns.map((c) => {
    let width = c.name.length + 3; // room for the autofilter button
    for (const row of sample) width = Math.max(width, shownLength(c, row[c.name]) + 1);
    // exceljs treats a width of exactly 9 as "default" and drops it from the file.
    return Math.min(MAX_WIDTH, Math.max(6, width === 9 ? 10 : width));
  });
}

export function createXlsxWriter(dataset: Dataset, sink: Writable): RowWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName(dataset.name), { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  const last = columnLetter(dataset.columns.length);
  sheet.autoFilter = `A1:${last}1`;
  let started = false;

  // One style object per column, shared by all its cells: exceljs caches a style's id by object
  // identity, so a fresh object per cell would cost a style lookup (XML + hash) per cell.
  const styles = dataset.columns.map((c) => {
    const numFmt = numberFormat(c);
    return numFmt ? { numFmt } : {};
  });
  const start = (sample: readonly Row[]) => {
    const widths = columnWidths(dataset, sample);
    sheet.columns = dataset.columns.map((c, i) => ({ key: c.name, width: widths[i], style: styles[i] }));
    const header = sheet.addRow(dataset.columns.map((c) => c.name));
    header.eachCell((cell) => {
      cell.style = { font: { bold: true } };
    });
    header.commit();
    started = true;
  };

  return {
    async writePage(rows) {
      if (!started) start(rows);
      let row: ExcelJS.Row | undefined;
      const columns = dataset.columns;
      for (let r = 0; r < rows.length; r++) {
        const record = rows[r]!;
        row = sheet.addRow(columns.map((c) => xlsxValue(c, record[c.name])));
        for (let i = 0; i < columns.length; i++) row.getCell(i + 1).style = styles[i]!;
        // Committing a row writes it (and every row before it) as XML and frees its cell objects:
        // done every few hundred rows, the uncommitted rows never add up to much memory.
        if (r % COMMIT_EVERY === COMMIT_EVERY - 1) row.commit();
      }
      row?.commit();
      await zipBackpressure(sheet);
      if (sink.writableNeedDrain) await drained(sink);
    },
    async finish() {
      if (!started) start([]);
      sheet.commit();
      await workbook.commit();
    },
  };
}

const ZIP_BUFFER_LIMIT = 4 * 1024 * 1024;

/**
 * exceljs's sheet stream (a StreamBuf) writes into the zip without honouring backpressure, so when
 * rows come faster than they are deflated the zip's input buffer grows without bound. Wait for the
 * zip's input to drain below a few MB before the next page.
 */
async function zipBackpressure(sheet: ExcelJS.Worksheet): Promise<void> {
  // The zip's input is a readable-stream PassThrough: its buffered bytes are in _writableState.
  type ZipInput = Writable & { _writableState?: { length: number } };
  const pipes = (sheet as unknown as { stream?: { pipes?: ZipInput[] } }).stream?.pipes ?? [];
  for (const pipe of pipes) {
    while ((pipe._writableState?.length ?? 0) > ZIP_BUFFER_LIMIT && !pipe.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          pipe.off('drain', done);
          resolve();
        };
        // The zip's input may not emit 'drain' (nobody asked it to): check again shortly either way.
        const timer = setTimeout(done, 20);
        pipe.once('drain', done);
      });
    }
  }
  await new Promise((resolve) => setImmediate(resolve));
}
