// `mp demper run`: plan, then (with --apply) send each change through the cabinet's price endpoint
// at ≤ 1.5 requests/s per merchant, or write the XML price list. A 429 pauses that merchant for 30
// minutes, persisted so the next run does not call it. Every decision becomes a price_changes row.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { UserError } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import type { HttpClient } from '../http/client.js';
import { pushPrice } from '../kaspi/merchant/mc-client.js';
import { findStore, recordSessionCheck, type StoreRow, setPause } from '../kaspi/merchant/stores.repository.js';
import { renewCommand, sessionCookie } from '../kaspi/merchant/stores.service.js';
import { recordKaspiAccess } from '../notify/kaspi-access.service.js';
import { insertKaspiEvents } from '../notify/kaspi-events.repository.js';
import { repricerEvents } from '../notify/repricer-events.js';
import { type CityOutcome, recordCityOutcomes, setListPrices } from './city-prices.repository.js';
import type { OffersFetcher } from './offers-source.js';
import { type PlanItem, type PlanOptions, planRepricing } from './plan.service.js';
import { insertPriceChanges, type PriceChangeInsert } from './price-changes.repository.js';
import { type PriceOutcome, recordOutcomes } from './products.repository.js';
import type { WriteLock } from './write-lock.js';
import { writeStoreFeed } from './xml-feed.service.js';

export const PAUSE_MS = 30 * 60_000;
/** Kaspi bans the account at ~3 writes/s; 1.5/s is the safe rate the reference bots settled on. */
export const MAX_WRITE_RATE = 1.5;

export type Mode = 'dry-run' | 'applied' | 'unchanged' | 'failed' | 'skipped' | 'xml';

export interface RunItem extends PlanItem {
  mode: Mode;
  runError?: string;
}

export interface RunOptions extends PlanOptions {
  apply: boolean;
  via: 'api' | 'xml';
  /** Price writes per second per merchant (≤ 1.5). */
  writeRate: number;
  exportDir: string;
}

export interface RunDeps {
  offers: OffersFetcher;
  mc?: HttpClient;
  key: Buffer;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** The write pacer's clock: monotonic milliseconds (default performance.now). */
  clock?: () => number;
  /** Serialises a merchant's price writes across processes (default: none). */
  writeLock?: WriteLock;
}

export interface StoreReport {
  merchant_id: string;
  name: string;
  planned: number;
  changes: number;
  applied: number;
  failed: number;
  skipped: number;
  paused_until: Date | null;
  note?: string;
  xml?: string;
}

export interface RunReport {
  runId: string;
  items: RunItem[];
  stores: StoreReport[];
}

/** Runs the repricer once; returns every decision with how it was handled, per store. */
export async function runRepricing(db: Kysely<Database>, deps: RunDeps, o: RunOptions): Promise<RunReport> {
  const runId = `${o.now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const planned = await planRepricing(db, deps.offers, o);
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = deps.clock ?? (() => performance.now());
  const reports = await Promise.all(
    o.stores.map(async (store) => {
      const items = planned.filter((i) => i.store.id === store.id);
      let run: ApiRun & { xml?: string };
      if (!o.apply) run = { items: items.map((i) => ({ ...i, mode: i.decision.change ? 'dry-run' : 'unchanged' })) };
      else if (o.via === 'xml') run = await viaXml(db, store, items, o);
      else {
        const lock: WriteLock = deps.writeLock ?? ((_m, fn) => fn());
        // Another host may have hit a 429 while we waited for the lock: re-read the pause.
        run = await lock(store.merchant_id, async () =>
          viaApi(db, deps, (await findStore(db, store.merchant_id)) ?? store, items, o.writeRate, { now, sleep, clock }),
        );
      }
      await db.transaction().execute(async (trx) => {
        await insertPriceChanges(
          trx,
          run.items.map((i) => changeRow(runId, i)),
        );
        // The home city's state is the product's own; other cities' are per city.
        const home = run.items.filter((i) => i.cityId === i.store.city_id);
        await recordOutcomes(trx, home.map(outcome), now());
        await recordCityOutcomes(trx, run.items.filter((i) => i.cityId !== i.store.city_id).map(cityOutcome), now());
        // What the price list carries from now on: every price this applying run sent or kept (never a dry run's).
        if (o.apply) await setListPrices(trx, run.items.filter(listed).map(listPrice), now());
        // Alerts (applying runs only: a dry run is a preview), in the transaction that stores the decisions.
        if (o.apply) {
          await insertKaspiEvents(trx, store.id, repricerEvents(run, now()));
          if (run.sessionRefused) await recordKaspiAccess(trx, store.id, 'session', { message: run.sessionRefused, command: renewCommand(store) }, now());
          else if (run.items.some((i) => i.mode === 'applied')) await recordKaspiAccess(trx, store.id, 'session', 'ok', now());
        }
      });
      return { items: run.items, report: storeReport(store, run) };
    }),
  );
  // Report decisions in plan order (store, sku), whatever order they were sent in.
  const order = new Map(planned.map((p, i) => [p.product.id, i]));
  const items = reports.flatMap((r) => r.items).sort((a, b) => order.get(a.product.id)! - order.get(b.product.id)!);
  return { runId, items, stores: reports.map((r) => r.report) };
}

async function viaApi(
  db: Kysely<Database>,
  deps: RunDeps,
  store: StoreRow,
  items: PlanItem[],
  writeRate: number,
  time: { now: () => Date; sleep: (ms: number) => Promise<void>; clock: () => number },
): Promise<ApiRun> {
  const { now } = time;
  const out: RunItem[] = items.filter((i) => !i.decision.change).map((i) => ({ ...i, mode: 'unchanged' }));
  const changes = items.filter((i) => i.decision.change);
  if (changes.length === 0) return { items: out };
  const skipAll = (why: string, mode: Mode = 'skipped') => [...out, ...changes.map((i) => ({ ...i, mode, runError: why }))];
  if (store.paused_until && store.paused_until > now()) {
    const why = `merchant paused until ${store.paused_until.toISOString()} after Kaspi answered 429`;
    return { items: skipAll(why), note: why, pausedUntil: store.paused_until };
  }
  const mc = deps.mc;
  if (!mc) throw new Error('runRepricing: the merchant-cabinet client is missing');
  let cookie: string;
  try {
    cookie = sessionCookie(store, deps.key);
  } catch (error) {
    const why = (error as Error).message;
    return { items: skipAll(why, 'failed'), note: why, sessionRefused: why };
  }
  // A rate of 0 (or NaN) made an infinite interval: the pacer spun forever.
  if (!(writeRate > 0)) throw new Error(`runRepricing: writeRate must be positive, got ${writeRate}`);
  const pacer = new Pacer(1000 / Math.min(MAX_WRITE_RATE, writeRate), time.clock, time.sleep);
  try {
    return await sendChanges({ db, store, mc, cookie, now, pacer }, changes, out);
  } finally {
    // Keep the merchant's write lock one interval past the last write, so the next holder (another
    // shard, another host) cannot write sooner than the rate allows.
    await pacer.idle();
  }
}

/** Spaces writes at least `interval` ms apart on its clock. */
class Pacer {
  private nextAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly interval: number,
    private readonly clock: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Resolves when the next write may leave, and books the one after it. */
  async take(): Promise<void> {
    await this.idle();
    this.nextAt = this.clock() + this.interval;
  }

  /** Waits until a write would be allowed. A timer may fire a little early: check the clock again. */
  async idle(): Promise<void> {
    for (let wait = this.nextAt - this.clock(); wait > 0; wait = this.nextAt - this.clock()) await this.sleep(wait);
  }
}

interface SendContext {
  db: Kysely<Database>;
  store: StoreRow;
  mc: HttpClient;
  cookie: string;
  now: () => Date;
  pacer: Pacer;
}

/** One store's run: its items, and what stopped it (a 429 this run earned, a refused session). */
interface ApiRun {
  items: RunItem[];
  note?: string;
  pausedUntil?: Date | null;
  /** The end of the pause a 429 in this run started. */
  pausedAt429?: Date;
  /** Why the cabinet session was refused (expired, none stored). */
  sessionRefused?: string;
}

/** Sends the changes one by one at the pacer's rate; stops at a 429 (pause) or an expired session. */
async function sendChanges(c: SendContext, changes: PlanItem[], out: RunItem[]): Promise<ApiRun> {
  const { db, store, now } = c;
  for (let n = 0; n < changes.length; n++) {
    const item = changes[n]!;
    await c.pacer.take();
    const result = await pushPrice(c.mc, c.cookie, {
      merchantUid: store.merchant_id,
      sku: item.product.sku,
      model: item.product.name,
      brand: item.product.brand,
      price: item.decision.newPrice!,
      cityId: item.cityId,
    });
    if (result.kind === 'ok') {
      out.push({ ...item, mode: 'applied' });
      continue;
    }
    if (result.kind === 'rate-limited') {
      const until = new Date(now().getTime() + Math.max(PAUSE_MS, result.retryAfterMs ?? 0));
      await setPause(db, store.id, until, 'HTTP 429 from /pricefeed/upload/merchant/process');
      const why = `Kaspi answered 429: merchant paused until ${until.toISOString()}`;
      out.push({ ...item, mode: 'failed', runError: why });
      for (const rest of changes.slice(n + 1)) out.push({ ...rest, mode: 'skipped', runError: why });
      return { items: out, note: why, pausedUntil: until, pausedAt429: until };
    }
    if (result.kind === 'expired') {
      await recordSessionCheck(db, store.id, false, now());
      const why = `session expired: renew it with \`${renewCommand(store)}\``;
      for (const rest of changes.slice(n)) out.push({ ...rest, mode: 'failed', runError: why });
      return { items: out, note: why, sessionRefused: why };
    }
    out.push({ ...item, mode: 'failed', runError: result.message });
  }
  return { items: out };
}

async function viaXml(db: Kysely<Database>, store: StoreRow, items: PlanItem[], o: RunOptions): Promise<{ items: RunItem[]; xml?: string; note?: string }> {
  try {
    const feed = await writeStoreFeed(db, store, items, o.exportDir, o.now, o.margin);
    const where = feed.pointsKnown
      ? `the store's points (${feed.defaultPoints.join(', ')})`
      : "PP1 (the store's points are not known: `mp demper store login` reads them, or `store add --points`)";
    const note =
      feed.withoutPreorderRow > 0
        ? `${feed.withoutPreorderRow} of ${feed.offers} offers have no preorder row naming their points (PP1–PP5): listed as available at ${where}; set them with \`mp preorders add\``
        : undefined;
    return { items: items.map((i) => ({ ...i, mode: i.decision.change ? 'xml' : 'unchanged' })), xml: feed.path, note };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { items: items.map((i) => ({ ...i, mode: i.decision.change ? 'failed' : 'unchanged', runError: error.message })), note: error.message };
  }
}

function changeRow(runId: string, i: RunItem): PriceChangeInsert {
  const d = i.decision;
  return {
    run_id: runId,
    store_id: i.store.id,
    demper_product_id: i.product.id,
    sku: i.product.sku,
    product_id: i.product.product_id,
    city_id: i.cityId,
    old_price: i.stored === null ? null : String(i.stored),
    live_price: d.livePrice === null ? null : String(d.livePrice),
    new_price: d.newPrice === null ? null : String(d.newPrice),
    competitor_price: d.competitorPrice === null ? null : String(d.competitorPrice),
    competitor_merchant: d.competitor,
    reason: d.reason,
    mode: i.mode,
    error: i.runError ?? i.error ?? null,
  };
}

function outcome(i: RunItem): PriceOutcome {
  const sent = i.mode === 'applied' || i.mode === 'xml';
  // What Kaspi showed for our offer is the price it has now: it replaces a stale stored one.
  const live = i.decision.livePrice;
  const old = live ?? i.stored;
  return {
    id: i.product.id,
    reason: i.decision.reason,
    price: sent ? i.decision.newPrice! : (live ?? undefined),
    raised: sent && old !== null && i.decision.newPrice! > old,
  };
}

function cityOutcome(i: RunItem): CityOutcome {
  const { id, ...rest } = outcome(i);
  return { productId: id, cityId: i.cityId, ...rest };
}

/** Whether an item's price is what the price list carries after the run: sent, or kept by an applying run. */
function listed(i: RunItem): boolean {
  return i.decision.newPrice !== null && (i.mode === 'applied' || i.mode === 'xml' || i.mode === 'unchanged');
}

function listPrice(i: RunItem) {
  return { productId: i.product.id, cityId: i.cityId, price: i.decision.newPrice! };
}

function storeReport(store: StoreRow, run: ApiRun & { xml?: string }): StoreReport {
  const count = (m: Mode) => run.items.filter((i) => i.mode === m).length;
  return {
    merchant_id: store.merchant_id,
    name: store.name,
    planned: run.items.length,
    changes: run.items.filter((i) => i.decision.change).length,
    applied: count('applied') + count('xml'),
    failed: count('failed'),
    skipped: count('skipped'),
    paused_until: run.pausedUntil ?? (store.paused_until && store.paused_until > new Date() ? store.paused_until : null),
    note: run.note,
    xml: run.xml,
  };
}
