// `npm run bench -- payouts [payouts=50000] [serveSeconds=5] [parts=workers,recovery,serve] [--json]`: on PostgreSQL (BENCH_DATABASE_URL or
// TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a throwaway database is created):
//  1. 4 `mp payouts process --once` processes, simulated gateway at zero latency: payouts/s, every
//     payout with its events, each completed exactly once (target ≥ 10,000/s);
//  2. a worker killed with SIGKILL mid-batch: time until a running worker has completed the dead
//     worker's payouts (target ≤ lease + 10 s);
//  3. `mp serve`, POST /api/payouts from 32 concurrent undici connections: req/s and p99 (targets
//     ≥ 1,000 req/s, p99 ≤ 50 ms).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { Pool } from 'undici';
import { openDatabase, openPostgres } from '../src/db/connect.js';
import { createApiToken } from '../src/serve/api-tokens.service.js';
import { adminUrl, backendPids, benchArgs, figure, finish, processCpuMs, sampleBackendsCpu, sampleCpu, withDatabase } from './_util.js';

const N = Number(benchArgs[0] ?? 50_000);
const SERVE_SECONDS = Number(benchArgs[1] ?? 5);
/** Which parts to run: workers,recovery,serve (default all). */
const PARTS = new Set((benchArgs[2] ?? 'workers,recovery,serve').split(','));
const LEASE_S = 5;
const BATCH = Number(process.env.BENCH_PAYOUTS_BATCH ?? 500);
const bin = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));
const name = `mp_bench_payouts_${randomBytes(3).toString('hex')}`;
const url = withDatabase(adminUrl, name);

function mp(args: string[], extraEnv: NodeJS.ProcessEnv = {}): { child: ChildProcess; exited: Promise<number | null>; stdout: () => string } {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: url, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.resume();
  return { child, exited: new Promise((resolve) => child.on('close', resolve)), stdout: () => out };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const admin = await openPostgres(adminUrl, { poolSize: 1 });
await sql.raw(`create database ${name}`).execute(admin.db);
const handle = await openDatabase({ databaseUrl: url, home: '/nonexistent', lockTimeoutMs: 0, file: {}, env: process.env });
const db = handle.db;

async function seed(n: number): Promise<void> {
  await sql`truncate payouts, payout_events`.execute(db);
  await sql`insert into payouts (amount, currency, recipient) select 1.00 + (g % 1000), 'RUB', 'acct-' || g from generate_series(1, ${n}) g`.execute(db);
  await sql`vacuum analyze payouts`.execute(db);
}

try {
  // 1. Throughput of 4 worker processes.
  if (PARTS.has('workers')) await measureWorkers();
  if (PARTS.has('recovery')) await measureRecovery();
  if (PARTS.has('serve')) await measureServe();
} finally {
  await handle.close();
  await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
  await admin.close();
}
finish();

async function measureWorkers(): Promise<void> {
  await seed(N);
  const wallStart = Date.now();
  const workers = Array.from({ length: 4 }, () => mp(['payouts', 'process', '--once', '--batch', String(BATCH)]));
  // CPU (ms) each worker and backend spent between the first and last time it was seen (every 50 ms).
  const workerCpu = sampleCpu(async () => workers.map((w) => w.child.pid!), 50, 'first-seen');
  const backendCpu = sampleBackendsCpu(db, name, 50, 'first-seen');
  const codes = await Promise.all(workers.map((w) => w.exited));
  const wallMs = Date.now() - wallStart;
  const [workersSpent, backendsSpent] = [(await workerCpu.stop()) * 1000, (await backendCpu.stop()) * 1000];
  const cpuSpent = workersSpent + backendsSpent;
  if (codes.some((c) => c !== 0)) throw new Error(`a worker exited with ${codes.join(', ')}`);
  const { rows } = await sql<{ completed: string; once: string; reattempted: string; first: Date; last: Date }>`
    select (select count(*) from payouts where status = 'COMPLETED') as completed,
      (select count(*) from (select payout_id from payout_events where to_status = 'COMPLETED' group by 1 having count(*) = 1) x) as once,
      (select count(*) from payouts where attempts <> 1) as reattempted,
      (select min(at) from payout_events where to_status = 'PROCESSING') as first,
      (select max(at) from payout_events where to_status = 'COMPLETED') as last`.execute(db);
  const r = rows[0]!;
  const busyMs = r.last.getTime() - r.first.getTime();
  figure('workers.payouts', 'payouts processed', Number(r.completed));
  figure('workers.completed_once', 'completed exactly once (events)', Number(r.once));
  figure('workers.double_claims', 'payouts with attempts ≠ 1 (double claims)', Number(r.reattempted));
  figure('workers.payouts_per_s', '4 workers, first claim → last completion', (N / busyMs) * 1000, 'payouts/s (target ≥ 10000)');
  figure('workers.payouts_per_s_with_startup', '4 workers, wall time incl. process start-up', (N / wallMs) * 1000, 'payouts/s');
  figure(
    'workers.cpu_ms_per_payout',
    'worker CPU per payout (workers + their PostgreSQL backends)',
    cpuSpent / N,
    `ms (2 idle cores ≈ ${Math.round(2000 / (cpuSpent / N))} payouts/s)`,
  );
  figure('workers.worker_cpu_us_per_payout', 'worker CPU per payout, workers', (workersSpent / N) * 1000, 'µs');
  figure('workers.postgres_cpu_us_per_payout', 'worker CPU per payout, PostgreSQL', (backendsSpent / N) * 1000, 'µs');
}

async function measureRecovery(): Promise<void> {
  // 2. Recovery after SIGKILL: a victim and a rescuer share the queue; the victim dies mid-batch.
  await seed(2000);
  const slow = { MP_PAYOUTS_SIM_LATENCY_MS: '20' };
  const victim = mp(['payouts', 'process', '--batch', '200', '--lease', `${LEASE_S}s`], slow);
  let held: string[] = [];
  for (let i = 0; i < 400 && held.length === 0; i++) {
    await sleep(25);
    const { rows: h } = await sql<{ id: string }>`select id from payouts where status = 'PROCESSING' and locked_by is not null`.execute(db);
    held = h.map((x) => x.id);
  }
  const rescuer = mp(['payouts', 'process', '--batch', '200', '--lease', `${LEASE_S}s`], slow);
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  await victim.exited;
  const { rows: orphans } = await sql<{
    id: string;
  }>`select id from payouts where status = 'PROCESSING' and locked_by is not null and id = any(${held}::uuid[])`.execute(db);
  const ids = orphans.map((o) => o.id);
  let recoveredMs = Number.NaN;
  for (let i = 0; i < (LEASE_S + 20) * 20; i++) {
    const { rows: left } = await sql<{ n: string }>`select count(*) as n from payouts where id = any(${ids}::uuid[]) and status <> 'COMPLETED'`.execute(db);
    if (left[0]!.n === '0') {
      recoveredMs = Date.now() - killedAt;
      break;
    }
    await sleep(50);
  }
  rescuer.child.kill('SIGTERM');
  await rescuer.exited;
  figure('recovery.payouts_held', 'payouts held by the killed worker', ids.length);
  figure('recovery.seconds', 'SIGKILL → all its payouts completed by another worker', recoveredMs / 1000, `s (lease ${LEASE_S} s; target ≤ ${LEASE_S + 10} s)`);
}

async function measureServe(): Promise<void> {
  // 3. mp serve under 32 concurrent connections.
  await sql`truncate payouts, payout_events`.execute(db);
  // Tokens on, as in production: one token whose rate limit the bench does not reach.
  const { token } = await createApiToken(db, { userName: 'bench', name: `bench-${Date.now()}`, scopes: ['payouts'], rate: 1_000_000 });
  const server = mp(['--json', 'serve', '--port', '0']);
  let base = '';
  for (let i = 0; i < 400 && !base; i++) {
    await sleep(25);
    const line = server.stdout().split('\n')[0];
    if (line) base = JSON.parse(line).url;
  }
  if (!base) throw new Error('mp serve did not start');
  const pool = new Pool(base, { connections: 32 });
  const body = JSON.stringify({ amount: '1500.25', currency: 'RUB', recipient: '40817810099910004312', comment: 'bench' });
  const latencies: number[] = [];
  let errors = 0;
  const run = async (until: number, record: boolean) => {
    while (Date.now() < until) {
      const t = process.hrtime.bigint();
      const res = await pool.request({
        method: 'POST',
        path: '/api/payouts',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      await res.body.dump();
      if (res.statusCode !== 201) errors++;
      if (record) latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: 32 }, () => run(Date.now() + 1000, false)));
  // CPU actually spent per request (server, its PostgreSQL backends, this client): on a shared,
  // overloaded machine req/s mostly measures the scheduler; this says what an idle box allows.
  const backends = await backendPids(db, name);
  const serverBefore = cpuMs([server.child.pid!]);
  const backendsBefore = cpuMs(backends);
  const clientBefore = process.cpuUsage();
  const started = Date.now();
  await Promise.all(Array.from({ length: 32 }, () => run(started + SERVE_SECONDS * 1000, true)));
  const elapsed = (Date.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  const serverCpu = cpuMs([server.child.pid!]) - serverBefore;
  const backendsCpu = cpuMs(backends) - backendsBefore;
  const clientCpu = (client.user + client.system) / 1000;
  const cpuSpent = serverCpu + backendsCpu + clientCpu;
  await pool.close();
  server.child.kill('SIGTERM');
  await server.exited;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  figure('serve.req_per_s', 'mp serve POST /api/payouts, 32 connections', latencies.length / elapsed, 'req/s (target ≥ 1000)');
  figure('serve.p50_ms', 'mp serve POST p50', pct(0.5), 'ms');
  figure('serve.p99_ms', 'mp serve POST p99', pct(0.99), 'ms (target ≤ 50)');
  figure('serve.errors', 'mp serve non-201 answers', errors);
  figure(
    'serve.cpu_ms_per_request',
    'mp serve CPU per request (server + PostgreSQL + client)',
    cpuSpent / latencies.length,
    `ms (2 idle cores ≈ ${Math.round(2000 / (cpuSpent / latencies.length))} req/s)`,
  );
  const per = (ms: number) => ms / latencies.length;
  figure('serve.server_cpu_ms_per_request', 'mp serve CPU per request, server', per(serverCpu), 'ms');
  figure('serve.postgres_cpu_ms_per_request', 'mp serve CPU per request, PostgreSQL', per(backendsCpu), 'ms');
  figure('serve.client_cpu_ms_per_request', 'mp serve CPU per request, client', per(clientCpu), 'ms');
  const { rows: load } = await sql<{ n: string }>`select count(*) as n from payouts`.execute(db);
  figure('serve.payouts_stored', 'mp serve payouts stored', Number(load[0]!.n));
}

/** utime + stime of these processes, in ms (Linux /proc; processes that are gone count 0). */
function cpuMs(pids: number[]): number {
  return pids.reduce((total, pid) => total + (processCpuMs(pid) ?? 0), 0);
}
