// The realization stream: GET /api/v5/supplier/reportDetailByPeriod?dateFrom&dateTo&rrdid&limit
// (../shared/reference/wb-finance.md §1), paged by the last row's rrd_id until WB answers 204 (or []).
// Each page is one transaction: its rows (stored in chunks as they stream in) and the cursor
// {dateFrom, rrdid} commit together, so a run cut off resumes at the page it lost. When a run ends,
// the next one starts OVERLAP_DAYS before today (WB adds rows to recent weekly reports late, and a
// re-read row replaces itself by rrd_id).
import { MOSCOW, zonedDate } from '../core/time.js';
import { unexpectedAnswer } from '../core/upstream-shape.js';
import { type BodySample, streamJsonArrayChunks } from './json-array.js';
import { upsertRealizationRows } from './realization.repository.js';
import type { ParsedRealizationRow } from './realization-parser.js';
import { parseRealizationRow } from './realization-parser.js';
import { saveStreamState } from './sync-state.repository.js';
import type { StreamCounts, StreamRun } from './sync-stream.js';
import type { StreamedResponse } from './wb-client.js';

export const REALIZATION_PATH = '/api/v5/supplier/reportDetailByPeriod';
/** Rows per request (WB's maximum, F:392-455). */
export const REALIZATION_LIMIT = 100_000;
/** How far before today the next run starts again. */
export const OVERLAP_DAYS = 14;
const CHUNK = 500;
const PARSE_CHUNK = 250;
const DAY_MS = 86_400_000;

interface Cursor {
  dateFrom: string;
  rrdid: string;
}

function readCursor(text: string | null | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const c = JSON.parse(text) as Partial<Cursor>;
    if (typeof c.dateFrom === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(c.dateFrom) && typeof c.rrdid === 'string' && /^\d+$/.test(c.rrdid))
      return { dateFrom: c.dateFrom, rrdid: c.rrdid };
  } catch {}
  return undefined;
}

/** Syncs the report rows from the cursor's day (or `since`) to today, Moscow days. */
export async function syncRealization(run: StreamRun): Promise<StreamCounts> {
  const counts: StreamCounts = { rowsNew: 0, rowsUpdated: 0, events: 0 };
  const now = run.clock.now();
  const cursor = readCursor(run.state?.cursor) ?? { dateFrom: zonedDate(run.since, MOSCOW), rrdid: '0' };
  const dateTo = zonedDate(now, MOSCOW);
  let rrdid = cursor.rrdid;
  let paceFrom: number | undefined;
  for (;;) {
    if (paceFrom !== undefined) await waitForInterval(run, paceFrom);
    const query = { dateFrom: cursor.dateFrom, dateTo, rrdid, limit: REALIZATION_LIMIT };
    const page = await run.client.stream('statistics', { path: REALIZATION_PATH, query }, (response) => storePage(run, response, cursor.dateFrom));
    counts.rowsNew += page.rowsNew;
    counts.rowsUpdated += page.rowsUpdated;
    run.log.debug(`wb realization: page after rrdid ${rrdid} stored`, { rows: page.rows, next: page.next });
    if (page.next === undefined || page.next === rrdid) break;
    rrdid = page.next;
    paceFrom = page.burstLeft === 0 ? Date.now() : undefined;
  }
  const nextFrom = zonedDate(new Date(now.getTime() - OVERLAP_DAYS * DAY_MS), MOSCOW);
  await saveStreamState(run.db, run.cabinetId, 'realization', {
    // The later of the two days (YYYY-MM-DD compares as text).
    cursor: JSON.stringify({ dateFrom: [nextFrom, cursor.dateFrom].sort()[1], rrdid: '0' }),
    last_success_at: run.clock.now(),
  });
  return counts;
}

async function waitForInterval(run: StreamRun, lastAnsweredAt: number): Promise<void> {
  const until = lastAnsweredAt + run.statisticsIntervalMs;
  if (until > Date.now()) run.log.info(`wb realization: Wildberries allows the next request in ${Math.ceil((until - Date.now()) / 1000)} s; waiting`);
  for (let left = until - Date.now(); left > 0; left = until - Date.now()) await new Promise((resolve) => setTimeout(resolve, left));
}

interface StoredPage {
  /** The last row's rrd_id (undefined: 204 or []: the end). */
  next?: string;
  rows: number;
  rowsNew: number;
  rowsUpdated: number;
  burstLeft?: number;
}

/** One page in one transaction, stored as it streams in; 204 or [] is the end. */
async function storePage(run: StreamRun, response: StreamedResponse, dateFrom: string): Promise<StoredPage> {
  const remaining = Number.parseInt(response.headers['x-ratelimit-remaining'] ?? '', 10);
  const burstLeft = Number.isNaN(remaining) ? undefined : remaining;
  if (response.status === 204) {
    response.body.resume();
    return { rows: 0, rowsNew: 0, rowsUpdated: 0, burstLeft };
  }
  const what = 'Wildberries realization report';
  const sample: BodySample = { bytes: Buffer.alloc(0), total: 0 };
  const out: StoredPage = { rows: 0, rowsNew: 0, rowsUpdated: 0, burstLeft };
  await run.db.transaction().execute(async (trx) => {
    let chunk = new Map<string, ParsedRealizationRow>();
    const write = async (rows: ParsedRealizationRow[]) => {
      const r = await upsertRealizationRows(trx, run.cabinetId, rows);
      out.rowsNew += r.inserted;
      out.rowsUpdated += r.updated;
    };
    const items = streamJsonArrayChunks(response.body, 'realization report', PARSE_CHUNK, sample, (s) =>
      unexpectedAnswer(what, s.bytes, 'a JSON array of report rows'),
    );
    for await (const parsed of items) {
      for (const item of parsed) {
        const row = parseRealizationRow(item);
        chunk.set(row.rrd_id, row);
        out.next = row.rrd_id;
      }
      out.rows += parsed.length;
      if (chunk.size >= CHUNK) {
        await write([...chunk.values()]);
        chunk = new Map();
      }
    }
    if (chunk.size) await write([...chunk.values()]);
    if (out.rows > 0) await saveStreamState(trx, run.cabinetId, 'realization', { cursor: JSON.stringify({ dateFrom, rrdid: out.next }) });
  });
  return out;
}
