// All SQL for job_runs: one row per run of a scheduled job.
import { type Kysely, sql } from 'kysely';
import type { JobRunStatus } from '../db/schema/jobs.js';
import type { Database } from '../db/schema.js';

export interface JobRunRow {
  id: string;
  job: string;
  scope: string | null;
  /** `i/n` when the run handled one shard, else null. */
  shard: string | null;
  host: string;
  pid: number;
  startedAt: Date;
  finishedAt: Date | null;
  status: JobRunStatus;
  summary: Record<string, unknown> | null;
  error: string | null;
}

export interface NewJobRun {
  job: string;
  scope: string | null;
  /** `i/n`; omitted or null = all products. */
  shard?: string | null;
  host: string;
  pid: number;
  startedAt: Date;
  status: 'running' | 'skipped';
  finishedAt?: Date;
  summary?: Record<string, unknown>;
}

/** Inserts a run (running, or an already finished skip) and returns its id. */
export async function insertJobRun(db: Kysely<Database>, run: NewJobRun): Promise<string> {
  const row = await db
    .insertInto('job_runs')
    .values({
      job: run.job,
      scope: run.scope,
      shard: run.shard ?? null,
      host: run.host,
      pid: run.pid,
      started_at: run.startedAt,
      finished_at: run.finishedAt ?? null,
      status: run.status,
      summary: run.summary === undefined ? null : JSON.stringify(run.summary),
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Marks a running row finished with its outcome. */
export async function finishJobRun(
  db: Kysely<Database>,
  id: string,
  outcome: { status: 'succeeded' | 'failed' | 'skipped'; finishedAt: Date; summary?: Record<string, unknown>; error?: string },
): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({
      status: outcome.status,
      finished_at: outcome.finishedAt,
      summary: outcome.summary === undefined ? null : (JSON.stringify(outcome.summary) as never),
      error: outcome.error ?? null,
    })
    .where('id', '=', id)
    .execute();
}

/** Forgets a run that did nothing (an idle poll of a continuous worker). */
export async function deleteJobRun(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('job_runs').where('id', '=', id).execute();
}

/** The latest run of each job (any scope), newest first within a job. */
export async function latestRunPerJob(db: Kysely<Database>): Promise<JobRunRow[]> {
  const rows = await db.selectFrom('job_runs').selectAll().distinctOn('job').orderBy('job').orderBy('started_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toRow);
}

/** Failed runs per job since `since`. */
export async function failureCounts(db: Kysely<Database>, since: Date): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('job_runs')
    .select(['job', sql<string>`count(*)`.as('failures')])
    .where('status', '=', 'failed')
    .where('started_at', '>=', since)
    .groupBy('job')
    .execute();
  return new Map(rows.map((r) => [r.job, Number(r.failures)]));
}

/** Runs of one job, newest first (tests and `--json` detail). */
export async function recentRuns(db: Kysely<Database>, job: string, limit = 20): Promise<JobRunRow[]> {
  const rows = await db.selectFrom('job_runs').selectAll().where('job', '=', job).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRow);
}

function toRow(r: {
  id: string;
  job: string;
  scope: string | null;
  shard: string | null;
  host: string;
  pid: number;
  started_at: Date;
  finished_at: Date | null;
  status: JobRunStatus;
  summary: Record<string, unknown> | null;
  error: string | null;
}): JobRunRow {
  return {
    id: r.id,
    job: r.job,
    scope: r.scope,
    shard: r.shard,
    host: r.host,
    pid: r.pid,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    summary: r.summary,
    error: r.error,
  };
}

/** One run by id (the REST API's sync status). */
export async function findJobRun(db: Kysely<Database>, id: string): Promise<JobRunRow | undefined> {
  const row = await db.selectFrom('job_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRow(row) : undefined;
}

/** The latest finished runs (succeeded or failed; skips left out) of one job and scope, newest first. */
export async function latestFinishedRuns(
  db: Kysely<Database>,
  job: string,
  scope: string | null,
  limit: number,
): Promise<{ id: string; status: JobRunStatus; error: string | null }[]> {
  let q = db.selectFrom('job_runs').select(['id', 'status', 'error']).where('job', '=', job).where('status', 'in', ['succeeded', 'failed']);
  q = scope === null ? q.where('scope', 'is', null) : q.where('scope', '=', scope);
  return q.orderBy('id', 'desc').limit(limit).execute();
}
