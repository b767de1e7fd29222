import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { KASPI } from '../../core/format.js';
import { currentUser } from '../../core/user.js';
import { resolveStore } from '../../kaspi/merchant/stores.service.js';
import { periodWindow, topProducts } from '../../kaspi-orders/sales.service.js';
import { stateAlmatyWindow } from './orders-common.js';

/** `mp kaspi top [--period 30d] [--limit 20] [--by revenue|units]`: best sellers. */
export async function kaspiTop(ctx: Context, options: { store?: string; period?: string; limit?: string; by?: string }): Promise<void> {
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('KASPI_BAD_LIMIT', `--limit is a positive whole number, got "${options.limit}"`);
  const by = options.by ?? 'revenue';
  if (by !== 'revenue' && by !== 'units') throw new UsageError('KASPI_BAD_BY', `--by is revenue or units, got "${options.by}"`);
  const now = ctx.clock.now();
  const window = periodWindow(options.period, now, '30d');
  const db = (await ctx.db()).db;
  const store = await resolveStore(db, options.store, currentUser(ctx.config));
  const top = await topProducts(db, store.id, window, limit);
  if (ctx.out.json) {
    ctx.out.jsonDocument({ store: store.name, ...top });
    return;
  }
  stateAlmatyWindow(ctx, `Top products of ${store.name} by ${by}`, window);
  const rows = by === 'revenue' ? top.byRevenue : top.byUnits;
  ctx.out.list(
    rows as Array<Record<string, unknown>>,
    [
      { key: 'rank', header: '#', align: 'right' },
      { key: 'productCode', header: 'product', priority: 3 },
      { key: 'name', shrink: true },
      { key: 'revenue', kind: 'money' },
      { key: 'units', kind: 'count' },
      { key: 'orders', kind: 'count', priority: 2 },
      by === 'revenue'
        ? { key: 'unitsRank', header: 'units rank', align: 'right', priority: 4 }
        : { key: 'revenueRank', header: 'revenue rank', align: 'right', priority: 4 },
    ],
    { market: KASPI },
  );
}
