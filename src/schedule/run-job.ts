// Runs one job once under its advisory lock and records it in job_runs.
import { hostname } from 'node:os';
import type { Context } from '../core/context.js';
import { errorMessage } from '../core/errors.js';
import { shardText } from '../core/shard.js';
import { jobLockName, LockBusy, withAdvisoryLock } from '../db/locks.js';
import { JOB_FAILING_RUNS, recordJobFailure } from '../notify/job-alerts.js';
import { deleteJobRun, finishJobRun, insertJobRun, latestFinishedRuns } from './job-runs.repository.js';
import { JobBusy, type JobDefinition, JobIncomplete, type JobRunOptions, type JobSummary } from './registry.js';

export interface JobOutcome {
  job: string;
  scope: string | null;
  status: 'succeeded' | 'failed' | 'skipped' | 'idle';
  /** The job_runs id (none for an idle continuous poll, which is not kept). */
  runId?: string;
  summary?: JobSummary;
  error?: unknown;
  durationMs: number;
}

export interface RunJobOptions {
  scope?: string;
  shard?: JobRunOptions['shard'];
  signal?: AbortSignal;
  /** Continuous workers: drop the job_runs row of a run that found nothing to do. */
  dropIdle?: boolean;
}

export { jobLockName } from '../db/locks.js';

/**
 * Runs a job: once, or once per scope (each under its own lock) when the job runs per store or
 * cabinet and no scope was given. Never throws for a job's own failure: it is in the outcome.
 */
export async function runJob(ctx: Context, job: JobDefinition, options: RunJobOptions = {}): Promise<JobOutcome[]> {
  if (options.scope === undefined && job.scopes) {
    let scopes: string[];
    try {
      scopes = await job.scopes(ctx);
    } catch (error) {
      // Not even the list of stores/cabinets could be read: that is a failed run too.
      return [await recordFailure(ctx, job, error)];
    }
    // No store/cabinet yet: a successful run with nothing to do, so status shows the job is alive.
    if (scopes.length === 0) return [await recordNothingToDo(ctx, job)];
    const outcomes: JobOutcome[] = [];
    for (const scope of scopes) {
      if (options.signal?.aborted) break;
      outcomes.push(await runJobOnce(ctx, job, { ...options, scope }));
    }
    return outcomes;
  }
  return [await runJobOnce(ctx, job, options)];
}

/** Runs a job for one scope (or everything) under its advisory lock; a held lock means `skipped`. */
export async function runJobOnce(ctx: Context, job: JobDefinition, options: RunJobOptions = {}): Promise<JobOutcome> {
  const handle = await ctx.db();
  const scope = options.scope ?? null;
  const shard = shardText(options.shard);
  const where = { job: job.name, scope, shard, host: hostname(), pid: process.pid };
  const started = ctx.clock.now();
  const elapsed = () => ctx.clock.now().getTime() - started.getTime();
  const signal = options.signal ?? new AbortController().signal;
  const body = async (): Promise<JobOutcome> => {
    const runId = await insertJobRun(handle.db, { ...where, startedAt: started, status: 'running' });
    try {
      const summary = await job.run(ctx, { scope: options.scope, shard: options.shard, signal });
      if (options.dropIdle && job.idle?.(summary)) {
        await deleteJobRun(handle.db, runId);
        return { job: job.name, scope, status: 'idle', summary, durationMs: elapsed() };
      }
      await finishJobRun(handle.db, runId, { status: 'succeeded', finishedAt: ctx.clock.now(), summary });
      return { job: job.name, scope, status: 'succeeded', runId, summary, durationMs: elapsed() };
    } catch (error) {
      if (error instanceof JobBusy || error instanceof LockBusy) {
        // The operation's own lock is held (`mp kaspi scrape --tracked`, `mp demper run` from a
        // terminal, another host): the same as a held job lock.
        await finishJobRun(handle.db, runId, { status: 'skipped', finishedAt: ctx.clock.now() });
        return { job: job.name, scope, status: 'skipped', runId, durationMs: elapsed() };
      }
      const summary = error instanceof JobIncomplete ? error.summary : undefined;
      await finishJobRun(handle.db, runId, { status: 'failed', finishedAt: ctx.clock.now(), summary, error: describeError(error) });
      // The third failure in a row for a store or cabinet: one alert to its recipients.
      if (scope !== null && job.scopeKind) {
        const recent = await latestFinishedRuns(handle.db, job.name, scope, JOB_FAILING_RUNS + 1);
        await recordJobFailure(handle.db, { job: job.name, scope, scopeKind: job.scopeKind, recent }, ctx.clock.now());
      }
      return { job: job.name, scope, status: 'failed', runId, summary, error, durationMs: elapsed() };
    }
  };
  if (job.sharesWork || job.locksItself) return body();
  const locked = await withAdvisoryLock(handle, jobLockName(job.name, scope, shard), body);
  if (locked.acquired) return locked.value;
  // Someone else (cron, the daemon, another host) is running it right now: record the skip.
  const runId = await insertJobRun(handle.db, { ...where, startedAt: started, finishedAt: ctx.clock.now(), status: 'skipped' });
  return { job: job.name, scope, status: 'skipped', runId, durationMs: elapsed() };
}

async function recordNothingToDo(ctx: Context, job: JobDefinition): Promise<JobOutcome> {
  const handle = await ctx.db();
  const now = ctx.clock.now();
  const summary = { [`${job.scopeKind ?? 'scope'}s`]: 0 };
  const runId = await insertJobRun(handle.db, { job: job.name, scope: null, host: hostname(), pid: process.pid, startedAt: now, status: 'running' });
  await finishJobRun(handle.db, runId, { status: 'succeeded', finishedAt: now, summary });
  return { job: job.name, scope: null, status: 'succeeded', runId, summary, durationMs: 0 };
}

async function recordFailure(ctx: Context, job: JobDefinition, error: unknown): Promise<JobOutcome> {
  const handle = await ctx.db();
  const now = ctx.clock.now();
  const runId = await insertJobRun(handle.db, { job: job.name, scope: null, host: hostname(), pid: process.pid, startedAt: now, status: 'running' });
  await finishJobRun(handle.db, runId, { status: 'failed', finishedAt: now, error: describeError(error) });
  return { job: job.name, scope: null, status: 'failed', runId, error, durationMs: 0 };
}

/** `CODE: message` for job_runs.error. */
export function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${code}: ${errorMessage(error)}` : errorMessage(error);
}
