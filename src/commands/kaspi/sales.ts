import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { formatMoney, KASPI } from '../../core/format.js';
import type { Column } from '../../core/output.js';
import { currentUser } from '../../core/user.js';
import { resolveStore } from '../../kaspi/merchant/stores.service.js';
import { type Bucket, periodWindow, salesReport } from '../../kaspi-orders/sales.service.js';
import { stateAlmatyWindow } from './orders-common.js';

const BUCKET_COLUMNS: Column<Record<string, unknown>>[] = [
  { key: 'orders', kind: 'count' },
  { key: 'sold', kind: 'count' },
  { key: 'revenue', kind: 'money' },
  { key: 'aov', header: 'AOV', kind: 'money', priority: 2 },
  { key: 'units', kind: 'count', priority: 3 },
  { key: 'cancelled', kind: 'count', priority: 4 },
  { key: 'returned', kind: 'count', priority: 4 },
];

/** `mp kaspi sales [--period 7d] [--by day|product|city]`: Almaty-day sales with comparisons. */
export async function kaspiSales(ctx: Context, options: { store?: string; period?: string; by?: string }): Promise<void> {
  const by = (options.by ?? 'day') as 'day' | 'product' | 'city';
  if (!['day', 'product', 'city'].includes(by)) throw new UsageError('KASPI_BAD_BY', `--by is day, product or city, got "${options.by}"`);
  const now = ctx.clock.now();
  const window = periodWindow(options.period, now);
  const db = (await ctx.db()).db;
  const store = await resolveStore(db, options.store, currentUser(ctx.config));
  const report = await salesReport(db, store.id, window, by, now);
  if (ctx.out.json) {
    ctx.out.jsonDocument({ store: store.name, ...report });
    return;
  }
  stateAlmatyWindow(ctx, `Sales of ${store.name} by ${by}`, window);
  const rows = report.rows as Array<Record<string, unknown>>;
  if (by === 'product') {
    ctx.out.list(
      rows,
      [
        { key: 'productCode', header: 'product', priority: 3 },
        { key: 'name', shrink: true },
        { key: 'orders', kind: 'count' },
        { key: 'units', kind: 'count' },
        { key: 'revenue', kind: 'money' },
        { key: 'cancelledUnits', header: 'cancelled', kind: 'count', priority: 4 },
        { key: 'returnedUnits', header: 'returned', kind: 'count', priority: 4 },
      ],
      { market: KASPI },
    );
  } else {
    ctx.out.list(rows, [{ key: by, kind: by === 'day' ? 'day' : 'text', get: (r) => r[by] || '—' }, ...BUCKET_COLUMNS], { market: KASPI });
  }
  const compare = [
    { period: 'total', ...report.totals },
    { period: 'today (so far)', ...report.today },
    { period: 'yesterday', ...report.yesterday },
    { period: 'this week (Mon–now)', ...report.thisWeek },
    { period: 'last week', ...report.lastWeek },
  ] as Array<Bucket & { period: string }>;
  if (ctx.out.isTTY) {
    ctx.out.text('');
    ctx.out.list(compare as unknown as Array<Record<string, unknown>>, [{ key: 'period' }, ...BUCKET_COLUMNS], { market: KASPI });
    ctx.out.text(ctx.out.paint.dim(`Almaty time. sold = not cancelled and not returned; revenue = their totals; AOV = revenue / sold.`));
  } else {
    const t = report.today;
    const y = report.yesterday;
    ctx.log.info(
      `today ${t.orders} orders / ${formatMoney(t.revenue, 'KZT')} (yesterday ${y.orders} / ${formatMoney(y.revenue, 'KZT')}); this week ${formatMoney(report.thisWeek.revenue, 'KZT')} (last week ${formatMoney(report.lastWeek.revenue, 'KZT')}) — Almaty days`,
    );
  }
}
