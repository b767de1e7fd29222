// Reads a spreadsheet a seller edited (CSV or XLSX) into records keyed by header name. Columns are
// matched by header, never by position, so reordered or extra columns do not shift values.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UserError } from './errors.js';
import { fractionToPoints } from './percent.js';
import { decodeText, type TextEncoding } from './text-decode.js';

export interface TableRecord {
  /** 1-based row number in the file (the header is row 1). */
  row: number;
  values: Record<string, string>;
}

export interface Table {
  headers: string[];
  records: TableRecord[];
}

export interface ReadTableOptions {
  keepCase?: boolean;
  /** CSV/TXT: the text encoding (`--encoding`); default `auto` (UTF-8 with or without BOM, UTF-16 with BOM, else cp1251). */
  encoding?: TextEncoding;
}

/**
 * Reads `.csv`/`.txt` (encoding and delimiter detected) or `.xlsx` by extension; headers are trimmed
 * and lower-cased unless `keepCase`.
 */
export async function readTableFile(path: string, options: ReadTableOptions = {}): Promise<Table> {
  const ext = extname(path).toLowerCase();
  let rows: string[][];
  try {
    if (ext === '.xlsx') rows = await readXlsxRows(path);
    else if (ext === '.csv' || ext === '.txt') rows = parseCsv(decodeText(await readFile(path), options.encoding, path).text);
    else throw new UserError('FILE_FORMAT', `${path}: use a .csv or .xlsx file`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError('FILE_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return toTable(rows, options.keepCase);
}

export function toTable(rows: string[][], keepCase = false): Table {
  const [head = [], ...body] = rows;
  const headers = head.map((h) => (keepCase ? h.trim() : h.trim().toLowerCase()));
  const records: TableRecord[] = [];
  body.forEach((cells, i) => {
    if (cells.every((c) => c.trim() === '')) return;
    const values: Record<string, string> = {};
    headers.forEach((h, j) => {
      if (h) values[h] = (cells[j] ?? '').trim();
    });
    records.push({ row: i + 2, values });
  });
  return { headers, records };
}

/**
 * RFC 4180 CSV (quotes, doubled quotes, newlines in quotes); the delimiter is the one of `,` `;` (Excel
 * ru/kz) and tab (Excel's "Unicode text") the header line uses most, outside quotes.
 */
export function parseCsv(text: string): string[][] {
  const src = text.replace(/^\uFEFF/, '');
  const sep = detectDelimiter(src);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The delimiter of a CSV text: the most frequent of `,` `;` and tab on its first line, outside quotes (`,` when none). */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

async function readXlsxRows(path: string): Promise<string[][]> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (r, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) {
      const cell = r.getCell(c);
      cells.push(cellText(cell.value, cell.numFmt));
    }
    rows[n - 1] = cells;
  });
  return Array.from(rows, (r) => r ?? []);
}

/**
 * A cell as the text a seller sees in it, for the parsers: a percent cell (0.125 shown as 12.5%) as
 * its points, `12.5`; a date with no time of day as YYYY-MM-DD.
 */
function cellText(value: unknown, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && numFmt && /%/.test(numFmt.replace(/"[^"]*"|\\./g, ''))) return fractionToPoints(value);
  if (value instanceof Date && value.getTime() % 86_400_000 === 0) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { text?: unknown; result?: unknown; richText?: { text: string }[] };
    if (v.richText) return v.richText.map((t) => t.text).join('');
    if (v.result !== undefined) return cellText(v.result, numFmt);
    if (v.text !== undefined) return String(v.text);
    if (value instanceof Date) return value.toISOString();
  }
  return String(value);
}
