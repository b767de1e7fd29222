// `npm run bench -- profit [orders=50000] [--json]`: `mp kaspi profit` over 30 days of orders on
// PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
// a throwaway database mp_bench_profit_<pid> is created and dropped, and leftovers of earlier runs
// are dropped first). Seeds one store with `orders` orders (1–3 entries each, 500 products, 5 %
// cancelled, 2 % returned, a seller delivery cost on most), unit costs for 9 products in 10 (a cost
// change mid-period for some) and a few per-product commissions, all in SQL. Prints the report's
// time in process (the service, median of 5 after a warm-up) and `mp kaspi profit --json` end to end.
// Target: the report in under 1 s.
import { sql } from 'kysely';
import { openPostgres } from '../src/db/connect.js';
import { kaspiProfit } from '../src/profit/kaspi-profit.service.js';
import { profitPeriod } from '../src/profit/period.js';
import { adminUrl, benchArgs, figure, figureLoadAverage, finish, median, runMp, sampleBackendsCpu, withDatabase } from './_util.js';

const orders = Number(benchArgs[0] ?? 50_000);
const name = `mp_bench_profit_${process.pid}`;
const admin = await openPostgres(adminUrl, { poolSize: 1 });
const leftovers = await sql<{ datname: string }>`select datname from pg_database where datname like 'mp\\_bench\\_profit\\_%'`.execute(admin.db);
for (const { datname } of leftovers.rows) await sql.raw(`drop database if exists "${datname}" with (force)`).execute(admin.db);
await sql.raw(`create database ${name}`).execute(admin.db);
const env = { ...process.env, DATABASE_URL: withDatabase(adminUrl, name), MP_SECRET_KEY: 'a'.repeat(64), NO_COLOR: '1' };

try {
  await runMp(['db', 'migrate'], env, '');
  const now = new Date();
  const db = await openPostgres(env.DATABASE_URL, { poolSize: 1 });
  try {
    const seedStarted = performance.now();
    await sql`insert into kaspi_stores (merchant_id, name) values ('BENCH', 'Bench')`.execute(db.db);
    // Orders spread evenly over the last 30 days; status by id.
    await sql`
      insert into kaspi_orders (store_id, kaspi_order_id, code, state, status, total_price, delivery_cost_for_seller, created_at)
      select s.id, 'o' || g, '7' || g, 'ARCHIVE',
        case when g % 20 = 0 then 'CANCELLED' when g % 50 = 1 then 'RETURNED' else 'COMPLETED' end,
        0, case when g % 4 = 0 then null else (g % 7) * 150 + 0.5 end,
        ${now}::timestamptz - make_interval(secs => (g::double precision / ${orders}) * 29.9 * 86400)
      from generate_series(1, ${orders}) g, kaspi_stores s`.execute(db.db);
    await sql`
      insert into kaspi_order_entries (order_id, entry_number, product_code, product_name, quantity, base_price, total_price, category_title)
      select o.id, n, 'SKU-' || ((o.id * 7 + n * 13) % 500), 'Product ' || ((o.id * 7 + n * 13) % 500), 1 + (o.id + n) % 3,
        1000 + ((o.id * 7 + n * 13) % 500) * 37, (1 + (o.id + n) % 3) * (1000 + ((o.id * 7 + n * 13) % 500) * 37),
        case when (o.id * 7 + n * 13) % 500 < 50 then 'Продукты питания' else 'Прочее' end
      from kaspi_orders o, generate_series(0, 2) n
      where n <= o.id % 3`.execute(db.db);
    await sql`update kaspi_orders o set total_price = (select sum(e.total_price) from kaspi_order_entries e where e.order_id = o.id)`.execute(db.db);
    await sql`
      insert into unit_costs (marketplace, product, valid_from, cost, currency, commission_pct, delivery, source)
      select 'kaspi', 'SKU-' || p, (${now}::timestamptz - interval '60 days')::date, 500 + p * 20 + 0.25, 'KZT',
        case when p % 25 = 0 then 9.5 end, case when p % 2 = 0 then 120 end, 'bench'
      from generate_series(0, 499) p where p % 10 <> 9
      union all
      select 'kaspi', 'SKU-' || p, (${now}::timestamptz - interval '10 days')::date, 520 + p * 20, 'KZT', null, null, 'bench'
      from generate_series(0, 499) p where p % 10 = 3`.execute(db.db);
    await sql`analyze`.execute(db.db);
    const counts = await sql<{ orders: string; entries: string }>`
      select (select count(*) from kaspi_orders) as orders, (select count(*) from kaspi_order_entries) as entries`.execute(db.db);
    figure('orders', 'orders (30 days)', Number(counts.rows[0]!.orders));
    figure('entries', 'order entries', Number(counts.rows[0]!.entries));
    figure('seed_s', 'seeding time (SQL)', (performance.now() - seedStarted) / 1000, 's');

    const store = (await sql<{ id: string; city_id: string }>`select id::text, city_id from kaspi_stores`.execute(db.db)).rows[0]!;
    const period = profitPeriod({ days: '30' }, now, 'Asia/Almaty');
    const first = await kaspiProfit(db.db, store, period);
    if (first.rows.length !== 500 || first.totals.productsWithoutCost.length !== 50)
      throw new Error(`expected 500 products (50 without cost), got ${first.rows.length} (${first.totals.productsWithoutCost.length})`);
    const times: number[] = [];
    // The machine may be shared: PostgreSQL's CPU time for the 5 reports says what the query costs whatever the load.
    const backends = sampleBackendsCpu(admin.db, name, 20, 'first-seen');
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await kaspiProfit(db.db, store, period);
      times.push(performance.now() - started);
    }
    const pgCpu = await backends.stop();
    figure('report_ms', 'kaspi profit report, 30 days (service, median of 5)', median(times), 'ms (target < 1000)');
    figure('report_pg_cpu_ms', 'PostgreSQL CPU time per report (its backend, sampled every 20 ms)', (pgCpu * 1000) / 5, 'ms');
    figure('report_max_ms', 'kaspi profit report, slowest of 5', Math.max(...times), 'ms');
    figure('products', 'products in the report', first.rows.length);
    figure('units', 'units counted (not cancelled or returned)', first.totals.units);
  } finally {
    await db.close();
  }
  const cli = await runMp(['--json', 'kaspi', 'profit', '--days', '30'], env);
  const parsed = JSON.parse(cli.stdout) as { rows: unknown[] };
  if (parsed.rows.length !== 500) throw new Error(`mp kaspi profit --json gave ${parsed.rows.length} products`);
  figure('cli_s', 'mp kaspi profit --days 30 --json, end to end (process start included)', cli.ms / 1000, 's');
  figure('cli_peak_rss_mb', 'mp kaspi profit peak RSS', cli.peakMb, 'MB');
  figureLoadAverage({ when: 'at the end', cpus: true });
} finally {
  await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
  await admin.close();
}
finish();
