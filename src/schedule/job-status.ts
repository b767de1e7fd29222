// `mp jobs status`: per job its last run, result, next scheduled time and recent failures.
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Config } from '../core/config.js';
import { isAdvisoryLockHeld } from '../db/locks.js';
import type { Database } from '../db/schema.js';
import { failureCounts, type JobRunRow, latestRunPerJob } from './job-runs.repository.js';
import type { JobDefinition } from './registry.js';
import { jobLockName } from './run-job.js';
import { jobSchedule, nextCronRun } from './schedule-config.js';

export interface JobStatus {
  job: string;
  description: string;
  /** The daemon's schedule for it: a cron expression, `continuous` or `off`. */
  schedule: string;
  nextRunAt: Date | null;
  lastRun: JobRunRow | null;
  /**
   * The last run is still `running` but it is not: its process on this host is gone, or (any host)
   * nobody holds the job's lock any more. It was killed.
   */
  lastRunDied: boolean;
  failuresLast24h: number;
}

/** The status of each job, from job_runs and the schedule config (whether or not a daemon runs). */
export async function jobStatuses(db: Kysely<Database>, config: Config, jobs: JobDefinition[], timezone: string, now: Date): Promise<JobStatus[]> {
  const [latest, failures] = await Promise.all([latestRunPerJob(db), failureCounts(db, new Date(now.getTime() - 24 * 3_600_000))]);
  const lastByJob = new Map(latest.map((r) => [r.job, r]));
  const out: JobStatus[] = [];
  for (const job of jobs) {
    const schedule = await jobSchedule(config, job);
    out.push({
      job: job.name,
      description: job.description,
      schedule: schedule.kind === 'cron' ? schedule.expression : schedule.kind,
      nextRunAt: schedule.kind === 'cron' ? await nextCronRun(schedule.expression, timezone) : null,
      lastRun: lastByJob.get(job.name) ?? null,
      lastRunDied: await died(db, job, lastByJob.get(job.name)),
      failuresLast24h: failures.get(job.name) ?? 0,
    });
  }
  return out;
}

async function died(db: Kysely<Database>, job: JobDefinition, run: JobRunRow | undefined): Promise<boolean> {
  if (run?.status !== 'running') return false;
  if (run.host === hostname()) {
    try {
      process.kill(run.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
  // Another host: a run holds its job's lock from before its row is written until after it is
  // finished, and the server frees the lock of a dead session. A job that shares its work takes no
  // lock, so there nothing can be told from here. (A job whose operation locks itself writes its row
  // just before it takes the lock: a row read in that instant may be called dead too early.)
  if (job.sharesWork) return false;
  return !(await isAdvisoryLockHeld(db, jobLockName(run.job, run.scope, run.shard)));
}
