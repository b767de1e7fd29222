import type { Context } from '../../core/context.js';
import { UserError } from '../../core/errors.js';
import { formatPercent } from '../../core/format.js';
import { operationDeps } from '../../core/operation-deps.js';
import { ALMATY, formatZoned } from '../../core/time.js';
import { currentUser } from '../../core/user.js';
import { type KaspiOrdersSyncResult, syncKaspiOrders } from '../../kaspi-orders/sync.operation.js';
import { almatySince, overlapMs } from './orders-common.js';

interface Options {
  store?: string;
  since?: string;
  overlap?: string;
  withCustomers?: boolean;
  proxy?: string[];
}

/** `mp kaspi orders sync`: pull orders from the Shop API into the database. */
export async function kaspiOrdersSync(ctx: Context, options: Options): Promise<void> {
  const since = options.since ? almatySince(options.since, ctx) : undefined;
  const overlap = overlapMs(options.overlap);
  const deps = await operationDeps(ctx);
  // Started when the window count is known; ticks queue on the same promise, in order.
  let progress: ReturnType<Context['progress']> | undefined;
  let result: KaspiOrdersSyncResult;
  try {
    result = await syncKaspiOrders(deps, {
      store: options.store,
      since,
      overlapMs: overlap,
      withCustomers: options.withCustomers,
      proxies: options.proxy,
      user: currentUser(ctx.config),
      onWindow: (done, total) => {
        progress ??= ctx.progress('14-day windows', total);
        if (done > 0) void progress.then((p) => p.tick());
      },
    });
  } finally {
    if (progress) (await progress).stop();
  }
  if (result.busy) {
    throw new UserError(
      'BUSY',
      `another mp process (cron, the daemon or another terminal: job kaspi.orders) is syncing the orders of store ${result.store.merchant_id} right now: try again later`,
      { details: { lock: result.lock } },
    );
  }
  const summary = result.summary;
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
}
