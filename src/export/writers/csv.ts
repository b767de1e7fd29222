// CSV: RFC 4180 (CRLF line ends; a field with the separator, a quote, CR or LF is quoted, quotes
// doubled), UTF-8, a header row. `--excel` adds a BOM and `;` (the list separator of Excel in ru/kz
// locales, where `,` is the decimal comma), and writes what a seller opens: times on the
// marketplace's clock with the zone in the header (as in XLSX), no paging-only columns.
//
// Written here rather than by csv-stringify: for our cells (always text, one-character separator)
// its general machinery (casting, per-field option objects, multi-character separators) was 39% of
// an export's busy time; the output is byte for byte the same (a test holds the two side by side).
import type { Writable } from 'node:stream';
import type { Dataset, ExportColumn } from '../dataset.js';
import type { Row } from '../pages.js';
import { type CsvStyle, csvValue, localWallClock } from '../values.js';
import { endStream, type RowWriter, writeWithBackpressure } from './writer.js';

const BOM = '\uFEFF';
const RECORD_END = '\r\n';

/** One field of a record: quoted (quotes doubled) when it holds the separator, a quote, CR or LF. */
export function csvField(text: string, needsQuotes: RegExp): string {
  if (!needsQuotes.test(text)) return text;
  return `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`;
}

export class CsvWriter implements RowWriter {
  private started = false;
  private readonly style: CsvStyle;
  private readonly delimiter: string;
  private readonly needsQuotes: RegExp;
  private readonly columns: readonly ExportColumn[];

  constructor(
    private readonly dataset: Dataset,
    private readonly sink: Writable,
    private readonly excel: boolean,
  ) {
    const zone = dataset.timeZone ?? 'UTC';
    this.style = excel ? { excel, wallClock: localWallClock(zone) } : { excel };
    this.columns = excel ? dataset.columns.filter((c) => !c.internal) : dataset.columns;
    this.delimiter = excel ? ';' : ',';
    this.needsQuotes = excel ? /[;"\r\n]/ : /[,"\r\n]/;
  }

  /** The header row (after a BOM for Excel). */
  private header(): string {
    const zone = this.dataset.timeZone ?? 'UTC';
    const label = (c: ExportColumn) => (this.excel && c.type === 'timestamp' ? `${c.name} (${zone})` : c.name);
    const names = this.columns.map((c) => csvField(label(c), this.needsQuotes)).join(this.delimiter);
    return `${this.excel ? BOM : ''}${names}${RECORD_END}`;
  }

  private record(row: Row): string {
    const { columns } = this;
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      let text = csvValue(c, row[c.name], this.style);
      // Excel runs a cell starting with = + - @ as a formula: a seller named "=HYPERLINK(…)" must
      // stay text. Only for --excel files, and only text columns (numbers are never touched).
      if (this.excel && c.type === 'text' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
      line += i === 0 ? csvField(text, this.needsQuotes) : this.delimiter + csvField(text, this.needsQuotes);
    }
    return line + RECORD_END;
  }

  async writePage(rows: readonly Row[]): Promise<void> {
    let text = '';
    if (!this.started) text = this.header();
    this.started = true;
    for (const row of rows) text += this.record(row);
    // One write per page.
    await writeWithBackpressure(this.sink, text);
  }

  async finish(): Promise<void> {
    if (!this.started) await writeWithBackpressure(this.sink, this.header());
    this.started = true;
    await endStream(this.sink);
  }
}
