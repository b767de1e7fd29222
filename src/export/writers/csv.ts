// CSV by csv-stringify: RFC 4180 (CRLF, quotes doubled), UTF-8, a header row. `--excel` adds a BOM
// and `;` (the list separator of Excel in ru/kz locales, where `,` is the decimal comma).
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Dataset } from '../dataset.js';
import type { Row } from '../pages.js';
import { csvValue } from '../values.js';
import { endStream, type RowWriter, writeWithBackpressure } from './writer.js';

export class CsvWriter implements RowWriter {
  private started = false;

  constructor(
    private readonly dataset: Dataset,
    private readonly sink: Writable,
    private readonly excel: boolean,
  ) {}

  private render(records: string[][], header: boolean): string {
    return stringify(records, {
      header,
      columns: this.dataset.columns.map((c) => c.name),
      delimiter: this.excel ? ';' : ',',
      record_delimiter: 'windows',
      bom: header && this.excel,
    });
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
    // Rendered per page (csv-stringify's sync API): one string and one write per 5,000 rows.
    const chunk = this.render(
      rows.map((r) => this.cells(r)),
      !this.started,
    );
    this.started = true;
    await writeWithBackpressure(this.sink, chunk);
  }

  async finish(): Promise<void> {
    if (!this.started) await writeWithBackpressure(this.sink, this.render([], true));
    this.started = true;
    await endStream(this.sink);
  }
}
