import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { WB } from '../../core/format.js';
import type { Column } from '../../core/output.js';
import { currentUser } from '../../core/user.js';
import { profitPeriod } from '../../profit/period.js';
import { minor, money } from '../../profit/profit-math.js';
import { type WbProfitRow, wbProfit } from '../../profit/wb-profit.service.js';
import { cabinetFor } from '../../wb/cabinet.service.js';

const unknown = (v: string | null) => v ?? 'no cost';

/** `mp wb profit [--days 30 | --from D --to D] [--by product|day] [--cabinet C]`: from the synced realization report. */
export async function wbProfitCommand(ctx: Context, options: { cabinet?: string; from?: string; to?: string; days?: string; by?: string }): Promise<void> {
  const by = (options.by ?? 'product') as 'product' | 'day';
  if (by !== 'product' && by !== 'day') throw new UsageError('WB_BAD_BY', `--by is product or day, got "${options.by}"`);
  const period = profitPeriod(options, ctx.clock.now(), WB.timeZone);
  const db = (await ctx.db()).db;
  const cabinet = await cabinetFor(db, options.cabinet, currentUser(ctx.config));
  const report = await wbProfit(db, cabinet, period, by);
  for (const w of report.warnings) ctx.log.warn(w);
  if (report.rows.length === 0) ctx.log.warn('no realization-report rows in the period: sync them with `mp wb sync --only realization`');
  if (ctx.out.json) {
    ctx.out.jsonDocument(report);
    return;
  }
  const heading = `Profit of ${cabinet.name} by ${by}, ${period.fromDay} – ${period.toDay} (Moscow days), RUB`;
  if (ctx.out.isTTY) ctx.out.text(ctx.out.paint.bold(heading));
  else ctx.log.info(heading);
  const key: Column<WbProfitRow> =
    by === 'product' ? { key: 'nmId', header: 'nmId', get: (r) => r.nmId ?? '—' } : { key: 'day', kind: 'day', get: (r) => r.day };
  const total = { ...report.totals, nmId: 'TOTAL', day: 'TOTAL', vendorCode: '' } as WbProfitRow;
  ctx.out.list(
    [...report.rows, ...(ctx.out.isTTY ? [total] : [])],
    [
      key,
      ...(by === 'product' ? [{ key: 'vendorCode', header: 'vendor code', shrink: true, priority: 4 } as Column<WbProfitRow>] : []),
      { key: 'netUnits', header: 'units', kind: 'count' },
      { key: 'retailAmount', header: 'retail', kind: 'money', priority: 3 },
      { key: 'payout', kind: 'money', get: (r) => sumText(r) },
      { key: 'fees', kind: 'money', priority: 2, get: (r) => feesText(r) },
      { key: 'cost', kind: 'money', get: (r) => unknown(r.cost) },
      { key: 'profit', kind: 'money', get: (r) => unknown(r.profit) },
      { key: 'marginPct', header: 'margin', align: 'right', get: (r) => (r.marginPct === null ? '—' : `${r.marginPct} %`) },
    ],
    { market: WB },
  );
  if (ctx.out.isTTY) ctx.out.text(ctx.out.paint.dim(report.formula));
}

// Display-only sums of the row's exact decimal strings, in kopecks.
function sumText(r: WbProfitRow): string {
  return money(minor(r.forPaySales) - minor(r.forPayReturns) + minor(r.forPayOther) + minor(r.additionalPayment));
}
function feesText(r: WbProfitRow): string {
  return money(minor(r.logistics) + minor(r.storage) + minor(r.penalties) + minor(r.acceptance) + minor(r.deductions));
}
