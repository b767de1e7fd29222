import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { KASPI } from '../../core/format.js';
import { currentUser } from '../../core/user.js';
import { ORDER_STATES } from '../../kaspi/merchant/shop-api.parser.js';
import { resolveStore } from '../../kaspi/merchant/stores.service.js';
import { ordersReport } from '../../kaspi-orders/orders.service.js';
import { sinceWindow } from '../../kaspi-orders/sales.service.js';
import { almatySince, stateAlmatyWindow } from './orders-common.js';

interface Options {
  store?: string;
  since?: string;
  state?: string;
  status?: string;
  limit?: string;
}

/** `mp kaspi orders`: stored orders, newest first, Almaty time, customers masked. */
export async function kaspiOrders(ctx: Context, options: Options): Promise<void> {
  const state = options.state?.toUpperCase();
  if (state && !(ORDER_STATES as readonly string[]).includes(state))
    throw new UsageError('KASPI_BAD_STATE', `--state is one of ${ORDER_STATES.join(', ')}, got "${options.state}"`);
  const limit = options.limit === undefined ? 1000 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('KASPI_BAD_LIMIT', `--limit is a positive whole number, got "${options.limit}"`);
  const window = sinceWindow(almatySince(options.since ?? '7d', ctx), ctx.clock.now());
  const db = (await ctx.db()).db;
  const store = await resolveStore(db, options.store, currentUser(ctx.config));
  const rows = await ordersReport(db, store.id, { since: window.from, state, status: options.status?.toUpperCase(), limit });
  if (ctx.out.json) {
    ctx.out.jsonDocument({ store: store.name, timeZone: window.timeZone, window, orders: rows });
    return;
  }
  stateAlmatyWindow(ctx, `${rows.length} orders of ${store.name}`, window);
  ctx.out.list(
    rows,
    [
      { key: 'createdAt', header: 'created', kind: 'time' },
      { key: 'code' },
      { key: 'state', priority: 4 },
      { key: 'status', shrink: true, ellipsis: 'end' },
      { key: 'totalPrice', header: 'total', kind: 'money' },
      { key: 'units', kind: 'count', priority: 5 },
      { key: 'products', shrink: true, priority: 2 },
      { key: 'city', priority: 3 },
      { key: 'customer', priority: 6 },
      { key: 'phone', priority: 7 },
    ],
    { market: KASPI },
  );
}
