import { colorEnabled, displayWidth, type Paint, painter, type Stream } from './terminal.js';

/** One column of a record listing. `get` defaults to `row[key]`. */
export interface Column<T> {
  key: string;
  header?: string;
  get?: (row: T) => unknown;
  align?: 'left' | 'right';
}

export interface OutputOptions {
  stream?: Stream;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * stdout is for data. Records become an aligned table on a terminal, tab-separated lines when
 * piped (no header, nothing truncated), and one JSON document with --json.
 */
export class Output {
  readonly json: boolean;
  readonly isTTY: boolean;
  readonly paint: Paint;
  private readonly stream: Stream;

  constructor(options: OutputOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.json = Boolean(options.json);
    this.isTTY = Boolean(this.stream.isTTY);
    this.paint = painter(colorEnabled(this.stream, options.env));
  }

  get columns(): number {
    return this.stream.columns ?? 100;
  }

  /** Writes text as it is (a trailing newline is added when missing). */
  text(text: string): void {
    this.stream.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** One JSON document. */
  jsonDocument(value: unknown): void {
    this.stream.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
  }

  /** One NDJSON line (for streams of records). */
  ndjson(value: unknown): void {
    this.stream.write(`${JSON.stringify(value, jsonReplacer)}\n`);
  }

  /** A list of records: table, TSV or a JSON array (of `toJson(row)` when given, else the rows). */
  list<T>(rows: readonly T[], columns: readonly Column<T>[], toJson?: (row: T) => unknown): void {
    if (this.json) {
      this.jsonDocument(toJson ? rows.map(toJson) : rows);
      return;
    }
    const cells = rows.map((row) => columns.map((c) => formatCell(c.get ? c.get(row) : (row as Record<string, unknown>)[c.key])));
    if (!this.isTTY) {
      for (const line of cells) this.stream.write(`${line.map(tsvEscape).join('\t')}\n`);
      return;
    }
    const headers = columns.map((c) => (c.header ?? c.key).toUpperCase());
    const widths = headers.map((h, i) => Math.max(displayWidth(h), ...cells.map((line) => displayWidth(line[i] ?? ''))));
    const pad = (text: string, i: number) => {
      const gap = ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(text)));
      return columns[i]?.align === 'right' ? gap + text : text + gap;
    };
    this.stream.write(`${this.paint.bold(headers.map(pad).join('  ').trimEnd())}\n`);
    for (const line of cells)
      this.stream.write(
        `${line
          .map((v, i) => pad(v || '-', i))
          .join('  ')
          .trimEnd()}\n`,
      );
  }

  /** One record: `key  value` lines on a terminal, `key\tvalue` piped, an object with --json. */
  object(value: Record<string, unknown>, json?: unknown): void {
    if (this.json) {
      this.jsonDocument(json ?? value);
      return;
    }
    const keys = Object.keys(value);
    const width = Math.max(0, ...keys.map((k) => k.length));
    for (const key of keys) {
      const cell = formatCell(value[key]);
      if (this.isTTY) this.stream.write(`${this.paint.bold(key.padEnd(width))}  ${cell || '-'}\n`);
      else this.stream.write(`${key}\t${tsvEscape(cell)}\n`);
    }
  }
}

/** Text for one table cell: dates as ISO UTC without milliseconds, arrays joined, objects as JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  if (Array.isArray(value)) return value.map(formatCell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function tsvEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r?\n/g, '\\n');
}

/** JSON.stringify replacer: bigint as string (dates already serialise as ISO strings). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
