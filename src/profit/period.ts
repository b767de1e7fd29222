// The period of a profit report: whole calendar days of the marketplace's zone (Almaty for Kaspi,
// Moscow for WB), from `--from` to `--to` inclusive, or the last `--days` days including today.
import { UsageError } from '../core/errors.js';
import { fromZoned, zonedDate } from '../core/time.js';

export interface ProfitPeriodOptions {
  from?: string;
  to?: string;
  days?: string;
}

export interface ProfitPeriod {
  /** First and last calendar day, YYYY-MM-DD, inclusive. */
  fromDay: string;
  toDay: string;
  /** [from, to): midnight of the first day to midnight after the last, as instants. */
  from: Date;
  to: Date;
  timeZone: string;
}

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

function parseDay(text: string, flag: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const parts = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : null;
  const valid = parts && new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).toISOString().startsWith(text.trim());
  if (!parts || !valid || parts.year < 2000 || parts.year > 2100)
    throw new UsageError('PROFIT_BAD_DATE', `${flag} must be a date like 2026-11-01, got "${text}"`);
  return parts;
}

/** The day after a YYYY-MM-DD day (calendar arithmetic, no zone). */
function nextDay(day: { year: number; month: number; day: number }): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(day.year, day.month - 1, day.day) + DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** `--from/--to` or `--days` (default 30) in `timeZone`'s calendar days. */
export function profitPeriod(o: ProfitPeriodOptions, now: Date, timeZone: string): ProfitPeriod {
  if (o.days !== undefined && (o.from !== undefined || o.to !== undefined))
    throw new UsageError('PROFIT_BAD_PERIOD', 'give either --days or --from/--to, not both');
  if (o.to !== undefined && o.from === undefined) throw new UsageError('PROFIT_BAD_PERIOD', '--to needs --from');
  const today = parseDay(zonedDate(now, timeZone), 'today');
  let first: { year: number; month: number; day: number };
  let last = today;
  if (o.from !== undefined) {
    first = parseDay(o.from, '--from');
    if (o.to !== undefined) last = parseDay(o.to, '--to');
  } else {
    const text = (o.days ?? '30').trim().replace(/d$/, '');
    const days = /^\d+$/.test(text) ? Number(text) : 0;
    if (days < 1 || days > MAX_DAYS) throw new UsageError('PROFIT_BAD_PERIOD', `--days is a number of days from 1 to ${MAX_DAYS}, got "${o.days}"`);
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day) - (days - 1) * DAY_MS);
    first = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  const from = fromZoned(first, timeZone);
  const to = fromZoned(nextDay(last), timeZone);
  if (to <= from) throw new UsageError('PROFIT_BAD_PERIOD', `--to (${o.to}) is before --from (${o.from})`);
  if (to.getTime() - from.getTime() > (MAX_DAYS + 1) * DAY_MS) throw new UsageError('PROFIT_BAD_PERIOD', `the period is at most ${MAX_DAYS} days`);
  const two = (n: number) => String(n).padStart(2, '0');
  const text = (p: { year: number; month: number; day: number }) => `${p.year}-${two(p.month)}-${two(p.day)}`;
  return { fromDay: text(first), toDay: text(last), from, to, timeZone };
}
