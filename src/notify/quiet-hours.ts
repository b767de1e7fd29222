// Quiet hours: a daily window in the recipient's time zone during which messages are held (not
// dropped) until the window ends.
import { UsageError } from '../core/errors.js';
import { fromZoned, zonedParts } from '../core/time.js';

const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Parses `22:00-08:00` into its two ends; throws a UsageError naming the flag otherwise. */
export function parseQuietHours(text: string): { start: string; end: string } {
  const [start, end, extra] = text.split('-').map((s) => s.trim());
  if (!start || !end || extra !== undefined || !HHMM.test(start) || !HHMM.test(end) || start === end) {
    throw new UsageError('NOTIFY_BAD_QUIET_HOURS', `--quiet-hours must look like 22:00-08:00 (two different times), got "${text}"`);
  }
  return { start: normalize(start), end: normalize(end) };
}

/** Throws unless `tz` is an IANA time zone this Node knows. */
export function checkTimeZone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    throw new UsageError('NOTIFY_BAD_TIME_ZONE', `--tz must be an IANA time zone such as Europe/Moscow or Asia/Almaty, got "${tz}"`);
  }
}

function normalize(hhmm: string): string {
  const [h, m] = hhmm.split(':');
  return `${h!.padStart(2, '0')}:${m}`;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/**
 * When `now` falls inside the quiet window, the instant it ends (the next `end` wall-clock time in
 * `tz`); otherwise null. Windows may wrap midnight (22:00-08:00).
 */
export function quietUntil(now: Date, quiet: { start: string | null; end: string | null; timeZone: string }): Date | null {
  if (!quiet.start || !quiet.end) return null;
  const p = zonedParts(now, quiet.timeZone);
  const at = p.hour * 60 + p.minute;
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  const inside = start < end ? at >= start && at < end : at >= start || at < end;
  if (!inside) return null;
  const [eh, em] = quiet.end.split(':').map(Number);
  let release = fromZoned({ year: p.year, month: p.month, day: p.day, hour: eh, minute: em }, quiet.timeZone);
  if (release.getTime() <= now.getTime()) {
    // The window ends tomorrow (it wrapped midnight and we are before it): same wall time, next day.
    const tomorrow = zonedParts(new Date(now.getTime() + 86_400_000), quiet.timeZone);
    release = fromZoned({ year: tomorrow.year, month: tomorrow.month, day: tomorrow.day, hour: eh, minute: em }, quiet.timeZone);
  }
  return release;
}
