// The named jobs that `mp jobs run`, cron and `mp daemon` know. Each job's run() imports its domain
// service lazily, so listing jobs (and `mp --help`) loads no domain code.
import type { Config } from '../core/config.js';
import type { Context } from '../core/context.js';
import { UserError } from '../core/errors.js';
import { readSetting } from '../core/settings.js';
import { builtinJobs } from './builtin-jobs.js';

/** What a job's run() gets besides the context. */
export interface JobRunOptions {
  /** The store or cabinet to run for; undefined = the job decides (usually everything). */
  scope?: string;
  /** `i/n`: this process handles shard i of n (jobs that split work by product id). */
  shard?: { index: number; count: number };
  /** Aborted when the daemon shuts down: long jobs stop between units of work. */
  signal: AbortSignal;
}

/** A job's result: counts and ids for people and for `job_runs.summary` (JSON). */
export type JobSummary = Record<string, unknown>;

export interface JobDefinition {
  /** `domain.verb`, e.g. `kaspi.scrape`. */
  name: string;
  description: string;
  /** A five-field cron expression, or `continuous` for a worker loop. */
  defaultSchedule: string;
  /** The kind of scope the job runs per (`store`, `cabinet`); each scope has its own lock. */
  scopeKind?: 'store' | 'cabinet';
  /** The scopes to run one by one when none is given; without it the job runs once for everything. */
  scopes?(ctx: Context): Promise<string[]>;
  /**
   * The job claims its rows itself (FOR UPDATE SKIP LOCKED with leases), so runs on many hosts at
   * once share the work: it takes no job lock and is never skipped.
   */
  sharesWork?: boolean;
  /**
   * The job's operation takes the job's lock (`jobLockName(name, scope)`) itself, as it does when a
   * command or `mp serve` calls it: the runner takes none, and a run whose operation found the lock
   * held throws JobBusy and is recorded `skipped`.
   */
  locksItself?: boolean;
  /** Whether the job accepts `--shard i/n`. */
  sharded?: boolean;
  /**
   * Checks the job's settings (environment, config file) and throws a usage error naming the bad
   * one: called before anything is recorded or scheduled, so a bad value never half-runs.
   */
  checkSettings?(config: Config): void;
  run(ctx: Context, options: JobRunOptions): Promise<JobSummary>;
  /** For continuous jobs: the run found nothing to do (the worker sleeps, and the run is not kept). */
  idle?(summary: JobSummary): boolean;
}

export const CONTINUOUS = 'continuous';

/** Thrown by a job that ran but left part of its work undone: the run is `failed`, its summary kept. */
export class JobIncomplete extends UserError {
  constructor(
    message: string,
    readonly summary: JobSummary,
  ) {
    super('JOB_INCOMPLETE', message);
  }
}

/** Thrown by a job whose operation found its lock held (another process runs it): the run is `skipped`. */
export class JobBusy extends UserError {
  constructor(message: string) {
    super('BUSY', message);
  }
}

const extra = new Map<string, JobDefinition>();

/** Adds a job at run time (tests, and modules named in MP_EXTRA_JOBS). */
export function registerJob(job: JobDefinition): void {
  extra.set(job.name, job);
}

export function unregisterJob(name: string): void {
  extra.delete(name);
}

/**
 * Every known job: the built-in ones plus those registered at run time and, given a config, those
 * exported (as `jobs`) by the modules of the `jobs.extra` setting (MP_EXTRA_JOBS: comma-separated
 * paths; site-specific jobs, tests).
 */
export async function listJobs(config?: Config): Promise<JobDefinition[]> {
  for (const path of config ? readSetting(config, 'jobs.extra') : []) {
    const { pathToFileURL } = await import('node:url');
    const mod = (await import(pathToFileURL(path).href)) as { jobs?: JobDefinition[] };
    for (const job of mod.jobs ?? []) registerJob(job);
  }
  const byName = new Map(builtinJobs.map((j) => [j.name, j]));
  for (const [name, job] of extra) byName.set(name, job);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The job called `name`, or undefined. */
export async function findJob(name: string, config?: Config): Promise<JobDefinition | undefined> {
  return (await listJobs(config)).find((j) => j.name === name);
}

/** The names of the built-in jobs (crontab.example is checked against them). */
export function builtinJobNames(): string[] {
  return builtinJobs.map((j) => j.name);
}
