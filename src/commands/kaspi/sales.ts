import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { currentUser } from '../../core/user.js';
import { resolveStore } from '../../kaspi/merchant/stores.service.js';
import { type Bucket, periodWindow, salesReport } from '../../kaspi-orders/sales.service.js';
import { stateAlmatyWindow } from './orders-common.js';

const BUCKET_COLUMNS = [
  { key: 'orders', align: 'right' as const },
  { key: 'sold', align: 'right' as const },
  { key: 'revenue', align: 'right' as const },
  { key: 'aov', header: 'AOV', align: 'right' as const },
  { key: 'units', align: 'right' as const },
  { key: 'cancelled', align: 'right' as const },
  { key: 'returned', align: 'right' as const },
];

/** `mp kaspi sales [--period 7d] [--by day|product|city]`: Almaty-day sales with comparisons. */
export async function kaspiSales(ctx: Context, options: { store?: string; period?: string; by?: string }): Promise<number> {
  const by = (options.by ?? 'day') as 'day' | 'product' | 'city';
  if (!['day', 'product', 'city'].includes(by)) throw new UsageError('KASPI_BAD_BY', `--by is day, product or city, got "${options.by}"`);
  const now = ctx.clock.now();
  const window = periodWindow(options.period, now);
  const db = (await ctx.db()).db;
  const store = await resolveStore(db, options.store, currentUser(ctx.config.env));
  const report = await salesReport(db, store.id, window, by, now);
  if (ctx.out.json) {
    ctx.out.jsonDocument({ store: store.name, ...report });
    return 0;
  }
  stateAlmatyWindow(ctx, `Sales of ${store.name} by ${by}`, window);
  const rows = report.rows as Array<Record<string, unknown>>;
  if (by === 'product') {
    ctx.out.list(rows, [
      { key: 'productCode', header: 'product' },
      { key: 'name', shrink: true },
      { key: 'orders', align: 'right' },
      { key: 'units', align: 'right' },
      { key: 'revenue', align: 'right' },
      { key: 'cancelledUnits', header: 'cancelled units', align: 'right' },
      { key: 'returnedUnits', header: 'returned units', align: 'right' },
    ]);
  } else {
    ctx.out.list(rows, [{ key: by, get: (r) => r[by] || '—' }, ...BUCKET_COLUMNS]);
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
    ctx.out.list(compare, [{ key: 'period' }, ...BUCKET_COLUMNS]);
    ctx.out.text(ctx.out.paint.dim(`Almaty time. sold = not cancelled and not returned; revenue = their totals; AOV = revenue / sold.`));
  } else {
    const t = report.today;
    const y = report.yesterday;
    ctx.log.info(
      `today ${t.orders} orders / ${t.revenue} ₸ (yesterday ${y.orders} / ${y.revenue} ₸); this week ${report.thisWeek.revenue} ₸ (last week ${report.lastWeek.revenue} ₸) — Almaty days`,
    );
  }
  return 0;
}
