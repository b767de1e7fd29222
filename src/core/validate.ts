// One set of input rules for every edge: CLI flags, environment and config settings, REST bodies and
// queries, import rows. Each rule takes the raw value and a label that names it where it came from
// (`--since`, `MP_DEMPER_WRITE_RATE`, `comment`, `row 3 price`) and returns the typed value, or throws
// an InputError: a UsageError (exit 2) that carries the field and the reason, so the REST API can
// answer 400 naming the field and an import can name the row. Nothing rounds, rolls over or clamps:
// a value that is not exactly right is refused.
import { UsageError } from './errors.js';

/** A refused input: `field` is the label given to the rule, `reason` what is wrong ("must be …"). */
export class InputError extends UsageError {
  readonly field: string;
  readonly reason: string;
  constructor(field: string, reason: string, options: { code?: string; value?: unknown; fields?: Record<string, string> } = {}) {
    const got = options.value === undefined ? '' : `, got ${shown(options.value)}`;
    super(options.code ?? 'BAD_INPUT', `${field} ${reason}${got}`, { details: { field, fields: options.fields ?? { [field]: reason } } });
    this.field = field;
    this.reason = reason;
  }
}

/** A value quoted for an error message: control characters escaped, at most 40 characters. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const cut = [...text].length > 40 ? `${[...text].slice(0, 40).join('')}…` : text;
  return JSON.stringify(cut);
}

// --- text ----------------------------------------------------------------------------------------

/**
 * The first character no text field accepts, described (`NUL (U+0000)`), or undefined. Refused: C0
 * controls (tab always allowed; newline and carriage return only when `multiline`), DEL, C1 controls,
 * and lone UTF-16 surrogates (they would be stored as U+FFFD, a silently different value).
 */
export function forbiddenCharacter(text: string, multiline = false): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `a lone surrogate (U+${hex(c)})`;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return `a lone surrogate (U+${hex(c)})`;
    if (c === 0x09) continue;
    if ((c === 0x0a || c === 0x0d) && multiline) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return c === 0 ? 'NUL (U+0000)' : `a control character (U+${hex(c)})`;
  }
  return undefined;
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

export interface TextRule {
  /** Most characters (code points); default 1000. */
  max?: number;
  /** Fewest characters after trimming; default 1 (0 accepts ''). */
  min?: number;
  /** Newlines allowed (comments, messages); default false. */
  multiline?: boolean;
  /** Trim surrounding white space first; default true. */
  trim?: boolean;
}

/** A string without control characters, within a length. */
export function text(raw: unknown, label: string, rule: TextRule = {}): string {
  if (typeof raw !== 'string') throw new InputError(label, 'must be text', { value: raw });
  const value = rule.trim === false ? raw : raw.trim();
  const bad = forbiddenCharacter(value, rule.multiline);
  if (bad) throw new InputError(label, `must not contain ${bad}`);
  const length = [...value].length;
  const min = rule.min ?? 1;
  const max = rule.max ?? 1000;
  if (length < min) throw new InputError(label, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
  if (length > max) throw new InputError(label, `must be at most ${max} characters (got ${length})`);
  return value;
}

/** One of a fixed set of words (case-insensitive unless `exact`); returns the listed spelling. */
export function oneOf<T extends string>(raw: unknown, label: string, values: readonly T[], exact = false): T {
  if (typeof raw === 'string') {
    const wanted = exact ? raw.trim() : raw.trim().toLowerCase();
    const found = values.find((v) => (exact ? v : v.toLowerCase()) === wanted);
    if (found !== undefined) return found;
  }
  throw new InputError(label, `must be one of ${values.join(', ')}`, { value: raw });
}

// --- numbers -------------------------------------------------------------------------------------

export interface Range {
  min: number;
  max: number;
}

/**
 * A whole number in a range, from a JSON number or decimal digits (`+` and `-` signs allowed; no
 * exponent, hex, fraction or blank). Bounds must be safe integers, so the result is exact.
 */
export function integer(raw: unknown, label: string, range: Range): number {
  const reason = `must be a whole number from ${range.min} to ${range.max}`;
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^[+-]?\d{1,16}$/.test(raw.trim())) n = Number(raw.trim());
  else throw new InputError(label, reason, { value: raw });
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) throw new InputError(label, reason, { value: raw });
  return n;
}

/** A plain decimal number in a range (`1.5`, `-2`, `.5`; no exponent, hex, Infinity or blank). */
export function number(raw: unknown, label: string, range: Range): number {
  const reason = `must be a number from ${range.min} to ${range.max}`;
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^[+-]?(\d{1,16}(\.\d{0,16})?|\.\d{1,16})$/.test(raw.trim())) n = Number(raw.trim());
  else throw new InputError(label, reason, { value: raw });
  if (!Number.isFinite(n) || n < range.min || n > range.max) throw new InputError(label, reason, { value: raw });
  return n;
}

export interface DecimalRule {
  /** Bounds as decimal strings (exact: compared in minor units). */
  min: string;
  max: string;
  /** Most decimal places; more is refused, never rounded. */
  scale: number;
}

/**
 * A money-style decimal, exactly: from a string or a JSON number, at most `scale` places (refused,
 * not rounded), within bounds. Returns the canonical text with exactly `scale` places (`10.50`).
 */
export function decimal(raw: unknown, label: string, rule: DecimalRule): string {
  const shape = rule.scale > 0 ? `a decimal number with at most ${rule.scale} decimal places` : 'a whole number';
  let t: string;
  if (typeof raw === 'number' && Number.isFinite(raw)) t = String(raw);
  else if (typeof raw === 'string') t = raw.trim();
  else throw new InputError(label, `must be ${shape}`, { value: raw });
  const m = /^([+-]?)0*(\d{0,40}?)(?:\.(\d{1,40}))?$/.exec(t);
  if (!m || t === '' || /^[+-]?\.?$/.test(t) || !/\d/.test(t)) throw new InputError(label, `must be ${shape}`, { value: raw });
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > rule.scale) throw new InputError(label, `must have at most ${rule.scale} decimal places (not rounded)`, { value: raw });
  const minor = BigInt(`${m[1] === '-' ? '-' : ''}${m[2] || '0'}${fraction.padEnd(rule.scale, '0')}`);
  if (minor < toMinorUnits(rule.min, rule.scale)) throw new InputError(label, `must be at least ${rule.min}`, { value: raw });
  if (minor > toMinorUnits(rule.max, rule.scale)) throw new InputError(label, `must be at most ${rule.max}`, { value: raw });
  return fromMinorUnits(minor, rule.scale);
}

function toMinorUnits(text: string, scale: number): bigint {
  const [whole = '0', fraction = ''] = text.replace(/^[+-]/, '').split('.');
  const minor = BigInt(`${whole}${fraction.padEnd(scale, '0').slice(0, scale)}`);
  return text.startsWith('-') ? -minor : minor;
}

function fromMinorUnits(minor: bigint, scale: number): string {
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString().padStart(scale + 1, '0');
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

// --- dates and times -----------------------------------------------------------------------------

/** Years any date mp accepts falls in: beyond them a date is a typo (or an overflow). */
export const YEARS: Range = { min: 1970, max: 2100 };

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** Whether year-month-day is a real calendar day (no roll-over: 2026-02-30 is not). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= days[month - 1]!;
}

/** A strict `YYYY-MM-DD`: a real day between 1970 and 2100 (`2026-13-45` is refused, never rolled over). */
export function calendarDate(raw: unknown, label: string): CalendarDate {
  const m = typeof raw === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim()) : null;
  if (!m) throw new InputError(label, 'must be a date like 2026-11-01', { value: raw });
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDate(year, month, day)) throw new InputError(label, 'is not a date on the calendar', { value: raw });
  if (year < YEARS.min || year > YEARS.max) throw new InputError(label, `must be a date between ${YEARS.min} and ${YEARS.max}`, { value: raw });
  return { year, month, day };
}

export interface WallClock extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes east of UTC when the text had an offset (`Z` = 0); undefined for wall-clock time. */
  offsetMinutes?: number;
}

/**
 * A strict ISO date or date-time: `2026-11-01`, `2026-11-01T10:30`, `2026-11-01 10:30:15.123`, with
 * an optional `Z` or `+03:00`. Every field is range-checked. Undefined when the text is not one.
 */
export function parseWallClock(text: string): WallClock | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[4] === undefined && m[8] !== undefined) return undefined; // an offset needs a time
  let offsetMinutes: number | undefined;
  if (m[8]) {
    if (m[8].toUpperCase() === 'Z') offsetMinutes = 0;
    else {
      const o = /^([+-])(\d{2}):?(\d{2})$/.exec(m[8])!;
      const [h, min] = [Number(o[2]), Number(o[3])];
      if (h > 14 || min > 59) return undefined;
      offsetMinutes = (o[1] === '-' ? -1 : 1) * (h * 60 + min);
    }
  }
  const millisecond = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  return { year, month, day, hour, minute, second, millisecond, offsetMinutes };
}

// --- durations and counts ------------------------------------------------------------------------

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Longest delay a Node timer honours (2^31-1 ms, ~24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

export interface DurationRule {
  /** Bounds in milliseconds (max defaults to MAX_TIMER_MS, so the value is always a usable timer). */
  min?: number;
  max?: number;
  /** The unit of a bare number (default seconds). */
  bareUnit?: 'ms' | 's' | 'm' | 'h' | 'd';
  /** Error code (default BAD_INPUT). */
  code?: string;
}

/** A duration (`500ms`, `30s`, `2m`, `1.5h`, `7d`, `2w`, a bare number in `bareUnit`) in ms, bounded. */
export function duration(raw: unknown, label: string, rule: DurationRule = {}): number {
  const min = rule.min ?? 0;
  const max = rule.max ?? MAX_TIMER_MS;
  const m = typeof raw === 'string' ? /^(\d{1,12}(?:\.\d{1,6})?)\s*(ms|s|min|m|h|d|w)?$/i.exec(raw.trim()) : null;
  if (!m) throw new InputError(label, 'must be a duration like 500ms, 30s, 2m or 1h', { value: raw, code: rule.code });
  const ms = Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? rule.bareUnit ?? 's').toLowerCase()]!);
  if (ms < min || ms > max) throw new InputError(label, `must be from ${formatDuration(min)} to ${formatDuration(max)}`, { value: raw, code: rule.code });
  return ms;
}

/** A duration in the largest whole unit: `90s`, `2m`, `24d`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  if (ms > 86_400_000) return `${Math.floor(ms / 86_400_000)}d`;
  return `${ms}ms`;
}

// --- URLs ----------------------------------------------------------------------------------------

export interface UrlRule {
  /** Accepted schemes, with the colon (default http: and https:). */
  protocols?: readonly string[];
  /** user:password@ allowed (proxies); default false. */
  credentials?: boolean;
  /** A host is required (default true; false for `postgres:///db?host=/socket`). */
  host?: boolean;
}

/** An absolute URL with a host and one of the accepted schemes (`not a url` is refused, not thrown). */
export function url(raw: unknown, label: string, rule: UrlRule = {}): URL {
  const protocols = rule.protocols ?? ['http:', 'https:'];
  const example = `${protocols[0]!.replace(/:$/, '')}://host:port`;
  if (typeof raw !== 'string' || forbiddenCharacter(raw) || /\s/.test(raw.trim())) throw new InputError(label, `must be a URL like ${example}`, { value: raw });
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    throw new InputError(label, `must be a URL like ${example}`, { value: raw });
  }
  if (!protocols.includes(parsed.protocol)) throw new InputError(label, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`, { value: raw });
  if (!parsed.hostname && rule.host !== false) throw new InputError(label, `must name a host, like ${example}`, { value: raw });
  if (!rule.credentials && (parsed.username || parsed.password)) throw new InputError(label, 'must not carry a user name or password');
  return parsed;
}

// --- several at once -----------------------------------------------------------------------------

/** A rule's outcome without throwing: for code that collects every field's reason (`FieldErrors`). */
export function attempt<T>(fn: () => T): { ok: true; value: T } | { ok: false; reason: string; error: InputError } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (error instanceof InputError) return { ok: false, reason: error.reason, error };
    throw error;
  }
}

/**
 * Runs several rules and returns their values; when any fail, throws one InputError naming every
 * bad field (`details.fields`), so a user fixes them all in one go.
 */
export function all<T extends Record<string, () => unknown>>(checks: T): { [K in keyof T]: ReturnType<T[K]> } {
  const out: Record<string, unknown> = {};
  const failed: InputError[] = [];
  for (const [key, check] of Object.entries(checks)) {
    const r = attempt(check);
    if (r.ok) out[key] = r.value;
    else failed.push(r.error);
  }
  if (failed.length === 1) throw failed[0];
  if (failed.length > 1) {
    const fields = Object.fromEntries(failed.map((e) => [e.field, e.reason]));
    const error = new InputError(failed.map((e) => e.field).join(', '), `are invalid: ${failed.map((e) => e.message).join('; ')}`, { fields });
    throw error;
  }
  return out as { [K in keyof T]: ReturnType<T[K]> };
}
