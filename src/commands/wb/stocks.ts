import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { cabinetFor } from '../../wb/cabinet.service.js';
import { stocksReport } from '../../wb/report.service.js';
import { stateWindow } from './render.js';

/** `mp wb stocks [--critical [N]]`: stock per product; with --critical only totals ≤ N (default 10). */
export async function wbStocks(ctx: Context, options: { cabinet?: string; critical?: string | boolean }): Promise<number> {
  let critical: number | undefined;
  if (options.critical !== undefined && options.critical !== false) {
    critical = options.critical === true ? 10 : Number(options.critical);
    if (!Number.isInteger(critical) || critical < 0)
      throw new UsageError('WB_BAD_CRITICAL', `--critical takes a whole number of units, got "${options.critical}"`);
  }
  const db = (await ctx.db()).db;
  const cabinet = await cabinetFor(db, options.cabinet);
  const report = await stocksReport(db, cabinet.id, ctx.clock.now(), critical);
  if (ctx.out.json) {
    ctx.out.jsonDocument({ cabinet: cabinet.name, critical: critical ?? null, ...report });
    return 0;
  }
  stateWindow(ctx, `Stock now; order rate over 30 days`, report.window);
  ctx.out.list(report.products, [
    { key: 'nmId' },
    { key: 'article' },
    { key: 'name', shrink: true },
    { key: 'total', align: 'right' },
    {
      key: 'sizes',
      get: (p) =>
        Object.entries(p.sizes)
          .map(([s, q]) => `${s}:${q}`)
          .join(' '),
    },
    { key: 'ordersPerDay30', header: 'orders/day', align: 'right' },
    { key: 'daysLeft', header: 'days left', align: 'right' },
  ]);
  return 0;
}
