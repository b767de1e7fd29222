// XLSX through exceljs's streaming WorkbookWriter: rows are committed page by page and zipped as
// they go, so the workbook is never held in memory. One sheet made for a seller: a bold, frozen
// header with an autofilter in a named sans font (as every cell), numbers as numbers, money with a
// thousands format, percentages as percentages, times as date-time cells in the marketplace's zone
// (named in the header: `created_at (Asia/Almaty)`), YYYY-MM-DD days as dates, no paging-only
// columns, widths from the header and the first page of data, landscape printing one page wide.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Dataset, ExportColumn } from '../dataset.js';
import type { Row } from '../pages.js';
import { localWallClock, xlsxValue } from '../values.js';
import { drained, type RowWriter } from './writer.js';

const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const DATE_FORMAT = 'yyyy-mm-dd';
const MAX_WIDTH = 60;
const COMMIT_EVERY = 500;
/** Arial: on every office suite's list (LibreOffice maps it to Liberation Sans, a metric twin). */
export const SHEET_FONT = { name: 'Arial', family: 2, size: 10 } as const;

export function numberFormat(column: ExportColumn): string | undefined {
  const fraction = (scale: number) => (scale > 0 ? `.${'0'.repeat(scale)}` : '');
  if (column.show === 'date') return DATE_FORMAT;
  if (column.type === 'decimal' && column.show === 'percent') return `0${fraction(column.scale ?? 0)}%`;
  if (column.type === 'decimal') return `#,##0${fraction(column.scale ?? 2)}`;
  if (column.type === 'integer') return '0';
  if (column.type === 'timestamp') return DATE_TIME_FORMAT;
  return undefined;
}

/** One column of the sheet: the dataset's column, its header and how a value is written. */
export interface SheetColumn {
  column: ExportColumn;
  header: string;
  value(raw: unknown): string | number | boolean | Date | null;
}

/**
 * The sheet's columns: the dataset's without paging-only ones; a time column's header names the zone
 * its cells are in (the dataset's zone, else UTC).
 */
export function sheetColumns(dataset: Dataset): SheetColumn[] {
  const zone = dataset.timeZone ?? 'UTC';
  const wallClock = localWallClock(zone);
  return dataset.columns
    .filter((c) => !c.internal)
    .map((column) => ({
      column,
      header: column.type === 'timestamp' ? `${column.name} (${zone})` : column.name,
      value: (raw: unknown) => xlsxValue(column, raw, wallClock),
    }));
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
  if (column.type === 'timestamp') return DATE_TIME_FORMAT.length;
  if (column.show === 'date') return DATE_FORMAT.length;
  if (column.show === 'percent') return String(value).length + 2;
  if (column.type === 'decimal' || column.type === 'integer') {
    // Digits plus thousands separators (and the fraction).
    const digits = String(value).split('.')[0]!.replace('-', '').length;
    return digits + Math.floor((digits - 1) / 3) + (column.scale ? column.scale + 1 : 0) + 1;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length;
}

/** Widths from the header and a sample of rows, between 6 and 60 characters. */
export function columnWidths(columns: readonly SheetColumn[], sample: readonly Row[]): number[] {
  return columns.map(({ column: c, header }) => {
    let width = header.length + 3; // room for the autofilter button
    for (const row of sample) width = Math.max(width, shownLength(c, row[c.name]) + 1);
    // exceljs treats a width of exactly 9 as "default" and drops it from the file.
    return Math.min(MAX_WIDTH, Math.max(6, width === 9 ? 10 : width));
  });
}

export function createXlsxWriter(dataset: Dataset, sink: Writable): RowWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName(dataset.name), {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
    // Printed landscape, every column on one page's width, as many pages down as it takes.
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const columns = sheetColumns(dataset);
  const last = columnLetter(columns.length);
  sheet.autoFilter = `A1:${last}1`;
  let started = false;

  // One style object per column, shared by all its cells: exceljs caches a style's id by object
  // identity, so a fresh object per cell would cost a style lookup (XML + hash) per cell.
  const styles: Partial<ExcelJS.Style>[] = columns.map(({ column }) => {
    const numFmt = numberFormat(column);
    return numFmt ? { font: SHEET_FONT, numFmt } : { font: SHEET_FONT };
  });
  const headerStyle: Partial<ExcelJS.Style> = { font: { ...SHEET_FONT, bold: true } };
  const start = (sample: readonly Row[]) => {
    const widths = columnWidths(columns, sample);
    sheet.columns = columns.map(({ column }, i) => ({ key: column.name, width: widths[i], style: styles[i] }));
    const header = sheet.addRow(columns.map((c) => c.header));
    header.eachCell((cell) => {
      cell.style = headerStyle;
    });
    header.commit();
    started = true;
  };

  return {
    async writePage(rows) {
      if (!started) start(rows);
      let row: ExcelJS.Row | undefined;
      for (let r = 0; r < rows.length; r++) {
        const record = rows[r]!;
        row = sheet.addRow(columns.map((c) => c.value(record[c.column.name])));
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
