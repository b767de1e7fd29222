// JSON (one array, one object per line inside it) and NDJSON (one object per line).
import type { Writable } from 'node:stream';
import type { Dataset } from '../dataset.js';
import type { Row } from '../pages.js';
import { jsonValue } from '../values.js';
import { endStream, type RowWriter, writeWithBackpressure } from './writer.js';

export class JsonWriter implements RowWriter {
  private count = 0;

  constructor(
    private readonly dataset: Dataset,
    private readonly sink: Writable,
    private readonly ndjson: boolean,
  ) {}

  private line(row: Row): string {
    const out: Record<string, unknown> = {};
    for (const column of this.dataset.columns) out[column.name] = jsonValue(column, row[column.name]);
    return JSON.stringify(out);
  }

  async writePage(rows: readonly Row[]): Promise<void> {
    let chunk = '';
    for (const row of rows) {
      if (this.ndjson) chunk += `${this.line(row)}\n`;
      else chunk += `${this.count === 0 ? '[\n' : ',\n'}${this.line(row)}`;
      this.count++;
    }
    if (chunk) await writeWithBackpressure(this.sink, chunk);
  }

  async finish(): Promise<void> {
    if (!this.ndjson) await writeWithBackpressure(this.sink, this.count === 0 ? '[]\n' : '\n]\n');
    await endStream(this.sink);
  }
}
