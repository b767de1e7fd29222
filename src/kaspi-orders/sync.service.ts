// `mp kaspi orders sync`: walks the creation-date range in ≤ 14-day windows, every state, every page;
// reads the entries of new and changed orders; writes each window in one transaction and only then
// moves the store's cursor, so an interrupted run leaves nothing half-written and resumes there.
import type { Kysely } from 'kysely';
import pLimit from 'p-limit';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { decryptSecret } from '../core/secrets.js';
import type { Database } from '../db/schema.js';
import { ShopApi } from '../kaspi/merchant/shop-api.client.js';
import { ORDER_STATES, type ShopEntry, type ShopOrder, type ShopOrderPage } from '../kaspi/merchant/shop-api.parser.js';
import { type CreationWindow, creationWindows } from '../kaspi/merchant/shop-api-windows.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { resolveStore } from '../kaspi/merchant/stores.service.js';
import { recordKaspiAccess } from '../notify/kaspi-access.service.js';
import { insertKaspiEvents } from '../notify/kaspi-events.repository.js';
import { type CancelShare, checkCancelShare } from './cancel-share.service.js';
import { advanceSyncState, type EntryRow, getSyncState, orderStatuses, replaceEntries, storedStatuses, upsertOrders } from './order.repository.js';
import { orderEvents } from './order-events.js';

export const DEFAULT_SINCE_MS = 30 * 86_400_000;
/** Orders change status for days after creation (delivery, returns): re-read this much before the cursor. */
export const DEFAULT_OVERLAP_MS = 14 * 86_400_000;

export interface SyncDeps {
  db: Kysely<Database>;
  secretKey: Buffer;
  baseUrl: string;
  now: () => Date;
  log?: Logger;
  /** Proxy URLs used in turn (empty or undefined: direct). */
  proxies?: string[];
  /** Requests in flight for entries (default 8). */
  concurrency?: number;
  /** Called with (0, total) before the first window, then after each window written. */
  onWindow?: (done: number, total: number) => void;
}

export interface SyncOptions {
  store?: string;
  /** MP_USER: only a store of this user (undefined: any store, for the job). */
  user?: string;
  since?: Date;
  overlapMs?: number;
  withCustomers?: boolean;
}

export interface SyncSummary {
  store: string;
  from: Date;
  to: Date;
  windows: number;
  orders: number;
  inserted: number;
  /** Orders already stored, read again (the overlap). */
  updated: number;
  /** Of those, orders whose status changed since the last sync (their entries are read again too). */
  statusChanged: number;
  entriesRead: number;
  customers: boolean;
  /** Events written for notifications (new orders, cancellations, returns, a share alert); none on a first sync. */
  events: number;
  /** The store's 30-day cancellation share after this sync. */
  cancelShare?: CancelShare;
}

/** The store's Shop API token, decrypted; an error saying how to add one. */
export function storeToken(store: StoreRow, key: Buffer): string {
  if (!store.token_encrypted) {
    throw new UserError(
      'KASPI_SHOP_NO_TOKEN',
      `store ${store.merchant_id} has no Shop API token: add one with \`mp demper store add --merchant-id ${store.merchant_id} --name ${JSON.stringify(store.name)} --token-stdin\``,
    );
  }
  return decryptSecret(store.token_encrypted, key);
}

/** Syncs one store's orders since the cursor (or `since`) until now; returns what was written. */
export async function syncOrders(deps: SyncDeps, options: SyncOptions): Promise<SyncSummary> {
  const store = await resolveStore(deps.db, options.store, options.user);
  const api = new ShopApi({ baseUrl: deps.baseUrl, token: storeToken(store, deps.secretKey), log: deps.log, proxies: deps.proxies });
  const now = deps.now();
  const state = await getSyncState(deps.db, store.id);
  const from =
    options.since ?? (state ? new Date(state.synced_until.getTime() - (options.overlapMs ?? DEFAULT_OVERLAP_MS)) : new Date(now.getTime() - DEFAULT_SINCE_MS));
  const windows = creationWindows(from, now);
  const summary: SyncSummary = {
    store: store.name,
    from,
    to: now,
    windows: windows.length,
    orders: 0,
    inserted: 0,
    updated: 0,
    statusChanged: 0,
    entriesRead: 0,
    customers: !!options.withCustomers,
    events: 0,
  };
  // A store's first sync stores its history without telling anyone about it.
  const alerting = state !== undefined;
  deps.onWindow?.(0, windows.length);
  const concurrency = deps.concurrency ?? 8;

  /** Writes one window in one transaction, then moves the cursor past it. */
  const writeWindow = async (
    i: number,
    window: CreationWindow,
    orders: ShopOrder[],
    known: Map<string, string>,
    stale: ShopOrder[],
    entries: ShopEntry[][],
  ) => {
    const written = await deps.db.transaction().execute(async (trx) => {
      // What was stored before this window, read in its transaction: new orders and changed
      // statuses become events in the same commit as the orders (and the cursor).
      const before = alerting
        ? await orderStatuses(
            trx,
            store.id,
            orders.map((o) => o.id),
          )
        : undefined;
      const { ids, inserted } = await upsertOrders(trx, store.id, orders, !!options.withCustomers, now);
      const rows: EntryRow[] = [];
      stale.forEach((o, k) => {
        for (const entry of numbered(entries[k]!)) rows.push({ orderRowId: ids.get(o.id)!, entry });
      });
      await replaceEntries(
        trx,
        stale.map((o) => ids.get(o.id)!),
        rows,
      );
      if (before) {
        const byOrder = new Map(stale.map((o, k) => [o.id, entries[k]!]));
        summary.events += await insertKaspiEvents(trx, store.id, orderEvents(orders, before, byOrder, now));
      }
      await advanceSyncState(trx, store.id, new Date(window.to + 1), now, inserted);
      return inserted;
    });
    summary.orders += orders.length;
    summary.inserted += written;
    summary.updated += orders.length - written;
    summary.statusChanged += stale.filter((o) => known.has(o.id)).length;
    summary.entriesRead += stale.length;
    deps.log?.debug(
      `kaspi orders: window ${new Date(window.from).toISOString()} – ${new Date(window.to).toISOString()}: ${orders.length} orders, ${stale.length} entry reads`,
    );
    deps.onWindow?.(i + 1, windows.length);
  };

  // Window N is written while window N+1 is read; windows still land in order (the cursor never
  // passes a window that is not written), and a failed write stops the run at the next window.
  let writing: Promise<void> | undefined;
  try {
    for (const [i, window] of windows.entries()) {
      const { orders, included } = await readWindow(api, window, concurrency);
      const known = await storedStatuses(
        deps.db,
        store.id,
        orders.map((o) => o.id),
      );
      const stale = orders.filter((o) => known.get(o.id) !== o.status);
      // Entries the order pages carried themselves are not asked for again.
      const entries = await mapLimit(stale, concurrency, async (o) => included.get(o.id) ?? api.entries(o.id, o.code));
      if (writing) await writing;
      writing = writeWindow(i, window, orders, known, stale, entries);
      // Handled where it is awaited; this only keeps a failure during the next read from being "unhandled".
      writing.catch(() => {});
    }
    if (writing) await writing;
    // The 30-day cancellation share after the sync (alerts only once the store had a sync before).
    const share = await checkCancelShare(deps.db, store, now, { alert: alerting });
    summary.cancelShare = share;
    if (share.alerted) summary.events++;
    // The token works: an open incident (a refused token) is over, the next refusal is news again.
    await deps.db.transaction().execute((trx) => recordKaspiAccess(trx, store.id, 'shop_api', 'ok', now));
  } catch (error) {
    // A refused token is one access_refused alert per incident, however many runs fail with it.
    if ((error as UserError).code === 'KASPI_SHOP_UNAUTHORIZED') {
      const command = `mp demper store add --merchant-id ${store.merchant_id} --name ${JSON.stringify(store.name)} --token-stdin`;
      await deps.db.transaction().execute((trx) => recordKaspiAccess(trx, store.id, 'shop_api', { message: (error as Error).message, command }, now));
    }
    throw error;
  } finally {
    // A read failed while a window was being written: let that write finish before closing.
    if (writing) await writing.catch(() => {});
    await api.close();
  }
  return summary;
}

/**
 * Every order created in the window, all states, all pages. NEW's first page goes alone (a bad token
 * costs one request); then the states side by side, each state's first page and then its other pages,
 * `concurrency` requests in flight at most. An order that moved state between two reads is kept
 * once, in the later state of NEW … ARCHIVE.
 */
async function readWindow(api: ShopApi, window: CreationWindow, concurrency: number): Promise<{ orders: ShopOrder[]; included: Map<string, ShopEntry[]> }> {
  const limit = pLimit(concurrency);
  const opening = await api.ordersPage(ORDER_STATES[0], window, 0);
  let perState: ShopOrderPage[][];
  try {
    perState = await Promise.all(
      ORDER_STATES.map(async (state, i) => {
        const first = i === 0 ? opening : await limit(() => api.ordersPage(state, window, 0));
        const rest = await Promise.all(Array.from({ length: Math.max(0, first.pageCount - 1) }, (_, k) => limit(() => api.ordersPage(state, window, k + 1))));
        return [first, ...rest];
      }),
    );
  } catch (error) {
    limit.clearQueue(); // nothing more starts once one page failed
    throw error;
  }
  const byId = new Map<string, ShopOrder>();
  const included = new Map<string, ShopEntry[]>();
  for (const pages of perState) {
    for (const page of pages) {
      for (const o of page.orders) byId.set(o.id, o);
      for (const [id, entries] of page.includedEntries) included.set(id, entries);
    }
  }
  return { orders: [...byId.values()], included };
}

/**
 * Entries with the number they are stored under: Kaspi's `entryNumber` when every entry of the order
 * has a distinct one, else their position in the answer (real answers of 2026 carry no entryNumber).
 */
export function numbered(entries: ShopEntry[]): (ShopEntry & { entryNumber: number })[] {
  const numbers = entries.map((e) => e.entryNumber);
  const own = numbers.every((n) => n !== null) && new Set(numbers).size === numbers.length;
  return entries.map((e, i) => ({ ...e, entryNumber: own ? e.entryNumber! : i }));
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    // After one failure the other workers take nothing new (the run is over).
    while (next < items.length && !failed) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
