// `npm run bench -- kaspi [products] [pglite|postgres|both] [--json]`: scrapes 1,000 generated products
// (~400 KB pages, 150 offers = 3 offer pages, reviews) from the fake Kaspi with no rate limit, at the
// default concurrency of 4, into PGlite and into PostgreSQL, storing everything and writing the JSON
// export. The fake server runs in this process; each scrape runs in a child process so its CPU time
// and peak RSS are its own. Prints products/s, CPU ms per product and peak RSS.
// Targets (PostgreSQL, 2 cores): ≥ 150 products/s, ≤ 9 ms CPU per product over all processes, peak RSS ≤ 200 MB.
// PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test);
// a fresh database mp_bench_kaspi_<pid> is created and dropped.
// Profiling: BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" passes node flags to the scraper child;
// run `node --cpu-prof dist/bench/kaspi.js …` to profile the fake Kaspi (it runs in the bench process).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { resolveConfig } from '../src/core/config.js';
import { type DbHandle, openDatabase, openPglite, openPostgres } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { GENERATED_ID_BASE, startFakeKaspi } from '../src/fakes/fake-kaspi.js';
import { exportAllProducts, exportProduct, kaspiExportDir } from '../src/kaspi/json-export.js';
import { createKaspiClient } from '../src/kaspi/kaspi.client.js';
import { scrapeProducts } from '../src/kaspi/scrape.service.js';
import { summarize } from '../src/kaspi/scrape-summary.js';
import { benchArgs, figure, finish, peakRssMb, processCpuMs } from './_util.js';

interface ChildResult {
  products: number;
  failed: number;
  wallMs: number;
  cpuMs: number;
  userMs: number;
  systemMs: number;
  peakRssMb: number;
  offers: number;
  /** CPU time of the PostgreSQL backends, or of the embedded database's owner, serving the child during the run (0 on PGlite in-process). */
  dbCpuMs: number;
}

const CONCURRENCY = 4;

async function child(engine: string, kaspiUrl: string, dbUrl: string, count: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mp-bench-kaspi-'));
  let handle: DbHandle | undefined;
  try {
    // pglite: PGlite in this process; embedded: the default install, PGlite in its owner process over a socket.
    handle =
      engine === 'pglite'
        ? await openPglite(join(dir, 'db'), 10_000)
        : engine === 'embedded'
          ? await openDatabase(resolveConfig({ home: dir }, { MP_DB_IDLE: '10m' }))
          : await openPostgres(dbUrl);
    await migrateToLatest(handle.db);
    const backendsBefore = engine === 'postgres' ? await backendCpu(handle) : new Map<number, number>();
    const owner = handle.owner ? (await handle.owner()).pid : undefined;
    const ownerBefore = owner ? (processCpuMs(owner) ?? 0) : 0;
    const client = createKaspiClient(kaspiUrl, { rateLimit: null });
    const targets = Array.from({ length: count }, (_, i) => {
      const id = String(GENERATED_ID_BASE + i);
      return { input: id, id, city: '750000000' };
    });
    const cpu = process.cpuUsage();
    const started = performance.now();
    // The same per-product work as `mp kaspi scrape`: store, export file, keep a small summary.
    const exportDir = kaspiExportDir(join(dir, 'export'));
    let offers = 0;
    const results = await scrapeProducts({ db: handle.db, client, baseUrl: kaspiUrl, now: () => new Date() }, targets, {
      concurrency: CONCURRENCY,
      onResult(r) {
        if (r.ok) {
          exportProduct(exportDir, r);
          offers += r.offers?.length ?? 0;
        }
        return summarize(r);
      },
    });
    await exportAllProducts(handle.db, exportDir);
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    let dbCpuMs = 0;
    if (engine === 'postgres') for (const [pid, ms] of await backendCpu(handle)) dbCpuMs += ms - (backendsBefore.get(pid) ?? 0);
    if (owner) dbCpuMs = (processCpuMs(owner) ?? ownerBefore) - ownerBefore;
    await client.close();
    const failures = results.filter((r) => !r.ok);
    const ok = results.filter((r) => r.ok);
    if (failures.length) process.stderr.write(`first failure: ${JSON.stringify(failures[0])}\n`);
    const result: ChildResult = {
      products: ok.length,
      failed: failures.length,
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      userMs: used.user / 1000,
      systemMs: used.system / 1000,
      peakRssMb: peakRssMb(),
      offers,
      dbCpuMs,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU ms so far of each PostgreSQL backend connected to this database (same machine: /proc). */
async function backendCpu(handle: DbHandle): Promise<Map<number, number>> {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(handle.db);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10); // utime + stime, in clock ticks of 10 ms
    } catch {
      // not on this machine, or gone
    }
  }
  return out;
}

function runChild(engine: string, kaspiUrl: string, dbUrl: string, count: number): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  // BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for the scraper (to profile it).
  const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...nodeArgs, self, '--child', engine, kaspiUrl, dbUrl, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the ${engine} child exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
    });
  });
}

async function withPostgres<T>(fn: (url: string) => Promise<T>): Promise<T | undefined> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const name = `mp_bench_kaspi_${process.pid}`;
  let admin: DbHandle;
  try {
    admin = await openPostgres(adminUrl, { poolSize: 1 });
    await sql.raw(`create database ${name}`).execute(admin.db);
  } catch (error) {
    process.stderr.write(`PostgreSQL skipped: ${(error as Error).message}\n`);
    return undefined;
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  try {
    return await fn(u.toString());
  } finally {
    await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
    await admin.close();
  }
}

function report(engine: string, r: ChildResult, fakeCpuMs: number): void {
  const k = (name: string) => `${engine}.${name}`;
  figure(k('products'), `${engine} products`, r.products, r.failed ? `(${r.failed} failed)` : '');
  figure(k('failed'), `${engine} failed`, r.failed);
  figure(k('offers'), `${engine} offers stored`, r.offers);
  figure(k('seconds'), `${engine} wall`, r.wallMs / 1000, 's');
  figure(k('products_per_s'), `${engine} throughput`, (r.products * 1000) / r.wallMs, engine === 'postgres' ? 'products/s (target ≥ 150)' : 'products/s');
  const per = (ms: number) => ms / Math.max(1, r.products);
  figure(k('scraper_cpu_ms_per_product'), `${engine} CPU`, per(r.cpuMs), 'ms/product (scraper process)');
  figure(k('scraper_user_ms_per_product'), `${engine} CPU user`, per(r.userMs), 'ms/product');
  figure(k('scraper_system_ms_per_product'), `${engine} CPU system`, per(r.systemMs), 'ms/product');
  // What 2 idle cores allow: every process of the run shares them (scraper, PostgreSQL backends, the
  // fake Kaspi), and the scraper's JavaScript runs on one core, so it can use at most one of them.
  const all = per(r.cpuMs + r.dbCpuMs + fakeCpuMs);
  if (engine === 'postgres') figure(k('postgres_cpu_ms_per_product'), `${engine} PostgreSQL backends CPU`, per(r.dbCpuMs), 'ms/product');
  if (engine === 'embedded') figure(k('owner_cpu_ms_per_product'), `${engine} database owner CPU`, per(r.dbCpuMs), 'ms/product');
  figure(k('fake_cpu_ms_per_product'), `${engine} fake Kaspi CPU`, per(fakeCpuMs), 'ms/product (serving pages, offers, reviews)');
  figure(k('cpu_ms_per_product'), `${engine} CPU, all processes`, all, engine === 'postgres' ? 'ms/product (target ≤ 9)' : 'ms/product');
  figure(
    k('idle_2_cores_products_per_s'),
    `${engine} 2 idle cores allow`,
    Math.min(2000 / all, 1000 / per(r.userMs)),
    'products/s (min of 2 cores / all CPU, 1 core / scraper user CPU)',
  );
  figure(k('peak_rss_mb'), `${engine} peak RSS`, r.peakRssMb, engine === 'postgres' ? 'MB (target ≤ 200)' : 'MB');
}

async function main(): Promise<void> {
  const args = benchArgs;
  if (args[0] === '--child') return child(args[1]!, args[2]!, args[3]!, Number(args[4]));
  const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 1000);
  const which = args.find((a) => /^(pglite|embedded|postgres|both|all)$/.test(a)) ?? 'both';
  const kaspi = await startFakeKaspi({ generated: count, generatedOffers: 150 });
  try {
    figure('products', 'products', count);
    figure('concurrency', 'concurrency', CONCURRENCY);
    // Other work on the machine slows everything here; the CPU per product is the steadier figure.
    figure('load_average_1m_at_start', 'load average (1 min) at start', loadavg()[0]!);
    // The fake Kaspi runs in this process, which does nothing else meanwhile: its CPU is the server's.
    const measured = async (run: () => Promise<ChildResult | undefined>) => {
      const before = process.cpuUsage();
      const r = await run();
      const used = process.cpuUsage(before);
      return r && { r, fakeCpuMs: (used.user + used.system) / 1000 };
    };
    if (which === 'pglite' || which === 'both' || which === 'all') {
      const m = (await measured(() => runChild('pglite', kaspi.url, '', count)))!;
      report('pglite', m.r, m.fakeCpuMs);
    }
    if (which === 'embedded' || which === 'all') {
      const m = (await measured(() => runChild('embedded', kaspi.url, '', count)))!;
      report('embedded', m.r, m.fakeCpuMs);
    }
    if (which === 'postgres' || which === 'both' || which === 'all') {
      const m = await measured(() => withPostgres((url) => runChild('postgres', kaspi.url, url, count)));
      if (m) report('postgres', m.r, m.fakeCpuMs);
    }
  } finally {
    await kaspi.stop();
  }
  finish();
}

await main();
