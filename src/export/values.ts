// How a database value of each column type is written in each format.
import { UserError } from '../core/errors.js';
import { normalizeDecimal } from '../core/money.js';
import { pointsToFraction } from '../core/percent.js';
import { zoneOffsetMinutes } from '../core/time.js';
import type { ExportColumn } from './dataset.js';

/** The JSON/NDJSON value: integers as numbers, money as exact decimal strings, times as ISO UTC. */
export function jsonValue(column: ExportColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'integer': {
      const n = typeof value === 'number' ? value : Number(value);
      // int8 beyond 2^53 stays a string rather than silently losing digits.
      return Number.isSafeInteger(n) ? n : String(value);
    }
    case 'decimal':
      // PostgreSQL prints whole numerics canonically ("361788"): skip the regex work for them.
      if (typeof value === 'string' && /^-?[1-9]\d*$|^0$/.test(value)) return value;
      return normalizeDecimal(typeof value === 'number' ? value : String(value));
    case 'timestamp':
      return isoUtc(value);
    case 'boolean':
      return Boolean(value);
    case 'json':
      return typeof value === 'string' ? JSON.parse(value) : value;
    default:
      return String(value);
  }
}

export interface CsvStyle {
  /** Excel in ru/kz locales: decimal comma, `YYYY-MM-DD HH:MM:SS` times it recognises as dates. */
  excel: boolean;
  /** Excel only: the wall clock times are written in (the dataset's zone, named in the header). */
  wallClock?: (utc: Date) => Date;
}

/** The CSV cell text (empty for null). */
export function csvValue(column: ExportColumn, value: unknown, style: CsvStyle): string {
  if (value === null || value === undefined) return '';
  switch (column.type) {
    case 'decimal': {
      const text = jsonValue(column, value) as string;
      return style.excel ? text.replace('.', ',') : text;
    }
    case 'timestamp': {
      const iso = isoUtc(value);
      if (!style.excel) return iso;
      return (style.wallClock ? style.wallClock(new Date(iso)).toISOString() : iso).slice(0, 19).replace('T', ' ');
    }
    case 'json':
      return JSON.stringify(jsonValue(column, value));
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return String(value);
  }
}

/** Excel's limit for the text of one cell. */
export const XLSX_MAX_TEXT = 32767;

/** The XLSX cell value: numbers as numbers, percentage points as fractions, times and days as dates, JSON as text. */
export function xlsxValue(column: ExportColumn, value: unknown, wallClock: (utc: Date) => Date = (d) => d): string | number | boolean | Date | null {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'integer':
      return Number(value);
    case 'decimal':
      return column.show === 'percent' ? Number(pointsToFraction(jsonValue(column, value) as string)) : Number(value);
    case 'timestamp':
      return wallClock(new Date(isoUtc(value)));
    case 'boolean':
      return Boolean(value);
    case 'json':
      return truncate(JSON.stringify(jsonValue(column, value)));
    default: {
      const text = String(value);
      if (column.show === 'date' && DAY.test(text)) return new Date(`${text}T00:00:00.000Z`);
      return truncate(text);
    }
  }
}

const DAY = /^\d{4}-\d\d-\d\d$/;

/**
 * A spreadsheet date-time holds a wall clock with no zone: the instant's wall clock in `zone`, as the
 * Date whose UTC fields show it (exceljs writes a Date's UTC fields). Offsets are cached per hour.
 */
export function localWallClock(zone: string): (utc: Date) => Date {
  if (zone === 'UTC') return (d) => d;
  const offsets = new Map<number, number>();
  return (d) => {
    const hour = Math.floor(d.getTime() / 3_600_000);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      offset = zoneOffsetMinutes(d, zone);
      if (offsets.size > 100_000) offsets.clear();
      offsets.set(hour, offset);
    }
    return new Date(d.getTime() + offset * 60_000);
  };
}

function truncate(text: string): string {
  return text.length > XLSX_MAX_TEXT ? `${text.slice(0, XLSX_MAX_TEXT - 1)}…` : text;
}

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** ISO 8601 UTC with milliseconds. Export pages bring timestamps in that form already (pages.ts). */
function isoUtc(value: unknown): string {
  if (typeof value === 'string' && ISO_UTC.test(value)) return value;
  const date = toDate(value);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) {
    throw new UserError('EXPORT_BAD_TIME', `cannot export the time "${String(value)}": only years 1 to 9999 are written`);
  }
  return date.toISOString();
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
