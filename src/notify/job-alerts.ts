// A scheduled job that failed JOB_FAILING_RUNS runs in a row for a store or cabinet is one job_failing
// alert to that store's (cabinet's) recipients: written when the streak reaches 3, keyed by the run
// that started it, so the fourth and later failures add nothing and a streak after a success is news.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { findStore } from '../kaspi/merchant/stores.repository.js';
import { findCabinet } from '../wb/cabinet.repository.js';
import { insertEvents } from '../wb/event.repository.js';
import { insertKaspiEvents } from './kaspi-events.repository.js';

export const JOB_FAILING_RUNS = 3;

/** A finished run of a job, newest first, as the scheduler records it. */
export interface FinishedRun {
  id: string;
  status: string;
  error: string | null;
}

/**
 * After a failed run of `job` for `scope` (a store's merchant id or a cabinet's name/id), given that
 * job's last JOB_FAILING_RUNS + 1 finished runs for the scope, newest first (the scheduler reads
 * them: notify does not reach into the scheduler's tables); returns events written.
 */
export async function recordJobFailure(
  db: Kysely<Database>,
  run: { job: string; scope: string | null; scopeKind?: 'store' | 'cabinet' | string; recent: readonly FinishedRun[] },
  now: Date,
): Promise<number> {
  if (run.scope === null || !run.scopeKind) return 0;
  const runs = run.recent;
  const streak = runs.slice(0, JOB_FAILING_RUNS);
  if (streak.length < JOB_FAILING_RUNS || streak.some((r) => r.status !== 'failed')) return 0;
  // The streak began with the oldest of these three only if the run before it did not fail.
  if (runs[JOB_FAILING_RUNS]?.status === 'failed') return 0;
  const event = {
    type: 'job_failing' as const,
    eventKey: `${run.job}:${streak.at(-1)!.id}`,
    occurredAt: now,
    payload: { job: run.job, scope: run.scope, runs: JOB_FAILING_RUNS, error: streak[0]!.error, command: `mp jobs status ${run.job}` },
  };
  if (run.scopeKind === 'store') {
    const store = await findStore(db, run.scope);
    return store ? insertKaspiEvents(db, store.id, [event]) : 0;
  }
  if (run.scopeKind === 'cabinet') {
    const cabinet = await findCabinet(db, run.scope);
    return cabinet ? insertEvents(db, cabinet.id, [event]) : 0;
  }
  return 0;
}
