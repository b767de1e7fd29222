// CSV by csv-stringify: RFC 4180 (CRLF line ends; a field with the separator, a quote, CR or LF is
// quoted, quotes doubled), UTF-8, a header row. `--excel` adds a BOM and `;` (the list separator of
// Excel in ru/kz locales, where `,` is the decimal comma).
import type { Writable } from 'node:stream';
import { type Options, stringify } from 'csv-stringify/sync';
import type { Dataset } from '../dataset.js';
import type { Row } from '../pages.js';
import { type CsvStyle, csvValue } from '../values.js';
import { endStream, type RowWriter, writeWithBackpressure } from './writer.js';

/**
 * Records per csv-stringify call. A page (5,000 rows) is written with one write, but stringified a
 * slice at a time: the output of a whole page in one call survives several young-generation
 * collections and costs about a third more CPU than small slices joined.
 */
const RECORDS_PER_CALL = 200;

/** csv-stringify's options for our CSV: field separator, CRLF records, every line break quoted. */
export function csvOptions(excel: boolean): Options {
  return {
    delimiter: excel ? ';' : ',',
    record_delimiter: 'windows',
    // With an explicit record_delimiter, csv-stringify quotes only fields holding that CRLF pair
    // unless told otherwise; RFC 4180 wants a lone CR or LF quoted as well.
    quote_record_delimiter: true,
    // Numbers, booleans and dates reach it as the texts csvValue made; a null is an empty field.
  };
}

export class CsvWriter implements RowWriter {
  private started = false;
  private readonly options: Options;
  private readonly style: CsvStyle;

  constructor(
    private readonly dataset: Dataset,
    private readonly sink: Writable,
    private readonly excel: boolean,
  ) {
    this.options = csvOptions(excel);
    this.style = { excel };
  }

  /** The header row (after a BOM for Excel). */
  private header(): string {
    return stringify([], { ...this.options, header: true, columns: this.dataset.columns.map((c) => c.name), bom: this.excel });
  }

  private cells(row: Row): string[] {
    const { columns } = this.dataset;
    const cells = new Array<string>(columns.length);
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      const text = csvValue(c, row[c.name], this.style);
      // Excel runs a cell starting with = + - @ as a formula: a seller named "=HYPERLINK(…)" must
      // stay text. Only for --excel files, and only text columns (numbers are never touched).
      // (csv-stringify's escape_formulas would also prefix a negative money text such as "-5".)
      cells[i] = this.excel && c.type === 'text' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    }
    return cells;
  }

  async writePage(rows: readonly Row[]): Promise<void> {
    const parts: string[] = [];
    if (!this.started) parts.push(this.header());
    this.started = true;
    for (let start = 0; start < rows.length; start += RECORDS_PER_CALL) {
      const end = Math.min(rows.length, start + RECORDS_PER_CALL);
      const records = new Array<string[]>(end - start);
      for (let i = start; i < end; i++) records[i - start] = this.cells(rows[i]!);
      parts.push(stringify(records, this.options));
    }
    // One write per page.
    await writeWithBackpressure(this.sink, parts.join(''));
  }

  async finish(): Promise<void> {
    if (!this.started) await writeWithBackpressure(this.sink, this.header());
    this.started = true;
    await endStream(this.sink);
  }
}
