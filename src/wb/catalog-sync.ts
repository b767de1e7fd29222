// The cards, stocks and reviews streams. Cards and stocks are full snapshots; reviews fetch all
// unanswered ones plus answered ones since the cursor, paged by take/skip.
import { cardsByNm, upsertCards } from './card.repository.js';
import { type ParsedCard, type ParsedReview, type ParsedStock, parseCardsPage, parseFeedbacksPage, parseStocksReport } from './content-parser.js';
import type { NewEvent } from './event.repository.js';
import { reviewEvent } from './event-payloads.js';
import { existingReviewIds, upsertReviews } from './review.repository.js';
import { replaceStocks, type StockRow, stockTotals } from './stock.repository.js';
import { saveStreamState } from './sync-state.repository.js';
import type { StreamCounts, StreamRun } from './sync-stream.js';
import { writeEvents } from './sync-stream.js';
import { pacedIntervalMs, WB_DOCUMENTED_LIMITS } from './wb-client.js';

const CARDS_LIMIT = 100;
const STOCKS_LIMIT = 250_000;
const FEEDBACKS_TAKE = 5000;
const FEEDBACKS_MAX_SKIP = 199_990;

/** All cards (with and without photos) by cursor paging; the first photo is kept. */
export async function syncCards(run: StreamRun): Promise<StreamCounts> {
  const cards = new Map<string, ParsedCard>();
  let cursor: { limit: number; updatedAt?: string; nmID?: number } = { limit: CARDS_LIMIT };
  for (;;) {
    const body = { settings: { sort: { ascending: true }, filter: { withPhoto: -1 }, cursor } };
    const response = await run.client.request<unknown>('content', { method: 'POST', path: '/content/v2/get/cards/list', body });
    const page = parseCardsPage(response.body);
    for (const c of page.cards) cards.set(c.nm_id, c);
    if (page.cursor.total < CARDS_LIMIT || page.cards.length === 0) break;
    cursor = { limit: CARDS_LIMIT, updatedAt: page.cursor.updatedAt, nmID: page.cursor.nmID };
  }
  const before = await cardsByNm(run.db, run.cabinetId);
  await run.db.transaction().execute(async (trx) => {
    await upsertCards(trx, run.cabinetId, [...cards.values()]);
    await saveStreamState(trx, run.cabinetId, run.stream, { last_success_at: run.clock.now() });
  });
  const rowsNew = [...cards.keys()].filter((k) => !before.has(k)).length;
  return { rowsNew, rowsUpdated: cards.size - rowsNew, events: 0 };
}

/** The analytics stocks report, sizes resolved through the cards' chrtIDs; stock_change per product. */
export async function syncStocks(run: StreamRun): Promise<StreamCounts> {
  const items: ParsedStock[] = [];
  for (let offset = 0; ; offset += STOCKS_LIMIT) {
    const response = await run.client.request<unknown>('analytics', {
      method: 'POST',
      path: '/api/analytics/v1/stocks-report/wb-warehouses',
      body: { limit: STOCKS_LIMIT, offset },
    });
    const page = parseStocksReport(response.body);
    items.push(...page);
    if (page.length < STOCKS_LIMIT) break;
  }
  const requestedAt = run.clock.now();
  let counts: StreamCounts = { rowsNew: 0, rowsUpdated: 0, events: 0 };
  await run.db.transaction().execute(async (trx) => {
    const cards = await cardsByNm(trx, run.cabinetId);
    const sizeOf = new Map<string, string>();
    for (const card of cards.values()) for (const s of card.sizes) sizeOf.set(String(s.chrtID), s.techSize);
    // Rows for the same product, size and warehouse are summed (an upsert cannot touch a row twice).
    const rows = new Map<string, StockRow>();
    for (const it of items) {
      const size = sizeOf.get(it.chrt_id) ?? `#${it.chrt_id}`;
      const key = `${it.nm_id}\u0000${size}\u0000${it.warehouse_name}`;
      const prev = rows.get(key);
      if (prev) {
        prev.quantity += it.quantity;
        prev.in_way_to_client += it.in_way_to_client;
        prev.in_way_from_client += it.in_way_from_client;
      } else rows.set(key, { ...it, size });
    }
    const before = await stockTotals(trx, run.cabinetId);
    const written = await replaceStocks(trx, run.cabinetId, [...rows.values()]);
    const after = await stockTotals(trx, run.cabinetId);
    const events: NewEvent[] = [];
    for (const nm of new Set([...before.keys(), ...after.keys()])) {
      const old = before.get(nm) ?? { total: 0, warehouses: {} };
      const now = after.get(nm) ?? { total: 0, warehouses: {} };
      if (old.total === now.total) continue;
      const card = cards.get(nm);
      events.push({
        type: 'stock_change',
        eventKey: `${nm}:${run.runId}`,
        occurredAt: requestedAt,
        payload: {
          nmId: Number(nm),
          article: card?.vendor_code ?? null,
          name: card?.title ?? null,
          photoUrl: card?.photo_url ?? null,
          old_total: old.total,
          new_total: now.total,
          warehouses: now.warehouses,
          old_warehouses: old.warehouses,
        },
      });
    }
    const n = await writeEvents(trx, run, events, 'stocks');
    // 3 requests a minute (one every 20 s): at 90%, one every 22.3 s.
    await saveStreamState(trx, run.cabinetId, run.stream, {
      last_success_at: run.clock.now(),
      next_allowed_at: new Date(requestedAt.getTime() + pacedIntervalMs(WB_DOCUMENTED_LIMITS.stocksReport)),
    });
    counts = { rowsNew: written.inserted, rowsUpdated: written.updated, events: n };
  });
  return counts;
}

/** Unanswered reviews (all) and answered ones since the cursor; new_review for each new id. */
export async function syncReviews(run: StreamRun): Promise<StreamCounts> {
  const reviews = new Map<string, ParsedReview>();
  // The cursor is the newest review seen; answered ones are asked from a day before it (answers arrive late).
  const newestSeen = run.state?.cursor ? Number(run.state.cursor) : undefined;
  const cursorSeconds = newestSeen === undefined ? Math.floor(run.since.getTime() / 1000) : newestSeen - 86_400;
  for (const isAnswered of [false, true]) {
    // Unanswered reviews are few and the ones a seller acts on: always all of them.
    const dateFrom = isAnswered || run.initial ? cursorSeconds : undefined;
    for (let skip = 0; skip <= FEEDBACKS_MAX_SKIP; skip += FEEDBACKS_TAKE) {
      const response = await run.client.request<unknown>('feedbacks', {
        path: '/api/v1/feedbacks',
        query: { isAnswered, take: FEEDBACKS_TAKE, skip, order: 'dateDesc', dateFrom },
      });
      const page = parseFeedbacksPage(response.body, isAnswered);
      for (const r of page) reviews.set(r.review_id, r);
      if (page.length < FEEDBACKS_TAKE) break;
    }
  }
  const rows = [...reviews.values()];
  let counts: StreamCounts = { rowsNew: 0, rowsUpdated: 0, events: 0 };
  await run.db.transaction().execute(async (trx) => {
    const before = await existingReviewIds(
      trx,
      run.cabinetId,
      rows.map((r) => r.review_id),
    );
    await upsertReviews(trx, run.cabinetId, rows);
    const fresh = rows.filter((r) => !before.has(r.review_id));
    const cards =
      fresh.length && !run.initial
        ? await cardsByNm(
            trx,
            run.cabinetId,
            fresh.map((r) => r.nm_id),
          )
        : new Map();
    const n = await writeEvents(trx, run, run.initial ? [] : fresh.map((r) => reviewEvent(r, cards.get(r.nm_id))), 'reviews');
    const newest = rows.reduce((m, r) => Math.max(m, Math.floor(r.created_date.getTime() / 1000)), newestSeen ?? 0);
    await saveStreamState(trx, run.cabinetId, run.stream, { cursor: newest ? String(newest) : null, last_success_at: run.clock.now() });
    counts = { rowsNew: fresh.length, rowsUpdated: before.size, events: n };
  });
  return counts;
}
