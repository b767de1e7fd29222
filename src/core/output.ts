import { type Currency, formatCount, formatDay, formatMoney, formatPercent, formatTime, type Market, UTC_MARKET } from './format.js';
import { colorEnabled, displayWidth, type Paint, painter, type Stream, truncateMiddle, truncateToWidth } from './terminal.js';

/** What a cell holds, so a terminal shows it the one way mp shows money, times and counts. */
export type ColumnKind = 'text' | 'money' | 'time' | 'day' | 'count' | 'percent';

/**
 * One column of a record listing. `get` defaults to `row[key]`. On a terminal a table is designed
 * for 80 columns first: every column has a priority; low-priority columns drop before names shrink,
 * names keep their distinguishing end (`Apple iPh…128Gb черный`), keys never drop; `--wide` shows
 * everything uncut. Piped output and --json always have every column, raw and uncut.
 */
export interface Column<T> {
  key: string;
  header?: string;
  get?: (row: T) => unknown;
  align?: 'left' | 'right';
  /**
   * What the value is. On a terminal: `money` → `34 990 ₸` in `currency`; `time` → `YYYY-MM-DD HH:mm`
   * in the table's zone (the first time column's heading names it); `day` → `YYYY-MM-DD`; `count` →
   * `12 500`; `percent` (a fraction) → `12,5 %`. Piped and --json: the raw value.
   */
  kind?: ColumnKind;
  /** The currency of a `money` column: one for the column, or per row (payouts). */
  currency?: Currency | ((row: T) => string | undefined);
  /** Free text (names, descriptions): on a terminal too narrow for the table, cut with `…`. */
  shrink?: boolean;
  /** Where a cut text loses characters: the middle (default: names keep their end), or the end. */
  ellipsis?: 'middle' | 'end';
  /** The narrowest a shrinking column gets (default 12, or its heading). */
  min?: number;
  /** On a terminal, never wider than this (cut with `…`), however wide the terminal (not with --wide). */
  max?: number;
  /**
   * 1 (default): always shown (keys such as city and store, names, the figures the table is for).
   * 2: left out only when the names are already cut to their minimum. 3 and more: left out before
   * any name is cut (the highest first, then the rightmost).
   */
  priority?: number;
  /** Secondary: the same as priority 3. */
  optional?: boolean;
}

export interface ListOptions<T> {
  /** --json: the document for each row (default the row itself). */
  json?: (row: T) => unknown;
  /** The zone `time` and `day` columns are shown in on a terminal (default UTC), named in the heading. */
  market?: Market;
}

export interface OutputOptions {
  stream?: Stream;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  /** `--jq`: every JSON document (and NDJSON line) goes through it; strings print raw. Implies json. */
  filter?: (value: unknown) => unknown[];
  /** `--wide`: tables show every column, uncut, however wide. */
  wide?: boolean;
}

/**
 * stdout is for data. Records become an aligned table on a terminal, tab-separated lines when
 * piped (no header, nothing truncated), and one JSON document with --json.
 */
export class Output {
  readonly json: boolean;
  readonly isTTY: boolean;
  readonly paint: Paint;
  readonly wide: boolean;
  private readonly stream: Stream;
  private readonly filter?: (value: unknown) => unknown[];

  constructor(options: OutputOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.filter = options.filter;
    this.json = Boolean(options.json) || options.filter !== undefined;
    this.isTTY = Boolean(this.stream.isTTY);
    this.wide = Boolean(options.wide);
    this.paint = painter(colorEnabled(this.stream, options.env));
  }

  get columns(): number {
    return this.stream.columns ?? 100;
  }

  /**
   * Writes text (a trailing newline is added when missing). On a terminal a line wider than it is
   * wrapped at spaces, so headings and notes fit 80 columns like the tables under them.
   */
  text(text: string): void {
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    const lines = this.isTTY && !this.wide ? body.split('\n').flatMap((l) => wrapLine(l, this.columns)) : [body];
    this.stream.write(`${lines.join('\n')}\n`);
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

  /**
   * A list of records: a table on a terminal, TSV when piped, a JSON array with --json (of
   * `options.json(row)` when given, else the rows). The third argument may be that function alone.
   */
  list<T>(rows: readonly T[], columns: readonly Column<T>[], options?: ((row: T) => unknown) | ListOptions<T>): void {
    const o: ListOptions<T> = typeof options === 'function' ? { json: options } : (options ?? {});
    if (this.json) {
      this.jsonDocument(o.json ? rows.map(o.json) : rows);
      return;
    }
    const raw = (c: Column<T>, row: T) => (c.get ? c.get(row) : (row as Record<string, unknown>)[c.key]);
    if (!this.isTTY) {
      for (const row of rows) this.stream.write(`${columns.map((c) => tsvEscape(formatCell(raw(c, row)))).join('\t')}\n`);
      return;
    }
    const market = o.market ?? UTC_MARKET;
    const firstTime = columns.findIndex((c) => c.kind === 'time');
    const headers = columns.map((c, i) => {
      const text = c.header ?? c.key;
      return (i === firstTime ? `${text} (${market.zoneLabel})` : text).toUpperCase();
    });
    const all = rows.map((row) => columns.map((c) => displayCell(c, raw(c, row), row, market)));
    const { shown, widths } = layout(
      columns.map((c, i) => ({
        natural: Math.max(displayWidth(headers[i]!), ...all.map((line) => displayWidth(line[i] ?? ''))),
        header: displayWidth(headers[i]!),
        max: this.wide ? undefined : c.max,
        shrink: Boolean(c.shrink),
        min: c.min,
        priority: c.priority ?? (c.optional ? 3 : 1),
      })),
      this.wide ? Number.POSITIVE_INFINITY : this.columns,
    );
    const pad = (cell: string, k: number) => {
      const c = columns[shown[k]!]!;
      const width = widths[k] ?? 0;
      const text = c.ellipsis === 'end' ? truncateToWidth(cell, width) : truncateMiddle(cell, width);
      const gap = ' '.repeat(Math.max(0, width - displayWidth(text)));
      return alignOf(c) === 'right' ? gap + text : text + gap;
    };
    this.stream.write(
      `${this.paint.bold(
        shown
          .map((i, k) => pad(headers[i]!, k))
          .join('  ')
          .trimEnd(),
      )}\n`,
    );
    for (const line of all) {
      this.stream.write(
        `${shown
          .map((i, k) => pad(line[i] || '-', k))
          .join('  ')
          .trimEnd()}\n`,
      );
    }
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

interface LayoutColumn {
  natural: number;
  header: number;
  max?: number;
  shrink: boolean;
  min?: number;
  priority: number;
}

/**
 * Which columns a terminal `total` wide shows, and how wide: every column at its natural width
 * (capped by `max`) when that fits; else columns of priority 3+ drop (highest priority number first,
 * then the rightmost) before any name is cut; then names shrink to their floor; then priority-2
 * columns drop. Priority 1 never drops: when even that does not fit, the table is as narrow as it
 * can be and the terminal wraps it.
 */
export function layout(columns: readonly LayoutColumn[], total: number): { shown: number[]; widths: number[] } {
  let shown = columns.map((_, i) => i);
  const natural = (i: number) => Math.min(columns[i]!.max ?? Number.POSITIVE_INFINITY, columns[i]!.natural);
  const floor = (i: number) => {
    const c = columns[i]!;
    return c.shrink ? Math.min(natural(i), c.min ?? Math.max(MIN_SHRUNK, c.header)) : Number.POSITIVE_INFINITY;
  };
  const sum = (ws: number[]) => ws.reduce((a, b) => a + b, 0) + 2 * Math.max(0, ws.length - 1);
  const dropOne = (minPriority: number): boolean => {
    let pick = -1;
    for (let k = 0; k < shown.length; k++) {
      const p = columns[shown[k]!]!.priority;
      if (p >= minPriority && (pick < 0 || p >= columns[shown[pick]!]!.priority)) pick = k;
    }
    if (pick < 0) return false;
    shown = shown.filter((_, k) => k !== pick);
    return true;
  };
  // 1. Low-priority columns go before any name is cut.
  while (sum(shown.map(natural)) > total && dropOne(3)) {}
  // 2. Names shrink; 3. then priority-2 columns go, one at a time, names shrunk again.
  for (;;) {
    const widths = fitWidths(shown.map(natural), shown.map(floor), total);
    if (sum(widths) <= total || !dropOne(2)) return { shown, widths };
  }
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

/** One line in lines of at most `width` columns, broken at spaces (a longer word stays whole). */
function wrapLine(line: string, width: number): string[] {
  if (width < 20 || displayWidth(line) <= width) return [line];
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current && displayWidth(current) + 1 + displayWidth(word) > width) {
      out.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) out.push(current);
  return out;
}

/**
 * A cell as a terminal shows it: money, times, days, counts and percentages the one mp way (with
 * plain spaces where Telegram keeps no-break ones: a copied cell pastes as ordinary text).
 */
function displayCell<T>(c: Column<T>, value: unknown, row: T, market: Market): string {
  return kindCell(c, value, row, market).replace(/\u00a0/g, ' ');
}

function kindCell<T>(c: Column<T>, value: unknown, row: T, market: Market): string {
  if (value === null || value === undefined || value === '') return '';
  switch (c.kind) {
    case 'money': {
      const currency = typeof c.currency === 'function' ? c.currency(row) : (c.currency ?? market.currency);
      return currency ? formatMoney(value as string, currency) : formatCell(value);
    }
    case 'time':
      return value instanceof Date || typeof value === 'string' ? formatTime(value, market) : formatCell(value);
    case 'day':
      return value instanceof Date || typeof value === 'string' ? formatDay(value, market) : formatCell(value);
    case 'count':
      return typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint' ? formatCount(value) : formatCell(value);
    case 'percent':
      return typeof value === 'number' ? formatPercent(value) : formatCell(value);
    default:
      return formatCell(value);
  }
}

function alignOf(c: Column<never>): 'left' | 'right' {
  return c.align ?? (c.kind === 'money' || c.kind === 'count' || c.kind === 'percent' ? 'right' : 'left');
}

function tsvEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r?\n/g, '\\n');
}

/** JSON.stringify replacer: bigint as string (dates already serialise as ISO strings). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
