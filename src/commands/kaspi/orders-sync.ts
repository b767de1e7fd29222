import type { Context } from '../../core/context.js';
import { formatPercent } from '../../core/format.js';
import { ALMATY, formatZoned } from '../../core/time.js';
import { currentUser } from '../../core/user.js';
import { shopApiBaseUrl } from '../../kaspi/merchant/shop-api.client.js';
import { syncOrders } from '../../kaspi-orders/sync.service.js';
import { almatySince, overlapMs } from './orders-common.js';

interface Options {
  store?: string;
  since?: string;
  overlap?: string;
  withCustomers?: boolean;
}

/** `mp kaspi orders sync`: pull orders from the Shop API into the database. */
export async function kaspiOrdersSync(ctx: Context, options: Options): Promise<number> {
  const since = options.since ? almatySince(options.since, ctx) : undefined;
  const overlap = overlapMs(options.overlap);
  const db = (await ctx.db()).db;
  // Started when the window count is known; ticks queue on the same promise, in order.
  let progress: ReturnType<Context['progress']> | undefined;
  let summary: Awaited<ReturnType<typeof syncOrders>>;
  try {
    summary = await syncOrders(
      {
        db,
        secretKey: await ctx.secretKey(),
        baseUrl: shopApiBaseUrl(ctx.config),
        now: () => ctx.clock.now(),
        log: ctx.log,
        onWindow: (done, total) => {
          progress ??= ctx.progress('14-day windows', total);
          if (done > 0) void progress.then((p) => p.tick());
        },
      },
      { store: options.store, since, overlapMs: overlap, withCustomers: options.withCustomers, user: currentUser(ctx.config.env) },
    );
  } finally {
    if (progress) (await progress).stop();
  }
  const record = {
    store: summary.store,
    from: ctx.out.json ? summary.from : `${formatZoned(summary.from, ALMATY)} Almaty`,
    to: ctx.out.json ? summary.to : `${formatZoned(summary.to, ALMATY)} Almaty`,
    windows: summary.windows,
    orders: summary.orders,
    new: summary.inserted,
    updated: summary.updated,
    status_changed: summary.statusChanged,
    entries_read: summary.entriesRead,
    customers: summary.customers ? 'stored (masked in output)' : 'not stored',
    events: summary.events,
    cancel_share: summary.cancelShare
      ? ctx.out.json
        ? summary.cancelShare
        : `${formatPercent(summary.cancelShare.share, 'en')} (${summary.cancelShare.cancelled} of ${summary.cancelShare.orders} orders in 30 Almaty days: ${summary.cancelShare.level})`
      : null,
  };
  if (ctx.out.json) ctx.out.jsonDocument(record);
  else ctx.out.object(record);
  return 0;
}
