import type { Context } from '../../core/context.js';
import { KASPI } from '../../core/format.js';
import { currentUser } from '../../core/user.js';
import { resolveStore } from '../../kaspi/merchant/stores.service.js';
import { commissionTable } from '../../profit/kaspi-commissions.js';
import { type KaspiProfitRow, kaspiProfit } from '../../profit/kaspi-profit.service.js';
import { profitPeriod } from '../../profit/period.js';

const pct = (v: string | null) => (v === null ? '—' : `${v} %`);
const unknown = (v: string | null) => v ?? 'no cost';

/** `mp kaspi profit [--days 30 | --from D --to D] [--store S]`: profit per product and in total. */
export async function kaspiProfitCommand(ctx: Context, options: { store?: string; from?: string; to?: string; days?: string }): Promise<void> {
  const period = profitPeriod(options, ctx.clock.now(), KASPI.timeZone);
  const db = (await ctx.db()).db;
  const store = await resolveStore(db, options.store, currentUser(ctx.config));
  const report = await kaspiProfit(db, store, period, commissionTable(ctx.config));
  for (const w of report.warnings) ctx.log.warn(w);
  if (ctx.out.json) {
    ctx.out.jsonDocument({ store: store.name, ...report });
    return;
  }
  const heading = `Profit of ${store.name}, ${period.fromDay} – ${period.toDay} (Almaty days), KZT`;
  if (ctx.out.isTTY) ctx.out.text(ctx.out.paint.bold(heading));
  else ctx.log.info(heading);
  const total = { productCode: 'TOTAL', name: '', orders: null, ...report.totals } as unknown as KaspiProfitRow;
  ctx.out.list(
    [...report.rows, ...(ctx.out.isTTY ? [total] : [])],
    [
      { key: 'productCode', header: 'product', priority: 1 },
      { key: 'name', shrink: true, priority: 3 },
      { key: 'units', kind: 'count' },
      { key: 'revenue', kind: 'money' },
      { key: 'commission', kind: 'money', priority: 2 },
      { key: 'delivery', kind: 'money', priority: 2 },
      { key: 'cost', kind: 'money', get: (r) => unknown(r.cost) },
      { key: 'profit', kind: 'money', get: (r) => unknown(r.profit) },
      { key: 'marginPct', header: 'margin', get: (r) => pct(r.marginPct), align: 'right' },
    ],
    { market: KASPI },
  );
  if (ctx.out.isTTY) ctx.out.text(ctx.out.paint.dim(report.formula));
}
