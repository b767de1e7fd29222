// The repricer, once: `mp demper plan`, `mp demper run` and the scheduled demper.run job call these
// with typed options (issue 16). Plan and run share choosing the stores and reading offers, so they
// live together. A run takes its own locks: one per store and shard for the run itself (two shards
// of one store run side by side, two runs of the same shard never do) and, when it sends prices, the
// merchant's write lock (write-lock.ts), so the scheduled job is paced with the command and with
// every other shard. A plan writes nothing and takes no lock.
import type { Config } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { type Shard, shardLabel } from '../core/shard.js';
import type { DbHandle } from '../db/connect.js';
import { withLocksOrBusy } from '../db/locks.js';
import type { HttpClient } from '../http/client.js';
import { createMcClient, mcBaseUrl } from '../kaspi/merchant/mc-client.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { selectStores } from '../kaspi/merchant/stores.service.js';
import type { MarginRules } from '../profit/floor.service.js';
import { createOffersClient, kaspiOffersFetcher, type OffersFetcher } from './offers-source.js';
import { type PlanItem, planRepricing } from './plan.service.js';
import { type RunDeps, type RunReport, runRepricing } from './run.service.js';
import type { RunRules } from './strategy.js';
import { merchantWriteLock } from './write-lock.js';

export { MAX_WRITE_RATE } from './run.service.js';

export interface DemperDeps {
  handle: DbHandle;
  /** MP_KASPI_URL (offers) and MP_KASPI_MC_URL (price writes). */
  config: Config;
  log: Logger;
  now: () => Date;
  secretKey: () => Promise<Buffer>;
  /** Tests: offers from here instead of Kaspi's offers API. */
  offers?: OffersFetcher;
  /** Tests: the write lock's poll interval and the write pacer's clock (run.service.ts). */
  run?: Pick<RunDeps, 'sleep' | 'clock'> & { lockPollMs?: number };
}

export interface DemperPlanOptions {
  /** A store's merchant id or name; undefined = every store (of `user`). */
  store?: string;
  /** MP_USER: only this user's stores. */
  user?: string;
  shard?: Shard;
  rules: Omit<RunRules, 'ownMerchantId'>;
  /** Offer reads in flight at once. */
  concurrency: number;
  /** Offer reads per second per exit IP (0 = unlimited). */
  offersRate: number;
  /** Proxy URLs for the offer reads, used in turn. */
  proxies?: readonly string[];
  margin: MarginRules;
  /** Called as each product and city is decided (failed: its offers could not be read). */
  onProgress?: (failed: boolean) => void;
}

export interface DemperRunOptions extends DemperPlanOptions {
  /** Send the changes (else a dry run that records the decisions). */
  apply: boolean;
  via: 'api' | 'xml';
  /** Price writes per second per merchant (≤ MAX_WRITE_RATE). */
  writeRate: number;
  /** Where `--via xml` writes the price list. */
  exportDir: string;
}

/** The lock of a demper run of one store and shard. */
export function runLockName(merchantId: string, shard: Shard | undefined): string {
  return `demper.run:${merchantId}:${shardLabel(shard)}`;
}

/** Plans every enabled product (of the store or stores, of the shard) in each of its cities; writes nothing. */
export async function planDemper(deps: DemperDeps, o: DemperPlanOptions): Promise<PlanItem[]> {
  const { stores, offers, close } = await prepare(deps, o);
  try {
    return await planRepricing(deps.handle.db, offers, planOptions(deps, o, stores));
  } finally {
    await close();
  }
}

/**
 * Plans and, with `apply`, sends the changes (or writes the XML price list); every decision is
 * recorded. Holds the run lock of each store and shard for the whole run (LockBusy when another
 * process or host runs the same store and shard) and the merchant's write lock while it sends.
 */
export async function runDemper(deps: DemperDeps, o: DemperRunOptions): Promise<RunReport> {
  if (o.via === 'xml' && o.shard) throw new UsageError('BAD_OPTION', '--via xml writes the whole price list of a store: it cannot be combined with --shard');
  const { stores, offers, close } = await prepare(deps, o);
  let mc: HttpClient | undefined;
  try {
    const names = stores.map((s) => runLockName(s.merchant_id, o.shard));
    const what = (busy: string) => {
      const store = stores.find((s) => runLockName(s.merchant_id, o.shard) === busy);
      return `the demper run of store ${store?.merchant_id ?? busy}${o.shard ? ` (shard ${o.shard.index}/${o.shard.count})` : ''}`;
    };
    return await withLocksOrBusy(deps.handle, names, what, async () => {
      mc = createMcClient(mcBaseUrl(deps.config), deps.log);
      const runDeps: RunDeps = {
        offers,
        mc,
        key: await deps.secretKey(),
        now: deps.now,
        writeLock: merchantWriteLock(deps.handle, deps.run?.lockPollMs),
        sleep: deps.run?.sleep,
        clock: deps.run?.clock,
      };
      return runRepricing(deps.handle.db, runDeps, {
        ...planOptions(deps, o, stores),
        apply: o.apply,
        via: o.via,
        writeRate: o.writeRate,
        exportDir: o.exportDir,
      });
    });
  } finally {
    await Promise.all([close(), mc?.close()]);
  }
}

/** What a plan and a run both decide from: the stores, shard, rules and margin of the options. */
function planOptions(deps: DemperDeps, o: DemperPlanOptions, stores: StoreRow[]) {
  return { stores, shard: o.shard, rules: o.rules, concurrency: o.concurrency, now: deps.now(), onProgress: o.onProgress, margin: o.margin };
}

async function prepare(deps: DemperDeps, o: DemperPlanOptions): Promise<{ stores: StoreRow[]; offers: OffersFetcher; close: () => Promise<void> }> {
  const stores = await selectStores(deps.handle.db, o.store, o.user);
  if (stores.length === 0) throw new UsageError('STORE_NONE', 'no Kaspi store yet: add one with `mp demper store login` or `mp demper store add`');
  const now = deps.now();
  for (const s of stores) {
    if (s.paused_until && s.paused_until > now) {
      deps.log.warn(`${s.merchant_id}: price writes paused until ${s.paused_until.toISOString()} (Kaspi answered 429); run --apply skips it until then`);
    }
  }
  if (deps.offers) return { stores, offers: deps.offers, close: async () => {} };
  const client = createOffersClient(deps.config, o.offersRate, deps.log, o.proxies);
  return { stores, offers: kaspiOffersFetcher(client), close: () => client.close() };
}
