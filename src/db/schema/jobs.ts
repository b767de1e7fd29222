import type { Generated } from 'kysely';

/** Tables of sql/0007_jobs.sql (+ 0025: shard). */
export interface JobTables {
  job_runs: JobRunTable;
}

// The status union is spelled out in JobRunTable: test/db/schema.test.ts reads column types as written.
export type JobRunStatus = JobRunTable['status'];

export interface JobRunTable {
  id: Generated<string>;
  job: string;
  scope: string | null;
  /** `i/n` when the run handled one shard (sql/0025). */
  shard: string | null;
  host: string;
  pid: number;
  started_at: Generated<Date>;
  finished_at: Date | null;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  summary: Record<string, unknown> | null;
  error: string | null;
}
