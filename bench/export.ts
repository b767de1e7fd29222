// `npm run bench -- export [rows] [csv|xlsx] [--json]`: 1,000,000 Kaspi offer-history rows (inserted with
// generate_series) on PostgreSQL exported by `node bin/mp.js export kaspi-offer-history` to CSV and
// to XLSX, each in its own process; prints wall time, rows/s, file size and the child's peak RSS
// (VmHWM polled from /proc). Targets: CSV ≤ 15 s, XLSX ≤ 90 s, peak RSS ≤ 250 MB each.
// PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test);
// the data goes to its own database mp_bench_export, kept between runs when it already holds the rows.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openPostgres } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { adminUrl, benchArgs, figure, figureLoadAverage, finish, sampleBackendsCpu, withDatabase } from './_util.js';

/** `[rows] [csv|xlsx]`, or the format alone (`export csv`): a format is never taken for the row count. */
const formatFirst = benchArgs[0] === 'csv' || benchArgs[0] === 'xlsx';
const ROWS = Number((formatFirst ? undefined : benchArgs[0]) ?? 1_000_000);
if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error(`rows must be a positive integer, got ${benchArgs[0]}`);
/** Only one format when named (both by default). */
const ONLY = formatFirst ? benchArgs[0] : benchArgs[1];
if (ONLY !== undefined && ONLY !== 'csv' && ONLY !== 'xlsx') throw new Error(`format must be csv or xlsx, got ${ONLY}`);
const PRODUCTS = 1000;
const OFFERS_PER_PRODUCT = 20;
const dbName = 'mp_bench_export';
const mp = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));

async function prepare(): Promise<string> {
  const admin = await openPostgres(adminUrl, { poolSize: 1 });
  const exists = await sql<{ n: number }>`select count(*)::int as n from pg_database where datname = ${dbName}`.execute(admin.db);
  if (exists.rows[0]!.n === 0) await sql.raw(`create database ${dbName}`).execute(admin.db);
  await admin.close();
  const url = withDatabase(adminUrl, dbName);
  const handle = await openPostgres(url, { poolSize: 1 });
  try {
    await migrateToLatest(handle.db);
    const have = await sql<{ n: string }>`select count(*) as n from kaspi_offer_history`.execute(handle.db);
    if (Number(have.rows[0]!.n) === ROWS) return url;
    const started = Date.now();
    await sql`truncate kaspi_products, kaspi_product_history, kaspi_offers, kaspi_offer_history restart identity cascade`.execute(handle.db);
    await sql`
      insert into kaspi_products (kaspi_id, city_id, name, url, min_price, max_price, seller_count)
      select (100000000 + g)::text, case when g % 3 = 0 then '710000000' else '750000000' end, 'Товар №' || g || ', "модель" ' || g,
             'https://kaspi.kz/shop/p/-' || (100000000 + g) || '/?c=750000000', 10000 + g, 20000 + g, ${OFFERS_PER_PRODUCT}
      from generate_series(1, ${PRODUCTS}) g`.execute(handle.db);
    await sql`
      insert into kaspi_offers (product_id, merchant_id, merchant_name, price)
      select p.id, 'merchant-' || m, 'ТОО "Магазин ' || m || '"', 10000 + p.id + m * 100
      from kaspi_products p cross join generate_series(1, ${OFFERS_PER_PRODUCT}) m`.execute(handle.db);
    await sql`
      insert into kaspi_offer_history (product_id, offer_id, merchant_id, event, old_price, new_price, created_at)
      select o.product_id, o.id, o.merchant_id,
             case when g % 50 = 0 then 'disappeared' when g % 25 = 0 then 'appeared' else 'price_changed' end,
             case when g % 25 = 0 and g % 50 <> 0 then null else 10000 + (g % 9000) end,
             case when g % 50 = 0 then null else 10000 + ((g * 7) % 9000) end,
             timestamptz '2026-08-01 00:00:00+00' + (g * interval '7 seconds')
      from generate_series(1, ${ROWS}) g
      join kaspi_offers o on o.id = 1 + (g % ${PRODUCTS * OFFERS_PER_PRODUCT})`.execute(handle.db);
    await sql`analyze`.execute(handle.db);
    figure('insert_seconds', 'insert offer history', (Date.now() - started) / 1000, 's');
    return url;
  } finally {
    await handle.close();
  }
}

interface Run {
  ms: number;
  /** CPU time of the mp process (user + system), when /usr/bin/time is there to tell. */
  cpuS?: number;
  peakMb: number;
  code: number | null;
  stderr: string;
}

const TIME = '/usr/bin/time';

/**
 * Runs mp in a child process. Peak RSS: /usr/bin/time's maximum resident set size (getrusage) when
 * available, else VmHWM polled from /proc every 20 ms until the process exits.
 */
function runExport(url: string, args: string[]): Promise<Run> {
  const timed = existsSync(TIME);
  const [command, argv] = timed ? [TIME, ['-f', 'MPTIME %e %U %S %M', process.execPath, mp, ...args]] : [process.execPath, [mp, ...args]];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, argv, { env: { ...process.env, DATABASE_URL: url, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let peakKb = 0;
    const poll = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // exited between polls
      }
    };
    const timer = timed ? undefined : setInterval(poll, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const m = /MPTIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
      if (m) resolve({ ms, cpuS: Number(m[2]) + Number(m[3]), peakMb: Number(m[4]) / 1024, code, stderr });
      else resolve({ ms, peakMb: peakKb / 1024, code, stderr });
    });
  });
}

const url = await prepare();
// Wall times on a shared machine depend on what else runs: say how busy it was.
figureLoadAverage();
const dir = mkdtempSync(join(tmpdir(), 'mp-bench-export-'));
let failed = false;
try {
  for (const [format, limitS] of [
    ['csv', 15],
    ['xlsx', 90],
  ] as const) {
    if (ONLY !== undefined && format !== ONLY) continue;
    const out = join(dir, `offer-history.${format}`);
    // mp's PostgreSQL backends (same machine), sampled every 100 ms from a connection of their own.
    const admin = await openPostgres(adminUrl, { poolSize: 1 });
    const backends = sampleBackendsCpu(admin.db, dbName, 100, 'zero');
    const run = await runExport(url, ['export', 'kaspi-offer-history', '--out', out, '--quiet']);
    const pgCpu = await backends.stop();
    await admin.close();
    if (run.code !== 0 || run.stderr.includes('Command exited with non-zero status')) {
      process.stderr.write(run.stderr);
      throw new Error(`mp export --format ${format} exited with ${run.code}`);
    }
    const s = run.ms / 1000;
    figure(`${format}.rows`, `${format} rows`, ROWS);
    figure(`${format}.seconds`, `${format} wall time`, s, `s (target ≤ ${limitS} s)`);
    figure(`${format}.rows_per_s`, `${format} rows/s`, Math.round(ROWS / s));
    if (run.cpuS !== undefined)
      figure(`${format}.mp_cpu_s`, `${format} mp CPU time`, run.cpuS, 's (user + system; the rest is waiting for PostgreSQL or the CPU)');
    // mp and its backend work side by side (the next page is fetched while one is written): on
    // two idle cores the wall time is about the larger of the two.
    figure(`${format}.postgres_cpu_s`, `${format} PostgreSQL CPU time`, pgCpu, "s (mp's backends, sampled every 100 ms)");
    figure(`${format}.file_mb`, `${format} file size`, statSync(out).size / 1024 / 1024, 'MB');
    figure(`${format}.peak_rss_mb`, `${format} peak RSS`, run.peakMb, 'MB (target ≤ 250 MB)');
    if (format === 'csv') {
      // Every row is there: header + one CRLF-terminated line per row.
      const lines = readFileSync(out, 'latin1').split('\r\n').length - 2;
      figure('csv.data_lines', 'csv data lines', lines);
      if (lines !== ROWS) failed = true;
    }
    if (s > limitS || run.peakMb > 250) failed = true;
    rmSync(out);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
figure('result', 'result', failed ? 'FAIL' : 'ok');
finish();
process.exitCode = failed ? 1 : 0;
