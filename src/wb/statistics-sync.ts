// The orders and sales streams: GET /api/v1/supplier/{orders,sales}?dateFrom=<cursor>&flag=0, paged
// by the last row's lastChangeDate until WB answers []. Each page is one transaction: rows, events
// and the moved cursor commit together, so a crash can neither lose nor repeat an event.
import { cardsByNm } from './card.repository.js';
import type { NewEvent } from './event.repository.js';
import { cancellationEvent, newOrderEvent, saleEvent } from './event-payloads.js';
import { existingOrders, upsertOrders } from './order.repository.js';
import type { Db } from './recordset.js';
import { existingSaleIds, upsertSales } from './sale.repository.js';
import { type ParsedOrder, type ParsedSale, parseOrdersPage, parseSalesPage, type StatisticsPage } from './statistics-parser.js';
import { saveStreamState } from './sync-state.repository.js';
import type { StreamCounts, StreamRun } from './sync-stream.js';
import { writeEvents } from './sync-stream.js';
import { toWbDateFrom } from './wb-time.js';

/** WB statistics allows one request a minute per method. */
export const STATISTICS_INTERVAL_MS = 60_000;

interface PageStore<T> {
  path: string;
  parse(body: unknown): StatisticsPage<T>;
  key(row: T): string;
  /** Stores a page and returns its counts and events (detected against what was stored before). */
  store(trx: Db, run: StreamRun, rows: T[]): Promise<{ rowsNew: number; rowsUpdated: number; events: NewEvent[] }>;
}

const orders: PageStore<ParsedOrder> = {
  path: '/api/v1/supplier/orders',
  parse: parseOrdersPage,
  key: (o) => o.srid,
  async store(trx, run, rows) {
    const before = await existingOrders(
      trx,
      run.cabinetId,
      rows.map((r) => r.srid),
    );
    await upsertOrders(trx, run.cabinetId, rows);
    const candidates = run.initial ? [] : rows.filter((r) => !before.has(r.srid) || (r.is_cancel && before.get(r.srid) === false));
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
  parse: parseSalesPage,
  key: (s) => s.sale_id,
  async store(trx, run, rows) {
    const before = await existingSaleIds(
      trx,
      run.cabinetId,
      rows.map((r) => r.sale_id),
    );
    await upsertSales(trx, run.cabinetId, rows);
    const fresh = run.initial ? [] : rows.filter((r) => !before.has(r.sale_id));
    const cards = fresh.length
      ? await cardsByNm(
          trx,
          run.cabinetId,
          fresh.map((r) => r.nm_id),
        )
      : new Map();
    const events = fresh.map((r) => saleEvent(r, cards.get(r.nm_id))).filter((e): e is NewEvent => e !== undefined);
    return { rowsNew: rows.length - before.size, rowsUpdated: before.size, events };
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
  for (let page = 0; ; page++) {
    const requestedAt = run.clock.now();
    const nextAllowed = new Date(requestedAt.getTime() + STATISTICS_INTERVAL_MS);
    const response = await run.client.request<unknown>('statistics', { path: store.path, query: { dateFrom: cursor, flag: 0 } });
    const parsed = store.parse(response.body);
    if (parsed.rows.length === 0 || !parsed.nextDateFrom) {
      await saveStreamState(run.db, run.cabinetId, run.stream, { next_allowed_at: nextAllowed, last_success_at: run.clock.now() });
      return counts;
    }
    // Within one page a later row for the same key wins (an upsert cannot touch a row twice).
    const byKey = new Map<string, T>();
    for (const row of parsed.rows) byKey.set(store.key(row), row);
    const rows = [...byKey.values()];
    const next = parsed.nextDateFrom;
    await run.db.transaction().execute(async (trx) => {
      const result = await store.store(trx, run, rows);
      counts.events += await writeEvents(trx, run, result.events, String(page));
      counts.rowsNew += result.rowsNew;
      counts.rowsUpdated += result.rowsUpdated;
      await saveStreamState(trx, run.cabinetId, run.stream, { cursor: next, next_allowed_at: nextAllowed });
    });
    run.log.debug(`wb ${run.stream}: page ${page + 1} stored`, { rows: rows.length, cursor: next });
    if (next === cursor) {
      // No progress (WB repeated the cursor row): the end, whatever the next answer would be.
      await saveStreamState(run.db, run.cabinetId, run.stream, { last_success_at: run.clock.now() });
      return counts;
    }
    cursor = next;
  }
}
