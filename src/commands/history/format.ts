// How `mp history` shows times and tenge: Almaty wall time and thousands separators on a terminal,
// ISO UTC and plain decimals when piped (for scripts).
import type { Context } from '../../core/context.js';
import { formatThousands } from '../../core/money.js';
import { ALMATY, formatZoned } from '../../core/time.js';

export function timeCell(ctx: Context, date: Date): string | Date {
  return ctx.out.isTTY ? formatZoned(date, ALMATY) : date;
}

export function tengeCell(ctx: Context, value: string | null): string {
  if (value === null) return '';
  return ctx.out.isTTY ? `${formatThousands(value)} ₸` : value;
}

export function tenge(value: number): string {
  return `${formatThousands(String(Math.round(value)))} ₸`;
}

/** Chart time labels: dates for spans of days, times within a day or two. */
export function chartTime(t: number, spanMs: number): string {
  const text = formatZoned(new Date(t), ALMATY);
  if (spanMs >= 2 * 86_400_000) return text.slice(0, 10);
  // Checks minutes apart (a demo, a re-run by hand) would all read the same minute: add seconds.
  if (spanMs < 10 * 60_000) return `${text.slice(11)}:${String(new Date(t).getUTCSeconds()).padStart(2, '0')}`;
  return text.slice(5);
}
