// POST /api/v1/wb/sync: the WB sync of one cabinet, run by the server in the background under the
// same lock and recorded in job_runs the same way as the scheduled wb.sync job (job `wb.sync`, scope
// the cabinet's name), so cron, the daemon and the API never sync one cabinet twice at once, and
// `mp jobs status` and /metrics see these runs too. The run's id is the job_runs id.
import { hostname } from 'node:os';
import { UserError } from '../core/errors.js';
import { withAdvisoryLock } from '../db/locks.js';
import type { WbStream } from '../db/schema/wb.js';
import { finishJobRun, insertJobRun } from '../schedule/job-runs.repository.js';
import { describeError, jobLockName } from '../schedule/run-job.js';
import type { WbCabinet } from '../wb/cabinet.repository.js';
import { type StreamOutcome, syncWb } from '../wb/sync.service.js';
import type { ApiDeps } from './route.js';

export interface SyncStart {
  cabinet: WbCabinet;
  since?: Date;
  only?: readonly WbStream[];
}

/** The per-stream summary a run keeps (as the wb.sync job's). */
export function syncSummary(outcomes: StreamOutcome[]): Record<string, unknown> {
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

/**
 * Takes the cabinet's sync lock and starts the sync; resolves with the run id once it is running
 * (the sync goes on; `done` settles when it ends). Throws Busy when another process holds the lock.
 */
export async function startWbSync(deps: ApiDeps, o: SyncStart): Promise<{ runId: string; done: Promise<void> }> {
  if (!deps.handle || !deps.config || !deps.log) throw new Error('the server has no database handle, config or logger for syncs');
  const handle = deps.handle;
  const lock = jobLockName('wb.sync', o.cabinet.name);
  const secretKey = await deps.secretKey();
  let started!: (id: string) => void;
  const runId = new Promise<string>((resolve) => {
    started = resolve;
  });
  const locked = withAdvisoryLock(handle, lock, async () => {
    const id = await insertJobRun(handle.db, {
      job: 'wb.sync',
      scope: o.cabinet.name,
      host: hostname(),
      pid: process.pid,
      startedAt: deps.clock.now(),
      status: 'running',
    });
    started(id);
    try {
      const outcomes = await syncWb(
        { db: handle.db, config: deps.config!, log: deps.log!, clock: deps.clock, secretKey, client: deps.wbClient },
        { cabinet: o.cabinet.id, since: o.since, only: o.only },
      );
      const summary = syncSummary(outcomes);
      const failed = outcomes.filter((x) => x.status === 'failed');
      await finishJobRun(handle.db, id, {
        status: failed.length ? 'failed' : 'succeeded',
        finishedAt: deps.clock.now(),
        summary,
        ...(failed.length ? { error: failed.map((x) => `${x.stream}: ${x.errorCode ?? ''} ${x.error ?? ''}`.trim()).join('; ') } : {}),
      });
    } catch (error) {
      await finishJobRun(handle.db, id, { status: 'failed', finishedAt: deps.clock.now(), error: describeError(error) });
      deps.log!.error(`API sync of cabinet ${o.cabinet.name} failed: ${describeError(error)}`);
    }
  });
  const done = locked.then((r) => {
    if (!r.acquired) started('');
  });
  const id = await Promise.race([runId, done.then(() => runId)]);
  if (!id)
    throw new UserError('BUSY', `another mp process is syncing cabinet ${o.cabinet.name} right now (lock ${lock}): try again later`, { details: { lock } });
  return { runId: id, done };
}
