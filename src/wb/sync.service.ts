// `mp wb sync`: runs each stream of each cabinet on its own. A stream whose next-allowed time has
// not come is skipped without a request; one failing stream does not roll back the others; every
// run is recorded in wb_sync_runs.
import type { Config } from '../core/config.js';
import { errorCode, errorMessage, UserError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Clock } from '../core/time.js';
import { formatZoned, MOSCOW } from '../core/time.js';
import type { WbStream } from '../db/schema/wb.js';
import { updateCabinet, type WbCabinet } from './cabinet.repository.js';
import { cabinetsFor, openCabinetToken } from './cabinet.service.js';
import { syncCards, syncReviews, syncStocks } from './catalog-sync.js';
import { syncRealization } from './realization-sync.js';
import type { Db } from './recordset.js';
import { STATISTICS_INTERVAL_MS, syncOrders, syncSales } from './statistics-sync.js';
import { closeDeadRuns, finishRun, getStreamState, latestRuns, saveStreamState, startRun } from './sync-state.repository.js';
import type { StreamCounts, StreamRun } from './sync-stream.js';
import { checkTokenExpiry, recordTokenRefused } from './token-alerts.js';
import { WbClient, wbHosts } from './wb-client.js';

/** Cards first: the other streams take product names and photos from them. */
export const WB_STREAMS: readonly WbStream[] = ['cards', 'orders', 'sales', 'stocks', 'reviews'];
/** Synced only when named (`--only realization`): the realization report for `mp wb profit` (1 request a minute, up to 100,000 rows each). */
export const WB_OPT_IN_STREAMS: readonly WbStream[] = ['realization'];

const STREAMS: Record<WbStream, (run: StreamRun) => Promise<StreamCounts>> = {
  cards: syncCards,
  orders: syncOrders,
  sales: syncSales,
  stocks: syncStocks,
  reviews: syncReviews,
  realization: syncRealization,
};

export interface SyncDeps {
  db: Db;
  config: Config;
  log: Logger;
  clock: Clock;
  secretKey: Buffer;
  /** Only this user's cabinets (MP_USER, for `mp wb sync`); undefined: every cabinet (jobs, the daemon). */
  user?: string;
  /** Overrides for tests (retries, inline retry wait, the statistics interval once the burst is spent). */
  client?: { retries?: number; maxRetryWaitMs?: number; statisticsIntervalMs?: number };
}

export interface SyncOptions {
  cabinet?: string;
  /** Backfill start of an initial sync (default: 30 days ago). */
  since?: Date;
  only?: readonly WbStream[];
  /** Called as each stream of each cabinet ends (its rows and cursor committed). */
  onStream?: (outcome: StreamOutcome) => void;
}

export interface StreamOutcome extends StreamCounts {
  cabinetId: string;
  cabinet: string;
  stream: WbStream;
  status: 'ok' | 'skipped' | 'failed';
  initial: boolean;
  requests: number;
  nextAllowedAt?: Date;
  errorCode?: string;
  error?: string;
}

/** Syncs the selected streams of the selected cabinets; returns one outcome per stream. */
export async function syncWb(deps: SyncDeps, options: SyncOptions = {}): Promise<StreamOutcome[]> {
  const cabinets = await cabinetsFor(deps.db, options.cabinet, deps.user);
  const died = await closeDeadRuns(deps.db, deps.clock.now());
  if (died > 0) deps.log.warn(`${died} WB sync run(s) of mp processes that ended mid-run are now marked died`, { died });
  const since = options.since ?? new Date(deps.clock.now().getTime() - 30 * 86_400_000);
  const outcomes: StreamOutcome[] = [];
  for (const cabinet of cabinets) {
    const token = openCabinetToken(cabinet, deps.secretKey);
    const selected = [...WB_STREAMS, ...WB_OPT_IN_STREAMS].filter((s) => (options.only ? options.only.includes(s) : WB_STREAMS.includes(s)));
    // An expired token makes no request (WB would answer 401 to each); one expiring soon is warned.
    const expired = await checkTokenExpiry(deps.db, cabinet, token, deps.clock.now());
    if (expired) {
      deps.log.error(expired.message, { code: expired.code });
      for (const stream of selected)
        outcomes.push({ ...emptyOutcome(cabinet, stream, false), status: 'failed', errorCode: expired.code, error: expired.message });
      continue;
    }
    // One client per stream: its request count is the stream's.
    const run = async (stream: WbStream) => {
      const client = new WbClient({
        hosts: wbHosts(deps.config),
        token,
        cabinet: cabinet.name,
        log: deps.log,
        retries: deps.client?.retries,
        maxRetryWaitMs: deps.client?.maxRetryWaitMs,
      });
      try {
        return await syncStream(deps, cabinet, client, stream, since);
      } finally {
        await client.close();
      }
    };
    // One after another, cards first (the other streams' events take names and photos from them).
    // Side by side was tried: two 60 MB statistics pages in flight at once cost ~110 MB of peak RSS.
    const mine: StreamOutcome[] = [];
    for (const stream of selected) {
      const outcome = await run(stream);
      mine.push(outcome);
      options.onStream?.(outcome);
    }
    outcomes.push(...mine);
    // A token fixed (or re-added) since a 401: every stream went through, so the cabinet is fine again.
    if (cabinet.status === 'unauthorized' && mine.every((o) => o.status !== 'failed') && mine.some((o) => o.status === 'ok')) {
      await updateCabinet(deps.db, cabinet.id, { status: 'active', status_detail: null });
    }
  }
  return outcomes;
}

async function syncStream(deps: SyncDeps, cabinet: WbCabinet, client: WbClient, stream: WbStream, since: Date): Promise<StreamOutcome> {
  const { db, clock, log } = deps;
  const state = await getStreamState(db, cabinet.id, stream);
  const base = emptyOutcome(cabinet, stream, !state?.last_success_at);
  const initial = base.initial;
  const now = clock.now();
  if (state?.next_allowed_at && state.next_allowed_at > now) {
    const runId = await startRun(db, cabinet.id, stream, initial, now);
    await finishRun(
      db,
      runId,
      { status: 'skipped', rowsNew: 0, rowsUpdated: 0, requests: 0, error: `next request allowed at ${state.next_allowed_at.toISOString()}` },
      now,
    );
    log.info(
      `wb ${stream} (${cabinet.name}): skipped, Wildberries allows the next request at ${formatZoned(state.next_allowed_at, MOSCOW)} MSK; run \`mp wb sync\` again later`,
      { cabinet: cabinet.name, stream, nextAllowedAt: state.next_allowed_at },
    );
    return { ...base, status: 'skipped', nextAllowedAt: state.next_allowed_at };
  }
  const runId = await startRun(db, cabinet.id, stream, initial, now);
  const requestsBefore = client.requests;
  try {
    const statisticsIntervalMs = deps.client?.statisticsIntervalMs ?? STATISTICS_INTERVAL_MS;
    const counts = await STREAMS[stream]({ db, cabinetId: cabinet.id, stream, runId, client, clock, log, state, initial, since, statisticsIntervalMs });
    const requests = client.requests - requestsBefore;
    await finishRun(db, runId, { status: 'ok', rowsNew: counts.rowsNew, rowsUpdated: counts.rowsUpdated, requests }, clock.now());
    log.info(
      `wb ${stream} (${cabinet.name}): ${counts.rowsNew} new, ${counts.rowsUpdated} updated, ${counts.events} events${initial ? ' (initial sync)' : ''}`,
    );
    return { ...base, ...counts, requests, status: 'ok' };
  } catch (error) {
    const requests = client.requests - requestsBefore;
    const code = errorCode(error) ?? 'ERROR';
    const message = errorMessage(error);
    await finishRun(db, runId, { status: 'failed', rowsNew: 0, rowsUpdated: 0, requests, errorCode: code, error: message }, clock.now());
    const retryAfterMs = (error as UserError).details?.retryAfterMs;
    if (code === 'WB_RATE_LIMITED' && typeof retryAfterMs === 'number') {
      // Persisted so the next cron run skips this stream instead of earning another 429.
      await saveStreamState(db, cabinet.id, stream, { next_allowed_at: new Date(clock.now().getTime() + retryAfterMs) });
    }
    if (code === 'WB_UNAUTHORIZED') await recordTokenRefused(db, cabinet, message, clock.now());
    if (!(error instanceof UserError)) log.debug('stream failed', { stack: (error as Error)?.stack });
    log.error(`wb ${stream} (${cabinet.name}): ${message}`, { code });
    return { ...base, requests, status: 'failed', errorCode: code, error: message };
  }
}

function emptyOutcome(cabinet: WbCabinet, stream: WbStream, initial: boolean) {
  return { cabinetId: cabinet.id, cabinet: cabinet.name, stream, initial, rowsNew: 0, rowsUpdated: 0, events: 0, requests: 0 };
}

/** The latest run of every stream (of one cabinet, or all), with its next allowed time. */
export async function syncStatus(db: Db, cabinet?: string, now = new Date(), user?: string) {
  await closeDeadRuns(db, now);
  const cabinetIds = (
    await cabinetsFor(db, cabinet, user).catch((error) => {
      if (!cabinet && (error as UserError).code === 'WB_NO_CABINET') return [];
      throw error;
    })
  ).map((c) => c.id);
  return (await latestRuns(db, cabinet ? cabinetIds[0] : undefined)).filter((r) => user === undefined || cabinetIds.includes(r.cabinet_id));
}
