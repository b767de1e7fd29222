// Reads an exported file back into JSON-shaped rows (the way `--format json` writes them), using
// the dataset's column types, so every format can be compared with every other.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { normalizeDecimal } from '../../src/core/money.js';
import { fractionToPoints } from '../../src/core/percent.js';
import { fromZoned } from '../../src/core/time.js';
import type { Dataset, ExportColumn } from '../../src/export/dataset.js';
import type { Format } from '../../src/export/writers/writer.js';
import { sheetColumns } from '../../src/export/writers/xlsx.js';

export type JsonRow = Record<string, unknown>;

/** A strict RFC 4180 parser (quoted fields, doubled quotes, CRLF), independent of csv-stringify. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (ch === '\n' || ch === '\r') {
      throw new Error(`bare line break at offset ${i}: RFC 4180 records end with CRLF`);
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('the last record does not end with CRLF');
  return rows;
}

function fromCsvCell(column: ExportColumn, text: string): unknown {
  if (text === '') return null;
  switch (column.type) {
    case 'integer':
      return Number(text);
    case 'decimal':
      return normalizeDecimal(text);
    case 'timestamp':
      return new Date(text).toISOString();
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new Error(`not a boolean: ${text}`);
      return text === 'true';
    case 'json':
      return JSON.parse(text);
    default:
      return text;
  }
}

/** CSV → rows; checks the header names the dataset's columns in order. */
export function readCsv(dataset: Dataset, path: string): JsonRow[] {
  const text = readFileSync(path, 'utf8');
  if (text.startsWith('\uFEFF')) throw new Error('unexpected BOM in a plain CSV');
  const [header, ...records] = parseCsv(text);
  if (JSON.stringify(header) !== JSON.stringify(dataset.columns.map((c) => c.name))) throw new Error(`header ${JSON.stringify(header)}`);
  return records.map((cells) => Object.fromEntries(dataset.columns.map((c, i) => [c.name, fromCsvCell(c, cells[i]!)])));
}

/** A cell written in `zone`'s wall clock (its UTC fields) back to the instant, ISO UTC. */
function fromWallClock(value: Date, zone: string): string {
  const parts = { year: value.getUTCFullYear(), month: value.getUTCMonth() + 1, day: value.getUTCDate() };
  const time = { hour: value.getUTCHours(), minute: value.getUTCMinutes(), second: value.getUTCSeconds() };
  return new Date(fromZoned({ ...parts, ...time }, zone).getTime() + value.getUTCMilliseconds()).toISOString();
}

function fromXlsxCell(column: ExportColumn, value: ExcelJS.CellValue, zone: string): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'integer':
      if (typeof value !== 'number') throw new Error(`${column.name}: expected a number cell, got ${typeof value}`);
      return value;
    case 'decimal':
      if (typeof value !== 'number') throw new Error(`${column.name}: expected a number cell, got ${typeof value}`);
      return column.show === 'percent' ? fractionToPoints(value) : normalizeDecimal(value);
    case 'timestamp':
      if (!(value instanceof Date)) throw new Error(`${column.name}: expected a date cell, got ${typeof value}`);
      return fromWallClock(value, zone);
    case 'boolean':
      if (typeof value !== 'boolean') throw new Error(`${column.name}: expected a boolean cell, got ${typeof value}`);
      return value;
    case 'json':
      return JSON.parse(String(value));
    default:
      if (column.show === 'date') {
        if (!(value instanceof Date)) throw new Error(`${column.name}: expected a date cell, got ${JSON.stringify(value)}`);
        return value.toISOString().slice(0, 10);
      }
      if (typeof value !== 'string') throw new Error(`${column.name}: expected a text cell, got ${JSON.stringify(value)}`);
      return value;
  }
}

/**
 * XLSX → the workbook (for format checks) and its rows: the sheet's columns (no paging-only ones,
 * see `sheetRows`), times back to ISO UTC from the zone the header names.
 */
export async function readXlsx(dataset: Dataset, path: string): Promise<{ workbook: ExcelJS.Workbook; rows: JsonRow[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const sheet = workbook.worksheets[0]!;
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  const columns = sheetColumns(dataset);
  if (JSON.stringify(header) !== JSON.stringify(columns.map((c) => c.header))) throw new Error(`header ${JSON.stringify(header)}`);
  const zone = dataset.timeZone ?? 'UTC';
  const rows: JsonRow[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    rows.push(Object.fromEntries(columns.map(({ column: c }, i) => [c.name, fromXlsxCell(c, row.getCell(i + 1).value, zone)])));
  }
  return { workbook, rows };
}

/** Rows as a spreadsheet holds them: without the paging-only (internal) columns. */
export function sheetRows(dataset: Dataset, rows: readonly JsonRow[]): JsonRow[] {
  const internal = dataset.columns.filter((c) => c.internal).map((c) => c.name);
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([name]) => !internal.includes(name))));
}

export function readJson(path: string): JsonRow[] {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function readNdjson(path: string): JsonRow[] {
  const text = readFileSync(path, 'utf8');
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error('NDJSON must end with a newline');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line));
}

/** An exported file read back as rows, whatever its format (XLSX: without internal columns, see `sheetRows`). */
export async function readBack(dataset: Dataset, format: Format, path: string): Promise<JsonRow[]> {
  if (format === 'csv') return readCsv(dataset, path);
  if (format === 'xlsx') return (await readXlsx(dataset, path)).rows;
  if (format === 'json') return readJson(path);
  return readNdjson(path);
}
