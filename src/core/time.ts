import { InputError, parseWallClock, YEARS } from './validate.js';

/** Time zones at the edges: WB speaks Moscow time, Kaspi Almaty time. Everything inside is UTC. */
export const MOSCOW = 'Europe/Moscow';
export const ALMATY = 'Asia/Almaty';

/** The clock, injected so tests can move time. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock fields of an instant in a time zone. */
export function zonedParts(date: Date, tz: string): ZonedParts {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(date)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { year: out.year ?? 0, month: out.month ?? 0, day: out.day ?? 0, hour: out.hour ?? 0, minute: out.minute ?? 0, second: out.second ?? 0 };
}

/** The offset of a zone from UTC at an instant, in minutes (Moscow: +180). */
export function zoneOffsetMinutes(date: Date, tz: string): number {
  const p = zonedParts(date, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

/** The instant at which a zone's wall clock shows the given fields. */
export function fromZoned(parts: Partial<ZonedParts> & { year: number; month: number; day: number }, tz: string): Date {
  const guess = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  let offset = zoneOffsetMinutes(new Date(guess), tz);
  let result = guess - offset * 60000;
  const second = zoneOffsetMinutes(new Date(result), tz);
  if (second !== offset) {
    offset = second;
    result = guess - offset * 60000;
  }
  return new Date(result);
}

/** Midnight of the zone's calendar day containing `date`, as an instant. */
export function startOfZonedDay(date: Date, tz: string): Date {
  const p = zonedParts(date, tz);
  return fromZoned({ year: p.year, month: p.month, day: p.day }, tz);
}

/** `YYYY-MM-DD` of the zone's calendar day containing `date`. */
export function zonedDate(date: Date, tz: string): string {
  const p = zonedParts(date, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * Parses a timestamp that a marketplace sent: with an offset or `Z` it is taken as is; without one
 * it is wall-clock time in `tz` (WB sends Moscow time without an offset). Strict: an impossible
 * date or time (`2026-13-45`, `25:00`) throws instead of rolling over.
 */
export function parseZonedTimestamp(text: string, tz: string): Date {
  const w = parseWallClock(text);
  if (!w) throw new Error(`invalid timestamp "${text}"`);
  if (w.offsetMinutes !== undefined) {
    return new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond) - w.offsetMinutes * 60_000);
  }
  const base = fromZoned({ year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute, second: w.second }, tz);
  return new Date(base.getTime() + w.millisecond);
}

/** Formats an instant as `YYYY-MM-DD HH:mm` wall-clock time in a zone. */
export function formatZoned(date: Date, tz: string): string {
  const p = zonedParts(date, tz);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

/** The oldest `--since` age accepted: older is a typo (and 99999999d would overflow a date). */
export const MAX_SINCE_MS = 20 * 365 * 86_400_000;

/**
 * Parses `--since`: a relative age (`90m`, `12h`, `7d`, `2w`, at most 20 years) back from now, or a
 * date (`2026-11-01`, midnight in `tz`) or an ISO timestamp, strictly (`2026-13-45` is a usage
 * error, not 2027-02-14) and between 1970 and 2100.
 */
export function parseSince(text: string, now: Date, tz = 'UTC', label = '--since'): Date {
  const reason = 'must be an age like 7d, 12h, 2w or a date like 2026-11-01';
  const rel = /^(\d+)\s*(m|min|h|d|w)$/i.exec(text.trim());
  if (rel) {
    const unit = rel[2]!.toLowerCase();
    const ms = Number(rel[1]) * (unit.startsWith('m') ? 60_000 : unit === 'h' ? 3_600_000 : unit === 'd' ? 86_400_000 : 7 * 86_400_000);
    if (ms > MAX_SINCE_MS) throw new InputError(label, `must be at most ${MAX_SINCE_MS / 86_400_000}d back`, { value: text, code: 'BAD_SINCE' });
    return new Date(now.getTime() - ms);
  }
  const w = parseWallClock(text);
  if (!w) {
    if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) throw new InputError(label, 'is not a date on the calendar', { value: text, code: 'BAD_SINCE' });
    throw new InputError(label, reason, { value: text, code: 'BAD_SINCE' });
  }
  if (w.year < YEARS.min || w.year > YEARS.max)
    throw new InputError(label, `must be a date between ${YEARS.min} and ${YEARS.max}`, { value: text, code: 'BAD_SINCE' });
  return parseZonedTimestamp(text, tz);
}
