// `npm run bench -- rest [seconds=5] [orders=5000] [connections=32] [pages=20] [--json]`: `mp serve` with API tokens
// on, on PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
// a throwaway database is created), loaded by an undici Pool from this process:
//  1. GET /api/v1/kaspi/stores/{store}/orders?since=30d&limit=50&offset=… (a store with `orders`
//     orders in 25 days; offsets rotating over its first `pages` pages of 50): req/s and p99 (targets ≥ 2,000 req/s, p99 ≤ 50 ms);
//  2. POST /api/payouts: req/s and p99 (targets ≥ 1,000 req/s, p99 ≤ 50 ms).
// With the CPU each request cost (server, PostgreSQL, client) and the load average, since on a shared
// machine req/s mostly measures the scheduler.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { Pool } from 'undici';
import { openDatabase, openPostgres } from '../src/db/connect.js';
import { addStore } from '../src/kaspi/merchant/stores.service.js';
import { createApiToken } from '../src/serve/api-tokens.service.js';
import { adminUrl, backendPids, benchArgs, figure, figureLoadAverage, finish, processCpuMs, withDatabase } from './_util.js';

const SECONDS = Number(benchArgs[0] ?? 5);
const ORDERS = Number(benchArgs[1] ?? 5_000);
const CONNECTIONS = Number(benchArgs[2] ?? 32);
const PAGES = Number(benchArgs[3] ?? 20);
const bin = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));
const name = `mp_bench_rest_${randomBytes(3).toString('hex')}`;
const url = withDatabase(adminUrl, name);
const home = mkdtempSync(join(tmpdir(), 'mp-bench-rest-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const admin = await openPostgres(adminUrl, { poolSize: 1 });
await sql.raw(`create database ${name}`).execute(admin.db);
const handle = await openDatabase({ databaseUrl: url, home, lockTimeoutMs: 0, file: {}, env: process.env });
const db = handle.db;
let server: { child: ChildProcess; exited: Promise<unknown> } | undefined;

try {
  // A store of user "bench" with ORDERS orders over the last 25 days, one entry each.
  const store = await addStore(db, randomBytes(32), { merchantId: 'BENCH1', name: 'Bench shop', user: 'bench' });
  const now = Date.now();
  await sql`
    insert into kaspi_orders (store_id, kaspi_order_id, code, state, status, total_price, created_at, city)
    select ${store.id}, 'o' || i, 'C' || i, 'ARCHIVE', case when i % 10 = 0 then 'CANCELLED' else 'COMPLETED' end,
           (1000 + i % 5000)::numeric, to_timestamp(${now / 1000} - i * (25 * 86400.0 / ${ORDERS})), 'Almaty'
    from generate_series(1, ${ORDERS}) i`.execute(db);
  await sql`
    insert into kaspi_order_entries (order_id, entry_number, product_code, product_name, quantity, base_price, total_price)
    select id, 1, 'P' || (id % 300), 'Product ' || (id % 300), 1, total_price, total_price from kaspi_orders`.execute(db);
  await sql`vacuum analyze kaspi_orders, kaspi_order_entries`.execute(db);
  const read = await createApiToken(db, { userName: 'bench', name: 'bench-read', scopes: ['read'], rate: 1_000_000 });
  const payouts = await createApiToken(db, { userName: 'bench', name: 'bench-payouts', scopes: ['payouts'], rate: 1_000_000 });

  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for the server (to profile it).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, bin, '--json', 'serve', '--port', '0'], {
    env: { ...process.env, DATABASE_URL: url, MP_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.resume();
  server = { child, exited: new Promise((resolve) => child.on('close', resolve)) };
  let base = '';
  for (let i = 0; i < 400 && !base; i++) {
    await sleep(25);
    const line = out.split('\n')[0];
    if (line) base = JSON.parse(line).url;
  }
  if (!base) throw new Error('mp serve did not start');
  const pool = new Pool(base, { connections: CONNECTIONS });
  const pages = Math.max(1, Math.min(PAGES, Math.ceil(ORDERS / 50)));

  /** CONNECTIONS loops sending `request(i)` for SECONDS (after a 1 s warm-up): figures under `key`. */
  async function load(key: string, label: string, target: number, expect: number, request: (i: number) => Parameters<Pool['request']>[0]) {
    const latencies: number[] = [];
    let errors = 0;
    let n = 0;
    const run = async (until: number, record: boolean) => {
      while (Date.now() < until) {
        const t = process.hrtime.bigint();
        const res = await pool.request(request(n++));
        await res.body.dump();
        if (res.statusCode !== expect) errors++;
        if (record) latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, () => run(Date.now() + 1000, false)));
    const backends = await backendPids(db, name);
    const serverBefore = cpuMs([child.pid!]);
    const backendsBefore = cpuMs(backends);
    const clientBefore = process.cpuUsage();
    const started = Date.now();
    await Promise.all(Array.from({ length: CONNECTIONS }, () => run(started + SECONDS * 1000, true)));
    const elapsed = (Date.now() - started) / 1000;
    const client = process.cpuUsage(clientBefore);
    const serverCpu = cpuMs([child.pid!]) - serverBefore;
    const postgresCpu = cpuMs(backends) - backendsBefore;
    const clientCpu = (client.user + client.system) / 1000;
    const cpuSpent = serverCpu + postgresCpu + clientCpu;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
    const perRequest = cpuSpent / latencies.length;
    figure(`${key}.req_per_s`, `${label}, ${CONNECTIONS} connections`, latencies.length / elapsed, `req/s (target ≥ ${target})`);
    figure(`${key}.p50_ms`, `${label} p50`, pct(0.5), 'ms');
    figure(`${key}.p99_ms`, `${label} p99`, pct(0.99), 'ms (target ≤ 50)');
    figure(`${key}.errors`, `${label} answers other than ${expect}`, errors);
    figure(
      `${key}.cpu_ms_per_request`,
      `${label} CPU per request (server + PostgreSQL + client)`,
      perRequest,
      `ms (2 idle cores ≈ ${Math.round(2000 / perRequest)} req/s)`,
    );
    figure(`${key}.server_cpu_ms_per_request`, `${label} CPU per request, server`, serverCpu / latencies.length, 'ms');
    figure(`${key}.postgres_cpu_ms_per_request`, `${label} CPU per request, PostgreSQL`, postgresCpu / latencies.length, 'ms');
    figure(`${key}.client_cpu_ms_per_request`, `${label} CPU per request, client`, clientCpu / latencies.length, 'ms');
    figureLoadAverage({ when: `after ${key}` });
  }

  figureLoadAverage({ when: 'before', cpus: true });
  await load('orders', `GET /api/v1/kaspi/stores/{store}/orders (${ORDERS} orders, ${pages} pages of 50)`, 2000, 200, (i) => ({
    method: 'GET',
    path: `/api/v1/kaspi/stores/BENCH1/orders?since=30d&limit=50&offset=${(i % pages) * 50}`,
    headers: { authorization: `Bearer ${read.token}` },
  }));
  const body = JSON.stringify({ amount: '1500.25', currency: 'RUB', recipient: '40817810099910004312', comment: 'bench' });
  await load('payouts', 'POST /api/payouts', 1000, 201, () => ({
    method: 'POST',
    path: '/api/payouts',
    headers: { authorization: `Bearer ${payouts.token}`, 'content-type': 'application/json' },
    body,
  }));
  await pool.close();
} finally {
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await handle.close();
  await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
  await admin.close();
}
if (!process.argv.includes('--json'))
  process.stdout.write(
    `load average now: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
finish();

/** utime + stime of these processes, in ms (Linux /proc; processes that are gone count 0). */
function cpuMs(pids: number[]): number {
  return pids.reduce((total, pid) => total + (processCpuMs(pid) ?? 0), 0);
}
