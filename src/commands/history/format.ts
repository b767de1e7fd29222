// How `mp history` charts show times and tenge: Almaty wall time, the one money format.
import { formatMoney } from '../../core/format.js';
import { ALMATY, formatZoned } from '../../core/time.js';

/** Tenge for a terminal (chart axes), from a number of whole tenge. */
export function tenge(value: number): string {
  return formatMoney(String(Math.round(value)), 'KZT').replace(/\u00a0/g, ' ');
}

/** Chart time labels: dates for spans of days, times within a day or two. */
export function chartTime(t: number, spanMs: number): string {
  const text = formatZoned(new Date(t), ALMATY);
  if (spanMs >= 2 * 86_400_000) return text.slice(0, 10);
  // Checks minutes apart (a demo, a re-run by hand) would all read the same minute: add seconds.
  if (spanMs < 10 * 60_000) return `${text.slice(11)}:${String(new Date(t).getUTCSeconds()).padStart(2, '0')}`;
  return text.slice(5);
}
