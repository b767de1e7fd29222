// `mp kaspi sales` and `mp kaspi top`: counts, revenue, average order value, cancellations and
// returns in Almaty days, today against yesterday and this week against last.
import type { Kysely } from 'kysely';
import { UsageError } from '../core/errors.js';
import { fromMinor, normalizeDecimal, toMinor } from '../core/money.js';
import { ALMATY, formatZoned, fromZoned, startOfZonedDay, zonedDate, zonedParts, zoneOffsetMinutes } from '../core/time.js';
import type { Database } from '../db/schema.js';
import { CANCELLED_STATUSES, type OrderGrouping, orderBuckets, productTotals, type RawBucket, RETURNED_STATUSES } from './sales.repository.js';

const DAY = 86_400_000;

export interface AlmatyWindow {
  from: Date;
  to: Date;
  timeZone: typeof ALMATY;
  /** "2026-11-14 00:00 – 2026-11-20 15:04 Almaty time" */
  text: string;
}

export interface Bucket {
  orders: number;
  sold: number;
  revenue: string;
  /** Average order value: revenue / sold orders, 2 decimals. */
  aov: string;
  units: number;
  cancelled: number;
  cancelledSum: string;
  returned: number;
  returnedSum: string;
}

export const DEFINITIONS = {
  timeZone: `${ALMATY} (days start at Almaty midnight)`,
  sold: `orders whose status is neither cancelled (${CANCELLED_STATUSES.join(', ')}) nor returned (${RETURNED_STATUSES.join(', ')})`,
  revenue: 'sum of totalPrice of sold orders, tenge',
  aov: 'revenue / sold orders',
  window: 'orders by creation time',
};

/** Parses `--period 7d` (1–366 days) into the Almaty window from the first day's midnight to now. */
export function periodWindow(period: string | undefined, now: Date, fallback = '7d'): AlmatyWindow {
  const m = /^(\d+)d$/.exec(period ?? fallback);
  const days = m ? Number(m[1]) : 0;
  if (days < 1 || days > 366) throw new UsageError('KASPI_BAD_PERIOD', `--period is a number of days like 7d or 30d (1–366), got "${period}"`);
  return almatyWindow(new Date(now.getTime() - (days - 1) * DAY), now);
}

/** From the Almaty midnight of `from`'s day to `to`: whole Almaty days (sales periods). */
export function almatyWindow(from: Date, to: Date): AlmatyWindow {
  return sinceWindow(startOfZonedDay(from, ALMATY), to);
}

/** Exactly [from, to], stated in Almaty time (`mp kaspi orders --since 12h` means the last 12 hours). */
export function sinceWindow(from: Date, to: Date): AlmatyWindow {
  return { from, to, timeZone: ALMATY, text: `${formatZoned(from, ALMATY)} – ${formatZoned(to, ALMATY)} Almaty time` };
}

/** Every Almaty day of the window as YYYY-MM-DD, oldest first. */
export function almatyDays(window: AlmatyWindow): string[] {
  const days: string[] = [];
  // Kazakhstan keeps one offset all year: stepping 24 h from a midnight lands on the next midnight.
  for (let t = startOfZonedDay(window.from, ALMATY).getTime(); t < window.to.getTime(); t += DAY) days.push(zonedDate(new Date(t), ALMATY));
  return days;
}

function bucket(raw: RawBucket | undefined): Bucket {
  const sold = Number(raw?.sold ?? 0);
  const revenue = normalizeDecimal(raw?.revenue ?? '0');
  const minor = toMinor(normalizeDecimal(revenue, 2));
  const aov = sold ? normalizeDecimal(fromMinor((minor * 2n + BigInt(sold)) / (2n * BigInt(sold)))) : '0';
  return {
    orders: Number(raw?.orders ?? 0),
    sold,
    revenue,
    aov,
    units: Number(raw?.units ?? 0),
    cancelled: Number(raw?.cancelled ?? 0),
    cancelledSum: normalizeDecimal(raw?.cancelled_sum ?? '0'),
    returned: Number(raw?.returned ?? 0),
    returnedSum: normalizeDecimal(raw?.returned_sum ?? '0'),
  };
}

async function total(db: Kysely<Database>, storeId: string, from: Date, to: Date, offset: number): Promise<Bucket> {
  return bucket((await orderBuckets(db, storeId, from, to, 'total', offset))[0]);
}

/** The sales report: the window's totals, rows by day/city/product, and the day and week comparisons. */
export async function salesReport(db: Kysely<Database>, storeId: string, window: AlmatyWindow, by: 'day' | 'city' | 'product', now: Date) {
  const offset = zoneOffsetMinutes(now, ALMATY);
  const today = startOfZonedDay(now, ALMATY);
  const yesterday = startOfZonedDay(new Date(today.getTime() - DAY / 2), ALMATY);
  const p = zonedParts(now, ALMATY);
  const weekday = (new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7; // Monday = 0
  const mondayParts = zonedParts(new Date(today.getTime() - weekday * DAY + DAY / 2), ALMATY);
  const thisWeek = fromZoned({ year: mondayParts.year, month: mondayParts.month, day: mondayParts.day }, ALMATY);
  const lastWeek = startOfZonedDay(new Date(thisWeek.getTime() - 7 * DAY + DAY / 2), ALMATY);
  let rows: Array<Record<string, unknown>>;
  if (by === 'product') rows = (await productTotals(db, storeId, window.from, window.to)).map(productRow);
  else {
    const buckets = await orderBuckets(db, storeId, window.from, window.to, by as OrderGrouping, offset);
    if (by === 'day') {
      // Every day of the period, a day without orders as zeros (a gap in a daily report is a figure too).
      const byDay = new Map(buckets.map((b) => [b.key, b]));
      rows = almatyDays(window).map((day) => ({ day, ...bucket(byDay.get(day)) }));
    } else rows = buckets.map((r) => ({ [by]: r.key, ...bucket(r) }));
  }
  return {
    timeZone: ALMATY,
    window,
    definitions: DEFINITIONS,
    totals: await total(db, storeId, window.from, window.to, offset),
    by,
    rows,
    today: { from: today, ...(await total(db, storeId, today, now, offset)), note: 'so far' },
    yesterday: { from: yesterday, ...(await total(db, storeId, yesterday, today, offset)) },
    thisWeek: { from: thisWeek, ...(await total(db, storeId, thisWeek, now, offset)), note: 'Monday to now' },
    lastWeek: { from: lastWeek, ...(await total(db, storeId, lastWeek, thisWeek, offset)), note: 'full week' },
  };
}

function productRow(r: Awaited<ReturnType<typeof productTotals>>[number]) {
  return {
    productCode: r.product_code,
    name: r.product_name,
    orders: Number(r.orders),
    units: Number(r.units),
    revenue: normalizeDecimal(r.revenue),
    cancelledUnits: Number(r.cancelled_units),
    returnedUnits: Number(r.returned_units),
  };
}

/** Products ranked by revenue and by units sold in the window (ties broken by product code). */
export async function topProducts(db: Kysely<Database>, storeId: string, window: AlmatyWindow, limit: number) {
  const products = (await productTotals(db, storeId, window.from, window.to)).map(productRow).filter((p) => p.units > 0);
  const byRevenue = [...products].sort(
    (a, b) => cmpDesc(toMinor(normalizeDecimal(a.revenue, 2)), toMinor(normalizeDecimal(b.revenue, 2))) || a.productCode.localeCompare(b.productCode),
  );
  const byUnits = [...products].sort((a, b) => b.units - a.units || a.productCode.localeCompare(b.productCode));
  const unitRank = new Map(byUnits.map((p, i) => [p.productCode, i + 1]));
  const revenueRank = new Map(byRevenue.map((p, i) => [p.productCode, i + 1]));
  return {
    timeZone: ALMATY,
    window,
    definitions: DEFINITIONS,
    byRevenue: byRevenue.slice(0, limit).map((p, i) => ({ rank: i + 1, unitsRank: unitRank.get(p.productCode)!, ...p })),
    byUnits: byUnits.slice(0, limit).map((p, i) => ({ rank: i + 1, revenueRank: revenueRank.get(p.productCode)!, ...p })),
  };
}

function cmpDesc(a: bigint, b: bigint): number {
  return a > b ? -1 : a < b ? 1 : 0;
}
