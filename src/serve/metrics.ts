// /metrics in the Prometheus text format (prom-client, loaded only by `mp serve`). Two kinds:
// - this process's own: HTTP requests by route and status with latency histograms, upstream
//   requests and 429s by host (undici's diagnostics channel: every client mp has, no hook in it),
//   the process's CPU, memory and event loop;
// - what the database knows, read at each scrape so that every mp process counts (the daemon's jobs,
//   cron's syncs, other hosts' workers): job runs and durations by job and outcome, WB sync runs by
//   stream and outcome, the notification outbox by status (depth, dead), payouts by status and the
//   age of the oldest waiting one.
import diagnostics from 'node:diagnostics_channel';
import { type Kysely, sql } from 'kysely';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/schema.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Job and sync durations: seconds to an hour. */
const RUN_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

export interface ApiMetrics {
  registry: Registry;
  /** Records one answered request (route: the path template, or "unmatched"). */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** The exposition text (content type: registry.contentType). */
  text(): Promise<string>;
  close(): void;
}

interface Sample {
  labels: Record<string, string>;
  value: number;
  metricName?: string;
}

/** A metric whose samples are computed at scrape time. */
function computed(registry: Registry, name: string, help: string, type: 'gauge' | 'counter' | 'histogram', read: () => Promise<Sample[]>): void {
  registry.registerMetric({
    name,
    help,
    type,
    get: async () => ({ name, help, type, values: await read(), aggregator: 'sum' }),
  } as never);
}

/** Histogram samples from per-group bucket counts computed in SQL. */
function histogramSamples(name: string, rows: { labels: Record<string, string>; count: number; sum: number; buckets: number[] }[]): Sample[] {
  const out: Sample[] = [];
  for (const r of rows) {
    RUN_BUCKETS.forEach((le, i) => {
      out.push({ metricName: `${name}_bucket`, labels: { ...r.labels, le: String(le) }, value: r.buckets[i] ?? 0 });
    });
    out.push({ metricName: `${name}_bucket`, labels: { ...r.labels, le: '+Inf' }, value: r.count });
    out.push({ metricName: `${name}_sum`, labels: r.labels, value: r.sum });
    out.push({ metricName: `${name}_count`, labels: r.labels, value: r.count });
  }
  return out;
}

const bucketColumns = (duration: string) => sql.raw(RUN_BUCKETS.map((b, i) => `count(*) filter (where ${duration} <= ${b}) as b${i}`).join(', '));

const durationOf = 'extract(epoch from (finished_at - started_at))';

/**
 * The duration histogram of the finished runs recorded in `table` (every mp process's), labelled by
 * the run's `key` column and its status as `outcome`, read from the database at each scrape.
 */
function runDurations(db: Kysely<Database>, registry: Registry, name: string, help: string, table: 'job_runs' | 'wb_sync_runs', key: 'job' | 'stream'): void {
  computed(registry, name, help, 'histogram', async () => {
    const rows = await sql<Record<string, string>>`
      select ${sql.ref(key)} as k, status, count(*) as n, coalesce(sum(${sql.raw(durationOf)}), 0) as s, ${bucketColumns(durationOf)}
      from ${sql.table(table)} where finished_at is not null group by ${sql.ref(key)}, status`.execute(db);
    return histogramSamples(
      name,
      rows.rows.map((r) => ({
        labels: { [key]: r.k!, outcome: r.status! },
        count: Number(r.n),
        sum: Number(r.s),
        buckets: RUN_BUCKETS.map((_, i) => Number(r[`b${i}`])),
      })),
    );
  });
}

export function createMetrics(db: Kysely<Database>, now: () => Date = () => new Date()): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mp_process_' });
  const requests = new Counter({
    name: 'mp_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'mp_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const upstream = new Counter({
    name: 'mp_upstream_requests_total',
    help: 'requests this process made to marketplaces and other hosts, by host and status',
    labelNames: ['host', 'status'],
    registers: [registry],
  });
  const upstream429 = new Counter({
    name: 'mp_upstream_rate_limited_total',
    help: 'upstream answers 429 (too many requests), by host',
    labelNames: ['host'],
    registers: [registry],
  });

  // Every undici request of this process (mp's HttpClient is undici), whatever the client.
  const onHeaders = (message: unknown) => {
    const { request, response } = message as { request: { origin?: string | URL }; response: { statusCode: number } };
    let host = 'unknown';
    try {
      host = new URL(String(request.origin)).host;
    } catch {
      // an origin undici could not parse would not have been sent
    }
    upstream.inc({ host, status: String(response.statusCode) });
    if (response.statusCode === 429) upstream429.inc({ host });
  };
  diagnostics.subscribe('undici:request:headers', onHeaders);

  computed(registry, 'mp_job_runs_total', 'scheduled job runs recorded in the database (every mp process), by job and outcome', 'counter', async () => {
    const rows = await sql<{ job: string; status: string; n: string }>`
      select job, status, count(*) as n from job_runs where status <> 'running' group by job, status`.execute(db);
    return rows.rows.map((r) => ({ labels: { job: r.job, outcome: r.status }, value: Number(r.n) }));
  });
  runDurations(db, registry, 'mp_job_run_duration_seconds', 'duration of finished job runs, by job and outcome', 'job_runs', 'job');
  computed(registry, 'mp_jobs_running', 'job runs in progress', 'gauge', async () => {
    const rows = await sql<{ job: string; n: string }>`select job, count(*) as n from job_runs where status = 'running' group by job`.execute(db);
    return rows.rows.map((r) => ({ labels: { job: r.job }, value: Number(r.n) }));
  });
  computed(
    registry,
    'mp_wb_sync_runs_total',
    'Wildberries sync runs recorded in the database, by stream and outcome (ok, skipped, failed, died)',
    'counter',
    async () => {
      const rows = await sql<{ stream: string; status: string; n: string }>`
      select stream, status, count(*) as n from wb_sync_runs where status <> 'running' group by stream, status`.execute(db);
      return rows.rows.map((r) => ({ labels: { stream: r.stream, outcome: r.status }, value: Number(r.n) }));
    },
  );
  runDurations(db, registry, 'mp_wb_sync_run_duration_seconds', 'duration of finished Wildberries sync runs, by stream and outcome', 'wb_sync_runs', 'stream');
  computed(
    registry,
    'mp_notify_outbox',
    'notifications in the outbox by status: pending and sending are the depth, dead the ones given up',
    'gauge',
    async () => {
      const rows = await sql<{ status: string; n: string }>`select status, count(*) as n from notify_outbox group by status`.execute(db);
      const by = new Map(rows.rows.map((r) => [r.status, Number(r.n)]));
      return ['pending', 'sending', 'sent', 'failed', 'dead'].map((status) => ({ labels: { status }, value: by.get(status) ?? 0 }));
    },
  );
  computed(registry, 'mp_payouts', 'payouts by status', 'gauge', async () => {
    const rows = await sql<{ status: string; n: string }>`select status, count(*) as n from payouts group by status`.execute(db);
    const by = new Map(rows.rows.map((r) => [r.status, Number(r.n)]));
    return ['NEW', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'].map((status) => ({ labels: { status }, value: by.get(status) ?? 0 }));
  });
  computed(
    registry,
    'mp_payouts_queue_age_seconds',
    'age of the oldest payout waiting to be processed (NEW or PROCESSING); 0 when none waits',
    'gauge',
    async () => {
      const row = await sql<{ oldest: Date | string | null }>`select min(created_at) as oldest from payouts where status in ('NEW', 'PROCESSING')`.execute(db);
      const oldest = row.rows[0]?.oldest;
      return [{ labels: {}, value: oldest ? Math.max(0, (now().getTime() - new Date(oldest).getTime()) / 1000) : 0 }];
    },
  );

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    text: () => registry.metrics(),
    close() {
      diagnostics.unsubscribe('undici:request:headers', onHeaders);
    },
  };
}
