// `mp jobs status`: per job its last run, result, next scheduled time and recent failures.
import type { Kysely } from 'kysely';
import type { Config } from '../core/config.js';
import type { Database } from '../db/schema.js';
import { failureCounts, type JobRunRow, latestRunPerJob } from './job-runs.repository.js';
import type { JobDefinition } from './registry.js';
import { jobSchedule, nextCronRun } from './schedule-config.js';

export interface JobStatus {
  job: string;
  description: string;
  /** The daemon's schedule for it: a cron expression, `continuous` or `off`. */
  schedule: string;
  nextRunAt: Date | null;
  lastRun: JobRunRow | null;
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
      failuresLast24h: failures.get(job.name) ?? 0,
    });
  }
  return out;
}
