// POST /api/v1/wb/sync: the WB sync operation for one cabinet, run by the server in the background
// and recorded in job_runs the same way as the scheduled wb.sync job (job `wb.sync`, scope the
// cabinet's name). The operation takes the cabinet's lock, so cron, the daemon, a terminal and the API
// never sync one cabinet twice at once, and `mp jobs status` and /metrics see these runs too. The
// run's id is the job_runs id.
import { hostname } from 'node:os';
import { UserError } from '../core/errors.js';
import type { WbStream } from '../db/schema/wb.js';
import { finishJobRun, insertJobRun } from '../schedule/job-runs.repository.js';
import { describeError } from '../schedule/run-job.js';
import type { WbCabinet } from '../wb/cabinet.repository.js';
import { type StreamOutcome, syncWbCabinets, WB_SYNC_JOB, wbSyncSummary } from '../wb/sync.operation.js';
import type { ApiDeps } from './route.js';

export interface SyncStart {
  cabinet: WbCabinet;
  since?: Date;
  only?: readonly WbStream[];
}

/** The per-stream summary a run keeps (as the wb.sync job's). */
export function syncSummary(outcomes: StreamOutcome[]): Record<string, unknown> {
  return wbSyncSummary(outcomes);
}

/**
 * Starts the cabinet's sync; resolves with the run id once the operation holds the cabinet's lock
 * (the sync goes on; `done` settles when it ends). Throws BUSY when another process holds the lock.
 */
export async function startWbSync(deps: ApiDeps, o: SyncStart): Promise<{ runId: string; done: Promise<void> }> {
  if (!deps.handle || !deps.config || !deps.log) throw new Error('the server has no database handle, config or logger for syncs');
  const handle = deps.handle;
  const log = deps.log;
  const secretKey = await deps.secretKey();
  let started!: (id: string) => void;
  const runId = new Promise<string>((resolve) => {
    started = resolve;
  });
  let id: string | undefined;
  const run = async () => {
    try {
      const { outcomes, busy } = await syncWbCabinets(
        { handle, db: handle.db, config: deps.config!, log, clock: deps.clock, secretKey, client: deps.wbClient },
        {
          cabinet: o.cabinet.id,
          since: o.since,
          only: o.only,
          onLocked: async () => {
            id = await insertJobRun(handle.db, {
              job: WB_SYNC_JOB,
              scope: o.cabinet.name,
              host: hostname(),
              pid: process.pid,
              startedAt: deps.clock.now(),
              status: 'running',
            });
            started(id);
          },
        },
      );
      if (busy.length > 0 || id === undefined) return busy[0]?.lock ?? '';
      const failed = outcomes.filter((x) => x.status === 'failed');
      await finishJobRun(handle.db, id, {
        status: failed.length ? 'failed' : 'succeeded',
        finishedAt: deps.clock.now(),
        summary: wbSyncSummary(outcomes),
        ...(failed.length ? { error: failed.map((x) => `${x.stream}: ${x.errorCode ?? ''} ${x.error ?? ''}`.trim()).join('; ') } : {}),
      });
    } catch (error) {
      if (id === undefined) throw error;
      await finishJobRun(handle.db, id, { status: 'failed', finishedAt: deps.clock.now(), error: describeError(error) });
      log.error(`API sync of cabinet ${o.cabinet.name} failed: ${describeError(error)}`);
    }
    return undefined;
  };
  const done = run();
  const busyLock = await Promise.race([runId.then(() => undefined), done]);
  if (busyLock !== undefined && id === undefined)
    throw new UserError('BUSY', `another mp process is syncing cabinet ${o.cabinet.name} right now (lock ${busyLock}): try again later`, {
      details: { lock: busyLock },
    });
  return { runId: await runId, done: done.then(() => undefined) };
}
