import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { WB } from '../../core/format.js';
import type { Column } from '../../core/output.js';
import { currentUser } from '../../core/user.js';
import { cabinetFor } from '../../wb/cabinet.service.js';
import { moscowWindow, salesReport } from '../../wb/report.service.js';
import { stateWindow } from './render.js';

/** `mp wb sales [--period 7d]`: per Moscow day and per product; today against yesterday. */
export async function wbSales(ctx: Context, options: { cabinet?: string; period?: string }): Promise<void> {
  const m = /^(\d+)d$/.exec(options.period ?? '7d');
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 90)
    throw new UsageError('WB_BAD_PERIOD', `--period is a number of days like 7d (1–90), got "${options.period}"`);
  const db = (await ctx.db()).db;
  const cabinet = await cabinetFor(db, options.cabinet, currentUser(ctx.config));
  const now = ctx.clock.now();
  const window = moscowWindow(new Date(now.getTime() - (Number(m[1]) - 1) * 86_400_000), now);
  const report = await salesReport(db, cabinet.id, window);
  if (ctx.out.json) {
    ctx.out.jsonDocument({ cabinet: cabinet.name, ...report });
    return;
  }
  stateWindow(ctx, 'Orders, buyouts and returns per day', window);
  const cols: Column<Record<string, unknown>>[] = [
    { key: 'orders', kind: 'count' },
    { key: 'cancellations', header: 'cancelled', kind: 'count', priority: 3 },
    { key: 'buyouts', kind: 'count' },
    { key: 'returns', kind: 'count', priority: 3 },
    { key: 'ordersSum', header: 'orders sum', kind: 'money' },
    { key: 'buyoutsSum', header: 'buyouts sum', kind: 'money', priority: 2 },
    { key: 'returnsSum', header: 'returns sum', kind: 'money', priority: 4 },
  ];
  const rows = (r: readonly object[]) => r as Array<Record<string, unknown>>;
  ctx.out.list(rows(report.days), [{ key: 'day', kind: 'day' }, ...cols], { market: WB });
  if (ctx.out.isTTY) ctx.out.text('');
  ctx.out.list(rows(report.products), [{ key: 'nmId' }, { key: 'article', priority: 5 }, { key: 'name', shrink: true }, ...cols], { market: WB });
  const t = report.today;
  const y = report.yesterday;
  ctx.log.info(
    `today ${t.day}: ${t.orders} orders (yesterday ${y.orders}), ${t.buyouts} buyouts (yesterday ${y.buyouts}), ${t.returns} returns (yesterday ${y.returns}) — Moscow days`,
  );
}
