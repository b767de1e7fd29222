import { colorEnabled, displayWidth, type Paint, painter, type Stream, truncateToWidth } from './terminal.js';

/** One column of a record listing. `get` defaults to `row[key]`. */
export interface Column<T> {
  key: string;
  header?: string;
  get?: (row: T) => unknown;
  align?: 'left' | 'right';
  /** Free text (names, descriptions): on a terminal too narrow for the table, cut with `…`. */
  shrink?: boolean;
  /** On a terminal, never wider than this (cut with `…`), however wide the terminal. */
  max?: number;
  /** Secondary: left out on a terminal too narrow for the table even with the free text cut. */
  optional?: boolean;
}

export interface OutputOptions {
  stream?: Stream;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  /** `--jq`: every JSON document (and NDJSON line) goes through it; strings print raw. Implies json. */
  filter?: (value: unknown) => unknown[];
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
  private readonly filter?: (value: unknown) => unknown[];

  constructor(options: OutputOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.filter = options.filter;
    this.json = Boolean(options.json) || options.filter !== undefined;
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

  /** One JSON document (with --jq: the filter's results, one per line). */
  jsonDocument(value: unknown): void {
    if (this.filter) this.filtered(value);
    else this.stream.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
  }

  /** One NDJSON line (for streams of records; with --jq each line is filtered on its own, as jq does). */
  ndjson(value: unknown): void {
    if (this.filter) this.filtered(value);
    else this.stream.write(`${JSON.stringify(value, jsonReplacer)}\n`);
  }

  /** --jq output: a string as raw text, anything else as compact JSON, one result a line. */
  private filtered(value: unknown): void {
    for (const result of this.filter!(value)) this.stream.write(`${typeof result === 'string' ? result : JSON.stringify(result)}\n`);
  }

  /** A list of records: table, TSV or a JSON array (of `toJson(row)` when given, else the rows). */
  list<T>(rows: readonly T[], columns: readonly Column<T>[], toJson?: (row: T) => unknown): void {
    if (this.json) {
      this.jsonDocument(toJson ? rows.map(toJson) : rows);
      return;
    }
    const all = rows.map((row) => columns.map((c) => formatCell(c.get ? c.get(row) : (row as Record<string, unknown>)[c.key])));
    if (!this.isTTY) {
      for (const line of all) this.stream.write(`${line.map(tsvEscape).join('\t')}\n`);
      return;
    }
    // On a terminal the table fits its width: free text is cut first, then secondary columns go
    // (last first). Piped output and --json always have every column, uncut.
    let shown = columns.map((_, i) => i);
    let widths: number[];
    for (;;) {
      const natural = shown.map((i) =>
        Math.min(columns[i]!.max ?? Number.POSITIVE_INFINITY, Math.max(displayWidth(header(columns[i]!)), ...all.map((line) => displayWidth(line[i] ?? '')))),
      );
      const floors = shown.map((i, k) =>
        columns[i]!.shrink ? Math.min(natural[k]!, Math.max(MIN_SHRUNK, displayWidth(header(columns[i]!)))) : Number.POSITIVE_INFINITY,
      );
      widths = fitWidths(natural, floors, this.columns);
      const fits = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) <= this.columns;
      const drop = shown.findLastIndex((i) => columns[i]!.optional);
      if (fits || drop < 0) break;
      shown = shown.filter((_, k) => k !== drop);
    }
    const headers = shown.map((i) => header(columns[i]!));
    const cells = all.map((line) => shown.map((i) => line[i] ?? ''));
    const aligns = shown.map((i) => columns[i]!.align);
    const pad = (cell: string, i: number) => {
      const text = truncateToWidth(cell, widths[i] ?? 0);
      const gap = ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(text)));
      return aligns[i] === 'right' ? gap + text : text + gap;
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

/** Free text is never cut below this (or its header) to fit the terminal. */
const MIN_SHRUNK = 12;

function header(c: Column<never>): string {
  return (c.header ?? c.key).toUpperCase();
}

/**
 * Column widths that fit a terminal `total` columns wide (gaps of 2 included): the widest column
 * above its floor gives up a column at a time (a floor of ∞: never cut). When even the floors do
 * not fit, the table is as narrow as it can be and the terminal wraps it.
 */
export function fitWidths(natural: readonly number[], floors: readonly number[], total: number): number[] {
  const widths = [...natural];
  let excess = widths.reduce((a, b) => a + b, 0) + 2 * Math.max(0, widths.length - 1) - total;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (widths[i]! > floors[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) break;
    widths[widest]!--;
    excess--;
  }
  return widths;
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
