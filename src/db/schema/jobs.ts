import type { Generated } from 'kysely';

/** Tables of sql/0007_jobs.sql. */
export interface JobTables {
  job_runs: JobRunTable;
}

export type JobRunStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface JobRunTable {
  id: Generated<string>;
  job: string;
  scope: string | null;
  host: string;
  pid: number;
  started_at: Generated<Date>;
  finished_at: Date | null;
  status: JobRunStatus;
  summary: Record<string, unknown> | null;
  error: string | null;
}
