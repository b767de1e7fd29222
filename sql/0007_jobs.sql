-- Scheduled jobs: one row per run of a job (from `mp jobs run`, cron or `mp daemon`), including
-- runs that were skipped because another process held the job's advisory lock.
create table job_runs (
  id bigint generated always as identity primary key,
  job text not null,
  -- The store or cabinet a per-scope job ran for; null when the run covered everything.
  scope text,
  host text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null check (status in ('running', 'succeeded', 'failed', 'skipped')),
  summary jsonb,
  error text
);

-- `mp jobs status`: the last run per job, and failures in the last 24 hours.
create index job_runs_job_started_idx on job_runs (job, started_at desc);
