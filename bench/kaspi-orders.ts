// `npm run bench -- kaspi-orders [orders=50000] [entries=2] [--json]`: `mp kaspi orders sync` of a fresh store
// from the fake Kaspi Shop API (its own process) into PostgreSQL (BENCH_DATABASE_URL or
// TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a throwaway database is
// created). 50,000 orders over 28 days: 3 windows of ≤ 14 days × 6 states × pages of 100, and one
// entries request per order. Prints the sync's wall time, mp's CPU time and peak RSS, and checks the
// rows landed. Target: ≤ 30 s for 50,000 orders × 2 entries.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openPostgres } from '../src/db/connect.js';
import { adminUrl, benchArgs, cpuSeconds, figure, figureLoadAverage, finish, runMp, sampleBackendsCpu, withDatabase } from './_util.js';

const orders = Number(benchArgs[0] ?? 50_000);
const entries = Number(benchArgs[1] ?? 2);
const fakeScript = fileURLToPath(new URL('./_kaspi-shop-fake.js', import.meta.url));

const fake = spawn(process.execPath, [fakeScript, String(orders), String(entries)], { stdio: ['ignore', 'pipe', 'inherit'] });
const first = await new Promise<string>((resolve, reject) => {
  createInterface({ input: fake.stdout! }).once('line', resolve);
  fake.once('exit', (code) => reject(new Error(`fake Shop API exited with ${code}`)));
});
const { url: shopUrl, token } = JSON.parse(first) as { url: string; token: string };

const name = `mp_bench_kaspi_orders_${process.pid}`;
const admin = await openPostgres(adminUrl, { poolSize: 1 });
await sql.raw(`create database ${name}`).execute(admin.db);
const env = { ...process.env, DATABASE_URL: withDatabase(adminUrl, name), MP_KASPI_SHOP_API_URL: shopUrl, MP_SECRET_KEY: 'a'.repeat(64), NO_COLOR: '1' };

try {
  await runMp(['db', 'migrate'], env, '');
  await runMp(['demper', 'store', 'add', '--merchant-id', 'BENCH', '--name', 'Bench', '--token-stdin'], env, `${token}\n`);
  const fakeCpuBefore = cpuSeconds(fake.pid!);
  // mp's PostgreSQL backends (same machine): their CPU, sampled from /proc while the sync runs.
  const backends = sampleBackendsCpu(admin.db, name, 100, 'zero');
  const run = await runMp(['--json', 'kaspi', 'orders', 'sync', '--since', '30d'], env, '');
  const pgCpu = await backends.stop();
  const fakeCpu = cpuSeconds(fake.pid!) - fakeCpuBefore;
  const summary = JSON.parse(run.stdout) as { orders: number; new: number; windows: number; entries_read: number };
  const db = await openPostgres(env.DATABASE_URL, { poolSize: 1 });
  try {
    const counts = await sql<{ orders: string; entries: string }>`
      select (select count(*) from kaspi_orders) as orders, (select count(*) from kaspi_order_entries) as entries`.execute(db.db);
    const row = counts.rows[0]!;
    if (Number(row.orders) !== orders || Number(row.entries) !== orders * entries) {
      throw new Error(`expected ${orders} orders and ${orders * entries} entries, the database holds ${row.orders} and ${row.entries}`);
    }
    figure('orders', 'orders synced (in the database)', Number(row.orders));
    figure('entries', 'entries synced (in the database)', Number(row.entries));
  } finally {
    await db.close();
  }
  figure('windows', 'windows (≤ 14 days)', summary.windows);
  figure('entry_requests', 'entry requests', summary.entries_read);
  figure('seconds', 'mp kaspi orders sync wall time', run.ms / 1000, 's (target ≤ 30)');
  figure('peak_rss_mb', 'mp kaspi orders sync peak RSS', run.peakMb, 'MB');
  // The wall time includes the fake server and PostgreSQL; on a shared machine read it with these.
  figure('mp_cpu_s', 'mp kaspi orders sync CPU time (mp process, user+system)', run.cpu, 's');
  figure('postgres_cpu_s', "PostgreSQL CPU time (mp's backends, sampled every 100 ms)", pgCpu, 's');
  figure('fake_cpu_s', 'fake Shop API CPU time (its own process)', fakeCpu, 's');
  figureLoadAverage({ when: 'at the end', cpus: true });
} finally {
  fake.kill('SIGTERM');
  await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
  await admin.close();
}
finish();
