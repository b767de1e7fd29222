// WB sends Moscow wall time without an offset. Parsing 100,000 rows through Intl per row is slow,
// so the zone offset is computed once per calendar day and cached.
import { MOSCOW, parseZonedTimestamp, zonedParts, zoneOffsetMinutes } from '../core/time.js';
import { isCalendarDate } from '../core/validate.js';

const STAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;
const offsets = new Map<string, number>();

/** A WB timestamp as an instant: with an offset as is, without one as Moscow wall time. */
export function parseWbTime(text: string): Date {
  if (text.length === 19) {
    // The usual `2026-11-01T18:08:31`, read without a regex (a page has 80,000 rows, 2-3 stamps each).
    const at = plainStamp(text);
    if (at !== undefined) return at;
  }
  const m = STAMP.exec(text);
  if (!m) return parseZonedTimestamp(text, MOSCOW);
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  let offset = offsets.get(day);
  if (offset === undefined) {
    offset = zoneOffsetMinutes(new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, 12)), MOSCOW);
    offsets.set(day, offset);
  }
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  checkFields(text, +m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms) - offset * 60_000);
}

const digit = (text: string, i: number): number => text.charCodeAt(i) - 48;
const number2 = (text: string, i: number): number => digit(text, i) * 10 + digit(text, i + 1);

/** `YYYY-MM-DDTHH:MM:SS` (T or a space) as Moscow wall time, or undefined when it is not that shape. */
function plainStamp(text: string): Date | undefined {
  for (let i = 0; i < 19; i++) {
    const c = text.charCodeAt(i);
    const expected = i === 4 || i === 7 ? 45 : i === 10 ? -1 : i === 13 || i === 16 ? 58 : 0;
    if (expected === 0 ? c < 48 || c > 57 : expected === -1 ? c !== 84 && c !== 32 : c !== expected) return undefined;
  }
  const year = number2(text, 0) * 100 + number2(text, 2);
  const month = number2(text, 5);
  const day = number2(text, 8);
  checkFields(text, year, month, day, number2(text, 11), number2(text, 14), number2(text, 17));
  const key = text.slice(0, 10);
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = zoneOffsetMinutes(new Date(Date.UTC(year, month - 1, day, 12)), MOSCOW);
    offsets.set(key, offset);
  }
  return new Date(Date.UTC(year, month - 1, day, number2(text, 11), number2(text, 14), number2(text, 17)) - offset * 60_000);
}

/** An impossible date or time (`2026-13-45`, `25:00`) throws instead of rolling over into another day. */
function checkFields(text: string, year: number, month: number, day: number, hour: number, minute: number, second: number): void {
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) throw new Error(`invalid timestamp "${text}"`);
}

/** WB's "never" (`0001-01-01T00:00:00`) and empty values become null. */
export function parseWbTimeOrNull(text: unknown): Date | null {
  if (typeof text !== 'string' || text === '' || text.startsWith('0001-01-01')) return null;
  return parseWbTime(text);
}

/** An instant as the Moscow wall time WB expects in `dateFrom` (`2026-11-01T00:00:00`). */
export function toWbDateFrom(date: Date): string {
  const p = zonedParts(date, MOSCOW);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}
