// The Kaspi orders sync as one unit of work: `mp kaspi orders sync` and the scheduled `kaspi.orders`
// job both call syncKaspiOrders. A store's orders are synced under its lock (`mp.job:kaspi.orders:
// <merchant id>`, the job's lock name), so cron, the daemon and a terminal never sync one store twice
// at once; when another process holds it, nothing is done here.
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { Clock } from '../core/time.js';
import type { DbHandle } from '../db/connect.js';
import { jobLockName, withAdvisoryLock } from '../db/locks.js';
import { shopApiBaseUrl } from '../kaspi/merchant/shop-api.client.js';
import { listStores, type StoreRow } from '../kaspi/merchant/stores.repository.js';
import { resolveStore } from '../kaspi/merchant/stores.service.js';
import { kaspiProxies } from '../kaspi/read-options.js';
import { type SyncOptions, type SyncSummary, syncOrders } from './sync.service.js';

export type { SyncSummary } from './sync.service.js';

export const KASPI_ORDERS_JOB = 'kaspi.orders';

export interface KaspiOrdersSyncDeps {
  handle: DbHandle;
  db: DbHandle['db'];
  config: Config;
  log: Logger;
  clock: Clock;
  secretKey: Buffer;
}

export interface KaspiOrdersSyncOptions extends SyncOptions {
  /** Called with (0, total) before the first 14-day window, then after each window written. */
  onWindow?: (done: number, total: number) => void;
  /** Requests in flight for entries (default 8). */
  concurrency?: number;
  /** `--proxy` values; otherwise MP_KASPI_PROXIES / `kaspi.proxies` (empty: direct). */
  proxies?: string[];
}

export type KaspiOrdersSyncResult = { busy: false; summary: SyncSummary } | { busy: true; store: StoreRow; lock: string };

/** The lock a store's orders sync runs under, on every host and in every process. */
export function kaspiOrdersLockName(store: Pick<StoreRow, 'merchant_id'>): string {
  return jobLockName(KASPI_ORDERS_JOB, store.merchant_id);
}

/** Syncs one store's orders (the named one, or the only one) since its cursor, under the store's lock. */
export async function syncKaspiOrders(deps: KaspiOrdersSyncDeps, options: KaspiOrdersSyncOptions): Promise<KaspiOrdersSyncResult> {
  const store = await resolveStore(deps.db, options.store, options.user);
  const lock = kaspiOrdersLockName(store);
  const { onWindow, concurrency, proxies: proxyFlag, ...rest } = options;
  const proxies = kaspiProxies(deps.config, proxyFlag);
  const locked = await withAdvisoryLock(deps.handle, lock, () =>
    syncOrders(
      {
        db: deps.db,
        secretKey: deps.secretKey,
        baseUrl: shopApiBaseUrl(deps.config),
        now: () => deps.clock.now(),
        log: deps.log,
        onWindow,
        concurrency,
        proxies,
      },
      { ...rest, store: store.merchant_id },
    ),
  );
  if (!locked.acquired) {
    deps.log.info(`kaspi orders (${store.merchant_id}): another mp process is syncing this store's orders right now (lock ${lock}); skipped`);
    return { busy: true, store, lock };
  }
  return { busy: false, summary: locked.value };
}

/** The stores the scheduled job runs for, one run each: those with a Shop API token, by merchant id. */
export async function kaspiOrdersScopes(deps: Pick<KaspiOrdersSyncDeps, 'db'>): Promise<string[]> {
  // Stores without a token have no Shop API access: nothing to run for them.
  return (await listStores(deps.db)).filter((s) => s.token_encrypted).map((s) => s.merchant_id);
}
