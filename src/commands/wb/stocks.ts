import type { Context } from '../../core/context.js';
import { currentUser } from '../../core/user.js';
import { integer } from '../../core/validate.js';
import { cabinetFor } from '../../wb/cabinet.service.js';
import { stocksReport } from '../../wb/report.service.js';
import { stateWindow } from './render.js';

/** `mp wb stocks [--critical [N]]`: stock per product; with --critical only totals ≤ N (default 10). */
export async function wbStocks(ctx: Context, options: { cabinet?: string; critical?: string | boolean }): Promise<void> {
  let critical: number | undefined;
  if (options.critical !== undefined && options.critical !== false) {
    critical = options.critical === true ? 10 : integer(options.critical, '--critical', { min: 0, max: 1_000_000 });
  }
  const db = (await ctx.db()).db;
  const cabinet = await cabinetFor(db, options.cabinet, currentUser(ctx.config));
  const report = await stocksReport(db, cabinet.id, ctx.clock.now(), critical);
  if (ctx.out.json) {
    ctx.out.jsonDocument({ cabinet: cabinet.name, critical: critical ?? null, ...report });
    return;
  }
  stateWindow(ctx, `Stock now; order rate over 30 days`, report.window);
  ctx.out.list(report.products, [
    { key: 'nmId' },
    { key: 'article', priority: 4 },
    { key: 'name', shrink: true },
    { key: 'total', kind: 'count' },
    {
      key: 'sizes',
      get: (p) =>
        Object.entries(p.sizes)
          .map(([s, q]) => `${s}:${q}`)
          .join(' '),
      shrink: true,
      ellipsis: 'end',
      priority: 2,
    },
    { key: 'ordersPerDay30', header: 'orders/day', align: 'right', priority: 3 },
    { key: 'daysLeft', header: 'days left', align: 'right' },
  ]);
}
