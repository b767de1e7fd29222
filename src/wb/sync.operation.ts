// The WB sync as one unit of work: `mp wb sync`, the scheduled `wb.sync` job and `POST /api/v1/wb/sync`
// all call syncWbCabinets. Each cabinet is synced under its own lock (`mp.job:wb.sync:<cabinet name>`,
// the job's lock name), so cron, the daemon, a terminal and the API never sync one cabinet twice at
// once; a cabinet whose lock another process holds is reported busy, not synced.
import type { DbHandle } from '../db/connect.js';
import { jobLockName, withAdvisoryLock } from '../db/locks.js';
import type { WbStream } from '../db/schema/wb.js';
import { listCabinets, type WbCabinet } from './cabinet.repository.js';
import { cabinetsFor } from './cabinet.service.js';
import { type StreamOutcome, type SyncDeps, syncWb, WB_STREAMS } from './sync.service.js';

export type { StreamOutcome } from './sync.service.js';

export const WB_SYNC_JOB = 'wb.sync';

export interface WbSyncDeps extends SyncDeps {
  /** The database handle the locks are taken on (its `db` is `deps.db`). */
  handle: DbHandle;
}

export interface WbSyncOptions {
  /** A cabinet id or name; undefined: every active cabinet (of `deps.user`). */
  cabinet?: string;
  /** Backfill start of an initial sync (default: 30 days ago). */
  since?: Date;
  only?: readonly WbStream[];
  /** Called once a cabinet's lock is held, before its first request (`mp serve` records its run here). */
  onLocked?: (cabinet: WbCabinet) => Promise<void>;
  /** Called as each stream ends (its rows and cursor committed): what an interrupted run has saved. */
  onStream?: (outcome: StreamOutcome) => void;
}

export interface WbSyncResult {
  /** One outcome per stream of every cabinet synced; a busy cabinet's streams are `skipped`. */
  outcomes: StreamOutcome[];
  /** The cabinets another process was syncing (their lock was held): nothing was done for them. */
  busy: { cabinet: WbCabinet; lock: string }[];
}

/** The lock a cabinet's sync runs under, on every host and in every process. */
export function wbSyncLockName(cabinet: Pick<WbCabinet, 'name'>): string {
  return jobLockName(WB_SYNC_JOB, cabinet.name);
}

/** Syncs the selected streams of the selected cabinets, each cabinet under its lock. */
export async function syncWbCabinets(deps: WbSyncDeps, options: WbSyncOptions = {}): Promise<WbSyncResult> {
  const cabinets = await cabinetsFor(deps.db, options.cabinet, deps.user);
  const result: WbSyncResult = { outcomes: [], busy: [] };
  for (const cabinet of cabinets) {
    const lock = wbSyncLockName(cabinet);
    const locked = await withAdvisoryLock(deps.handle, lock, async () => {
      await options.onLocked?.(cabinet);
      return syncWb(deps, { cabinet: cabinet.id, since: options.since, only: options.only, onStream: options.onStream });
    });
    if (locked.acquired) {
      result.outcomes.push(...locked.value);
      continue;
    }
    result.busy.push({ cabinet, lock });
    deps.log.info(`wb sync (${cabinet.name}): another mp process is syncing this cabinet right now (lock ${lock}); skipped`, { cabinet: cabinet.name, lock });
    for (const stream of WB_STREAMS.filter((s) => !options.only || options.only.includes(s))) {
      result.outcomes.push({
        cabinetId: cabinet.id,
        cabinet: cabinet.name,
        stream,
        status: 'skipped',
        initial: false,
        rowsNew: 0,
        rowsUpdated: 0,
        events: 0,
        requests: 0,
        error: `another mp process is syncing this cabinet (lock ${lock})`,
      });
    }
  }
  return result;
}

/** The cabinets the scheduled job runs for, one run each: every one not disabled, by name. */
export async function wbSyncScopes(deps: Pick<SyncDeps, 'db'>): Promise<string[]> {
  return (await listCabinets(deps.db)).filter((c) => c.status !== 'disabled').map((c) => c.name);
}

/** The per-stream summary a run keeps in job_runs (the job's and `mp serve`'s). */
export function wbSyncSummary(outcomes: StreamOutcome[]): Record<string, unknown> {
  const streams: Record<string, unknown> = {};
  for (const o of outcomes) {
    streams[o.stream] = {
      status: o.status,
      new: o.rowsNew,
      updated: o.rowsUpdated,
      events: o.events,
      ...(o.error ? { error: `${o.errorCode ?? ''} ${o.error}`.trim() } : {}),
    };
  }
  const sum = (key: 'rowsNew' | 'rowsUpdated' | 'events') => outcomes.reduce((n, o) => n + (o[key] ?? 0), 0);
  return {
    rows_new: sum('rowsNew'),
    rows_updated: sum('rowsUpdated'),
    events: sum('events'),
    skipped: outcomes.filter((o) => o.status === 'skipped').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    streams,
  };
}

/** `cabinet/stream: error` of each failed stream, `; `-joined (job_runs.error). */
export function wbSyncFailures(outcomes: StreamOutcome[]): string {
  return outcomes
    .filter((o) => o.status === 'failed')
    .map((o) => `${o.cabinet}/${o.stream}: ${o.error}`)
    .join('; ');
}
