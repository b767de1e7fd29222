// `npm run bench -- demper [products] [--json]`: `mp --json demper plan --rate 0` for 10,000 products on
// PostgreSQL against the fake offers server (in this process, no rate limit); prints wall time,
// products/s, the child's peak RSS and the reasons. Target: ≤ 30 s. On a shared machine the wall time
// follows the load: the CPU time of mp, of its PostgreSQL backends and of the fake server (this
// process) is printed beside it, with the load average.
// PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test);
// the data goes to its own database mp_bench_demper, recreated on every run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openPostgres } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { type FakeRawOffer, startFakeKaspiMc } from '../src/fakes/fake-kaspi-mc.js';
import { adminUrl, benchArgs, figure, figureLoadAverage, finish, jsonMode, sampleBackendsCpu, withDatabase } from './_util.js';

const PRODUCTS = Number(benchArgs[0] ?? 10_000);
const dbName = 'mp_bench_demper';
const mp = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));

async function prepare(): Promise<string> {
  const admin = await openPostgres(adminUrl, { poolSize: 1 });
  await sql.raw(`drop database if exists ${dbName} with (force)`).execute(admin.db);
  await sql.raw(`create database ${dbName}`).execute(admin.db);
  await admin.close();
  const url = withDatabase(adminUrl, dbName);
  const handle = await openPostgres(url, { poolSize: 1 });
  try {
    await migrateToLatest(handle.db);
    await sql`insert into kaspi_stores (merchant_id, name) values ('BENCH', 'Bench shop')`.execute(handle.db);
    await sql`
      insert into demper_products (store_id, sku, product_id, name, price, min_price, max_price, step, strategy)
      select 1, 'SKU-' || g, (100000000 + g)::text, 'Товар ' || g, 10000, 8000, 15000, 10,
             (array['undercut', 'match', 'top-n', 'undercut'])[1 + g % 4]
      from generate_series(1, ${PRODUCTS}) g`.execute(handle.db);
    await sql`update demper_products set top_n = 2 where strategy = 'top-n'`.execute(handle.db);
    return url;
  } finally {
    await handle.close();
  }
}

function offersFor(i: number): FakeRawOffer[] {
  const offers: FakeRawOffer[] = [{ merchantId: 'BENCH', price: 10000, deliveryDuration: 'TOMORROW' }];
  for (let m = 0; m < 2 + (i % 9); m++) {
    offers.push({
      merchantId: `M${m}`,
      merchantName: `Магазин ${m}`,
      price: 7000 + ((i * 7919 + m * 104729) % 9000),
      deliveryDuration: m % 2 ? 'TILL_5_DAYS' : 'TODAY',
    });
  }
  return offers;
}

const url = await prepare();
const offers: Record<string, FakeRawOffer[]> = {};
for (let i = 1; i <= PRODUCTS; i++) offers[String(100000000 + i)] = offersFor(i);
const fake = await startFakeKaspiMc({ offers });
const home = mkdtempSync(join(tmpdir(), 'mp-bench-demper-'));
const monitor = await openPostgres(url, { poolSize: 1 });
try {
  const load = loadavg()[0]!;
  const childCpuBefore = reapedChildrenCpuMs();
  const serverCpuBefore = process.cpuUsage();
  const backends = sampleBackendsCpu(monitor.db, dbName, 100, 'first-seen');
  const started = Date.now();
  const child = spawn(process.execPath, [mp, '--json', 'demper', 'plan', '--rate', '0', '--concurrency', '16'], {
    env: { ...process.env, DATABASE_URL: url, MP_HOME: home, MP_KASPI_URL: fake.url, MP_SECRET_KEY: 'b'.repeat(64) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // exited
    }
  }, 100);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(poll);
  const seconds = (Date.now() - started) / 1000;
  const backendsCpu = await backends.stop();
  const serverCpu = process.cpuUsage(serverCpuBefore);
  const childCpu = reapedChildrenCpuMs() - childCpuBefore;
  if (code !== 0) throw new Error(`mp demper plan exited with ${code}: ${stderr.slice(0, 500)}`);
  const records = JSON.parse(stdout) as { reason: string }[];
  const reasons = new Map<string, number>();
  for (const r of records) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  figure('products', 'products planned', records.length);
  figure('offer_requests', 'offer requests', fake.requestsTo('/yml/offer-view/offers/:id').length);
  figure('seconds', 'plan wall time', seconds, 's (target ≤ 30)');
  figure('products_per_s', 'products/s', records.length / seconds);
  figure('mp_cpu_s', 'mp CPU time', childCpu / 1000, 's');
  figure('postgres_cpu_s', 'PostgreSQL backends CPU time', backendsCpu, 's');
  figure('fake_cpu_s', 'fake offers server CPU time', (serverCpu.user + serverCpu.system) / 1e6, 's');
  figureLoadAverage({ when: 'at start', value: load });
  figure('peak_rss_mb', 'mp peak RSS', peak, 'MB');
  if (jsonMode) for (const [r, n] of reasons) figure(`reasons.${r}`, r, n);
  else figure('reasons', 'reasons', [...reasons].map(([r, n]) => `${r} ${n}`).join(', '));
} finally {
  await monitor.close();
  await fake.stop();
  rmSync(home, { recursive: true, force: true });
}
finish();

/** CPU time (ms) of this process's children that have exited and been waited for (Linux /proc). */
function reapedChildrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}
