// The orders and sales streams: GET /api/v1/supplier/{orders,sales}?dateFrom=<cursor>&flag=0, paged
// by the last row's lastChangeDate until WB answers []. Each page is one transaction: rows, events
// and the moved cursor commit together, so a crash can neither lose nor repeat an event. A page
// (up to ~80,000 rows, ~60 MB) is stored as it streams in: memory stays flat whatever its size.

import { unexpectedAnswer } from '../core/upstream-shape.js';
import { cardsByNm } from './card.repository.js';
import type { NewEvent } from './event.repository.js';
import { cancellationEvent, newOrderEvent, saleEvent } from './event-payloads.js';
import { type BodySample, streamJsonArrayChunks } from './json-array.js';
import { existingOrders, upsertOrders } from './order.repository.js';
import type { Db } from './recordset.js';
import { upsertSales } from './sale.repository.js';
import { type ParsedOrder, type ParsedSale, parseOrderRow, parseSaleRow } from './statistics-parser.js';
import { saveStreamState } from './sync-state.repository.js';
import type { StreamCounts, StreamRun } from './sync-stream.js';
import { EventSink } from './sync-stream.js';
import { pacedIntervalMs, type StreamedResponse, WB_DOCUMENTED_LIMITS } from './wb-client.js';
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

/**
 * Rows are written in chunks of this size, all inside the page's one transaction. Each chunk's
 * rows, their JSON parameter and the driver's buffers are garbage once written, and V8 lets garbage
 * pile up before it collects: 500 rows kept peak RSS at ~190-200 MB for 50,000 and for 200,000
 * orders, where 5,000 gave 240-270 MB, at the same CPU (the statements are few either way).
 */
const CHUNK = 500;
/** Items parsed per JSON.parse call (one call per item costs more; the whole page, far more memory). */
const PARSE_CHUNK = 250;

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
  /** When the last answer came, if WB said its burst was spent: the next request waits an interval from then. */
  let paceFrom: number | undefined;
  for (let page = 0; ; page++) {
    if (paceFrom !== undefined) await waitForInterval(run, paceFrom);
    // When the stream may ask again (recorded for the next run): one statistics interval on.
    const nextAllowed = new Date(run.clock.now().getTime() + STATISTICS_INTERVAL_MS);
    const stored = await run.client.stream('statistics', { path: store.path, query: { dateFrom: cursor, flag: 0 } }, (response) =>
      storePage(run, store, response, page, cursor, nextAllowed),
    );
    counts.rowsNew += stored.counts.rowsNew;
    counts.rowsUpdated += stored.counts.rowsUpdated;
    counts.events += stored.counts.events;
    run.log.debug(`wb ${run.stream}: page ${page + 1} stored`, { rows: stored.rows, bytes: stored.bytes, cursor: stored.next });
    // `[]` is the end; so is a page that makes no progress (WB repeated the cursor row), whatever
    // the next answer would be.
    if (stored.next === undefined || stored.next === cursor) return counts;
    cursor = stored.next;
    paceFrom = stored.burstLeft === 0 ? stored.answeredAt : undefined;
  }
}

interface StoredPage {
  /** The last row's lastChangeDate: the next page's dateFrom (undefined: the page was `[]`). */
  next?: string;
  rows: number;
  bytes: number;
  counts: StreamCounts;
  /** WB's X-Ratelimit-Remaining: requests left in the burst (undefined when not sent). */
  burstLeft?: number;
  /** When the answer had come whole (wall clock): WB counted the request before it, so the next is paced from here. */
  answeredAt: number;
}

/**
 * The burst is spent (X-Ratelimit-Remaining: 0): wait one statistics interval from the last
 * answer before the next request, rather than earn a 429 (WB may count a 4xx as several requests).
 */
async function waitForInterval(run: StreamRun, lastAnsweredAt: number): Promise<void> {
  const until = lastAnsweredAt + run.statisticsIntervalMs;
  if (until > Date.now()) {
    run.log.info(`wb ${run.stream}: Wildberries allows the next statistics request in ${Math.ceil((until - Date.now()) / 1000)} s; waiting`);
  }
  // A timer may fire a little early by the wall clock (the event loop's time is cached): wait on.
  for (let left = until - Date.now(); left > 0; left = until - Date.now()) await new Promise((resolve) => setTimeout(resolve, left));
}

/**
 * One page in one transaction, stored as it streams in: rows in chunks, their events, the cursor.
 * Parsing the next chunk overlaps with the database writing the previous one; only a chunk of rows
 * is held at a time, never the page. Only `[]` is the end. A 200 with HTML, `{}`, an empty body,
 * rows without lastChangeDate or a cut-off array is a bad answer: the transaction rolls back, so
 * nothing is stored, the cursor stays, and an initial sync stays initial. The same happens when
 * the answer breaks off on the way, and the HTTP client then asks for the page again.
 */
async function storePage<T>(
  run: StreamRun,
  store: PageStore<T>,
  response: StreamedResponse,
  page: number,
  cursor: string,
  nextAllowed: Date,
): Promise<StoredPage> {
  const remaining = Number.parseInt(response.headers['x-ratelimit-remaining'] ?? '', 10);
  const burstLeft = Number.isNaN(remaining) ? undefined : remaining;
  const counts: StreamCounts = { rowsNew: 0, rowsUpdated: 0, events: 0 };
  const what = `Wildberries ${store.what}`;
  const expected = 'a JSON array of rows with lastChangeDate';
  const sample: BodySample = { bytes: Buffer.alloc(0), total: 0 };
  let rows = 0;
  let next: string | undefined;
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
    const items = streamJsonArrayChunks(response.body, store.what, PARSE_CHUNK, sample, (s) => unexpectedAnswer(what, s.bytes, expected));
    for await (const parsed of items) {
      for (const item of parsed) {
        const row = store.parseRow(item);
        chunk.set(store.key(row), row);
      }
      rows += parsed.length;
      const last = (parsed[parsed.length - 1] as { lastChangeDate?: unknown }).lastChangeDate;
      next = typeof last === 'string' ? last : undefined;
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
    if (rows === 0) {
      await saveStreamState(trx, run.cabinetId, run.stream, { next_allowed_at: nextAllowed, last_success_at: run.clock.now() });
      return;
    }
    if (next === undefined) throw unexpectedAnswer(what, sample.bytes, expected);
    if (chunk.size) await write([...chunk.values()]);
    await sink.flush(trx, String(page));
    counts.events += sink.written;
    await saveStreamState(trx, run.cabinetId, run.stream, { cursor: next, next_allowed_at: nextAllowed });
    // No progress (WB repeated the cursor row): the stream is done.
    if (next === cursor) await saveStreamState(trx, run.cabinetId, run.stream, { last_success_at: run.clock.now() });
  });
  return { next, rows, bytes: sample.total, counts, burstLeft, answeredAt: Date.now() };
}
