// The orders and sales streams: GET /api/v1/supplier/{orders,sales}?dateFrom=<cursor>&flag=0, paged
// by the last row's lastChangeDate until WB answers []. Each page is one transaction: rows, events
// and the moved cursor commit together, so a crash can neither lose nor repeat an event.

import { unexpectedAnswer } from '../core/upstream-shape.js';
import { cardsByNm } from './card.repository.js';
import type { NewEvent } from './event.repository.js';
import { cancellationEvent, newOrderEvent, saleEvent } from './event-payloads.js';
import { isEmptyJsonArray, jsonArrayChunks } from './json-array.js';
import { existingOrders, upsertOrders } from './order.repository.js';
import type { Db } from './recordset.js';
import { upsertSales } from './sale.repository.js';
import { type ParsedOrder, type ParsedSale, parseOrderRow, parseSaleRow } from './statistics-parser.js';
import { saveStreamState } from './sync-state.repository.js';
import type { StreamCounts, StreamRun } from './sync-stream.js';
import { EventSink } from './sync-stream.js';
import { pacedIntervalMs, WB_DOCUMENTED_LIMITS } from './wb-client.js';
import { toWbDateFrom } from './wb-time.js';

/** WB statistics allows one request a minute per method: mp waits 66.7 s (90%, see PACING_SHARE). */
export const STATISTICS_INTERVAL_MS = pacedIntervalMs(WB_DOCUMENTED_LIMITS.statistics);

interface PageStore<T> {
  path: string;
  what: string;
  parseRow(item: unknown): T;
  key(row: T): string;
  /** Stores a chunk and returns its counts and events (detected against what was stored before). */
  store(trx: Db, run: StreamRun, rows: T[]): Promise<{ rowsNew: number; rowsUpdated: number; events: NewEvent[] }>;
}

/** Rows are parsed and written in chunks of this size, all inside the page's one transaction. */
const CHUNK = 5000;
/** Items parsed per JSON.parse call (one call per item costs more; the whole page, far more memory). */
const PARSE_CHUNK = 1000;

const orders: PageStore<ParsedOrder> = {
  path: '/api/v1/supplier/orders',
  what: 'orders',
  parseRow: parseOrderRow,
  key: (o) => o.srid,
  async store(trx, run, rows) {
    if (run.initial) {
      // No events on an initial sync, so no need to read the previous state first.
      const result = await upsertOrders(trx, run.cabinetId, rows);
      return { rowsNew: result.inserted, rowsUpdated: result.updated, events: [] };
    }
    const before = await existingOrders(
      trx,
      run.cabinetId,
      rows.map((r) => r.srid),
    );
    await upsertOrders(trx, run.cabinetId, rows);
    const candidates = rows.filter((r) => !before.has(r.srid) || (r.is_cancel && before.get(r.srid) === false));
    const cards = candidates.length
      ? await cardsByNm(
          trx,
          run.cabinetId,
          candidates.map((r) => r.nm_id),
        )
      : new Map();
    const events: NewEvent[] = [];
    for (const r of candidates) {
      const card = cards.get(r.nm_id);
      if (!before.has(r.srid)) events.push(newOrderEvent(r, card));
      if (r.is_cancel) events.push(cancellationEvent(r, card));
    }
    return { rowsNew: rows.length - before.size, rowsUpdated: before.size, events };
  },
};

const sales: PageStore<ParsedSale> = {
  path: '/api/v1/supplier/sales',
  what: 'sales',
  parseRow: parseSaleRow,
  key: (s) => s.sale_id,
  async store(trx, run, rows) {
    const result = await upsertSales(trx, run.cabinetId, rows);
    const isNew = new Set(result.insertedKeys);
    const fresh = run.initial ? [] : rows.filter((r) => isNew.has(r.sale_id));
    const cards = fresh.length
      ? await cardsByNm(
          trx,
          run.cabinetId,
          fresh.map((r) => r.nm_id),
        )
      : new Map();
    const events = fresh.map((r) => saleEvent(r, cards.get(r.nm_id))).filter((e): e is NewEvent => e !== undefined);
    return { rowsNew: result.inserted, rowsUpdated: result.updated, events };
  },
};

export function syncOrders(run: StreamRun): Promise<StreamCounts> {
  return syncStatistics(run, orders);
}

export function syncSales(run: StreamRun): Promise<StreamCounts> {
  return syncStatistics(run, sales);
}

async function syncStatistics<T>(run: StreamRun, store: PageStore<T>): Promise<StreamCounts> {
  const counts: StreamCounts = { rowsNew: 0, rowsUpdated: 0, events: 0 };
  let cursor = run.state?.cursor ?? toWbDateFrom(run.since);
  let pending = fetchPage(run, store, cursor);
  for (let page = 0; ; page++) {
    const { body, nextAllowed, burstLeft, answeredAt } = await pending;
    run.log.debug(`wb ${run.stream}: page ${page + 1} fetched`, { bytes: body.length });
    if (isEmptyJsonArray(body)) {
      await saveStreamState(run.db, run.cabinetId, run.stream, { next_allowed_at: nextAllowed, last_success_at: run.clock.now() });
      return counts;
    }
    // Only `[]` is the end. A 200 with HTML, `{}`, an empty body or rows without lastChangeDate is a
    // bad answer: nothing is stored, the cursor stays, and an initial sync stays initial.
    const next = lastChangeDate(body);
    if (next === undefined) throw unexpectedAnswer(`Wildberries ${store.what}`, body, 'a JSON array of rows with lastChangeDate');
    // The next page starts at this page's last row, known before this one is stored: fetch it
    // meanwhile (it is only used once this page has committed).
    if (next !== cursor) {
      pending = burstLeft === 0 ? fetchPageAfterInterval(run, store, next, answeredAt) : fetchPage(run, store, next);
      pending.catch(() => {});
    }
    const rows = await storePage(run, store, body, page, next, nextAllowed, counts);
    run.log.debug(`wb ${run.stream}: page ${page + 1} stored`, { rows, cursor: next });
    if (next === cursor) {
      // No progress (WB repeated the cursor row): the end, whatever the next answer would be.
      await saveStreamState(run.db, run.cabinetId, run.stream, { last_success_at: run.clock.now() });
      return counts;
    }
    cursor = next;
  }
}

interface FetchedPage {
  body: Buffer;
  /** When the stream may ask again (recorded for the next run): one statistics interval on. */
  nextAllowed: Date;
  /** WB's X-Ratelimit-Remaining: requests left in the burst (undefined when not sent). */
  burstLeft?: number;
  /** When the answer came (wall clock): WB counted the request before it, so the next is paced from here. */
  answeredAt: number;
}

async function fetchPage<T>(run: StreamRun, store: PageStore<T>, dateFrom: string): Promise<FetchedPage> {
  const nextAllowed = new Date(run.clock.now().getTime() + STATISTICS_INTERVAL_MS);
  // The body stays a Buffer: rows are parsed chunk by chunk (see json-array.ts).
  const response = await run.client.request<Buffer>('statistics', { path: store.path, query: { dateFrom, flag: 0 }, expect: 'buffer' });
  const remaining = Number.parseInt(response.headers['x-ratelimit-remaining'] ?? '', 10);
  return { body: response.body, nextAllowed, burstLeft: Number.isNaN(remaining) ? undefined : remaining, answeredAt: Date.now() };
}

/**
 * The burst is spent (X-Ratelimit-Remaining: 0): wait one statistics interval from the last
 * request before the next, rather than earn a 429 (WB may count a 4xx as several requests).
 */
async function fetchPageAfterInterval<T>(run: StreamRun, store: PageStore<T>, dateFrom: string, lastAnsweredAt: number): Promise<FetchedPage> {
  const until = lastAnsweredAt + run.statisticsIntervalMs;
  if (until > Date.now()) {
    run.log.info(`wb ${run.stream}: Wildberries allows the next statistics request in ${Math.ceil((until - Date.now()) / 1000)} s; waiting`);
  }
  // A timer may fire a little early by the wall clock (the event loop's time is cached): wait on.
  for (let left = until - Date.now(); left > 0; left = until - Date.now()) await new Promise((resolve) => setTimeout(resolve, left));
  return fetchPage(run, store, dateFrom);
}

const LAST_CHANGE = Buffer.from('"lastChangeDate":"');

/** The raw lastChangeDate of the last row (rows are flat objects, so its last occurrence). */
function lastChangeDate(body: Buffer): string | undefined {
  const at = body.lastIndexOf(LAST_CHANGE);
  if (at < 0) return undefined;
  const start = at + LAST_CHANGE.length;
  return body.toString('utf8', start, body.indexOf(0x22, start));
}

/**
 * One page in one transaction: rows in chunks, their events, the cursor. Parsing the next chunk
 * overlaps with the database writing the previous one.
 */
async function storePage<T>(
  run: StreamRun,
  store: PageStore<T>,
  body: Buffer,
  page: number,
  next: string,
  nextAllowed: Date,
  counts: StreamCounts,
): Promise<number> {
  let rows = 0;
  await run.db.transaction().execute(async (trx) => {
    const sink = new EventSink(run);
    let writing: Promise<void> = Promise.resolve();
    const write = async (chunk: T[]) => {
      const result = await store.store(trx, run, chunk);
      await sink.add(trx, result.events);
      counts.rowsNew += result.rowsNew;
      counts.rowsUpdated += result.rowsUpdated;
    };
    // Within one chunk a later row for the same key wins (an upsert cannot touch a row twice).
    let chunk = new Map<string, T>();
    for (const items of jsonArrayChunks(body, store.what, PARSE_CHUNK)) {
      for (const item of items) {
        const row = store.parseRow(item);
        chunk.set(store.key(row), row);
      }
      rows += items.length;
      if (chunk.size >= CHUNK) {
        await writing;
        writing = write([...chunk.values()]);
        writing.catch(() => {}); // awaited below; this only avoids an unhandled rejection meanwhile
        chunk = new Map();
        // Let the query go out before parsing the next chunk synchronously.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await writing;
    if (chunk.size) await write([...chunk.values()]);
    await sink.flush(trx, String(page));
    counts.events += sink.written;
    await saveStreamState(trx, run.cabinetId, run.stream, { cursor: next, next_allowed_at: nextAllowed });
  });
  return rows;
}
