// CSV: RFC 4180 (CRLF line ends; a field with the separator, a quote, CR or LF is quoted, quotes
// doubled), UTF-8, a header row. `--excel` adds a BOM and `;` (the list separator of Excel in ru/kz
// locales, where `,` is the decimal comma).
//
// Records are encoded here rather than by csv-stringify: its per-field option handling cost ~5 s of
// CPU per million rows, a third of the export budget. test/unit/export-csv.test.ts checks that this
// encoder's output is byte-for-byte csv-stringify's for arbitrary fields.
import type { Writable } from 'node:stream';
import type { Dataset } from '../dataset.js';
import type { Row } from '../pages.js';
import { csvValue } from '../values.js';
import { endStream, type RowWriter, writeWithBackpressure } from './writer.js';

const NEEDS_QUOTES: Record<string, RegExp> = { ',': /[",\r\n]/, ';': /[";\r\n]/ };

/** One CSV record (with its CRLF) from field texts. */
export function encodeCsvRecord(fields: readonly string[], delimiter: ',' | ';'): string {
  const special = NEEDS_QUOTES[delimiter]!;
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    const text = fields[i]!;
    if (i > 0) line += delimiter;
    line += special.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }
  return `${line}\r\n`;
}

export class CsvWriter implements RowWriter {
  private started = false;
  private readonly delimiter: ',' | ';';

  constructor(
    private readonly dataset: Dataset,
    private readonly sink: Writable,
    private readonly excel: boolean,
  ) {
    this.delimiter = excel ? ';' : ',';
  }

  private header(): string {
    return (
      (this.excel ? '\uFEFF' : '') +
      encodeCsvRecord(
        this.dataset.columns.map((c) => c.name),
        this.delimiter,
      )
    );
  }

  private cells(row: Row): string[] {
    const style = { excel: this.excel };
    return this.dataset.columns.map((c) => {
      const text = csvValue(c, row[c.name], style);
      // Excel runs a cell starting with = + - @ as a formula: a seller named "=HYPERLINK(…)" must
      // stay text. Only for --excel files, and only text columns (numbers are never touched).
      return this.excel && c.type === 'text' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    });
  }

  async writePage(rows: readonly Row[]): Promise<void> {
    // One string and one write per page.
    let chunk = this.started ? '' : this.header();
    this.started = true;
    for (const row of rows) chunk += encodeCsvRecord(this.cells(row), this.delimiter);
    await writeWithBackpressure(this.sink, chunk);
  }

  async finish(): Promise<void> {
    if (!this.started) await writeWithBackpressure(this.sink, this.header());
    this.started = true;
    await endStream(this.sink);
  }
}
