// Issue 23: PostgreSQL restarted mid-batch, like hardbyte's queue benchmark. A private server
// (test/support/private-postgres.ts, never the shared one on 5432) is stopped and started again
// while the payouts worker (a real `mp payouts process`), a WB sync and a Kaspi scrape are in the
// middle of their work. Each recovers on its own (the worker without a restart; the sync and the
// scrape at their next run, as cron or the daemon would start it), nothing is lost, nothing is done
// twice. Runs in the PostgreSQL pass of `npm test`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbHandle, openPostgres } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { GENERATED_ID_BASE, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { startFakePayoutGateway } from '../../src/fakes/fake-payout-gateway.js';
import { startFakeWb } from '../../src/fakes/fake-wb.js';
import { createKaspiClient } from '../../src/kaspi/kaspi.client.js';
import { scrapeProducts } from '../../src/kaspi/scrape.service.js';
import { createPayout } from '../../src/payouts/payouts.service.js';
import { testEngine } from '../support/db.js';
import { TEST_SECRET_KEY } from '../support/payouts-seed.js';
import { type PrivatePostgres, privatePostgresUnavailable, startPrivatePostgres } from '../support/private-postgres.js';
import { addFakeCabinet, sync, TestClock, wbDeps } from '../wb/helpers.js';

const unavailable = testEngine !== 'postgres' ? 'runs in the PostgreSQL pass (TEST_DATABASE_URL)' : privatePostgresUnavailable();
if (unavailable) console.warn(`chaos test skipped: ${unavailable}`);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(Boolean(unavailable))('chaos: PostgreSQL restarted mid-batch', () => {
  let pg: PrivatePostgres;
  const handles: DbHandle[] = [];

  /** A new migrated database on the private server. */
  async function database(name: string): Promise<DbHandle> {
    const admin = await openPostgres(pg.url(), { poolSize: 1 });
    await sql.raw(`create database ${name}`).execute(admin.db);
    await admin.close();
    const handle = await openPostgres(pg.url(name), { poolSize: 5 });
    await migrateToLatest(handle.db);
    handles.push(handle);
    return handle;
  }

  /** A query that waits out the restart (the pool reconnects). */
  async function retrying<T>(fn: () => Promise<T>, tries = 60): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (error) {
        if (i >= tries) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  beforeAll(async () => {
    pg = await startPrivatePostgres();
  }, 180_000);
  afterAll(async () => {
    for (const h of handles) await h.close().catch(() => {});
    await pg?.stop();
  });

  it('payouts: the worker process keeps running through the restart; 400 payouts paid once each, one COMPLETED each', async () => {
    const handle = await database('chaos_payouts');
    const gateway = await startFakePayoutGateway('chaos-secret');
    const home = mkdtempSync(join(tmpdir(), 'mp-chaos-'));
    let worker: ChildProcess | undefined;
    try {
      const access = { db: handle.db, key: TEST_SECRET_KEY };
      const ids: string[] = [];
      for (let i = 0; i < 400; i++) ids.push((await createPayout(access, { amount: `${i + 1}.00`, currency: 'RUB', recipient: `acct-${i}` })).payout.id);
      // Slow answers, so batches are at the gateway when the server goes down.
      for (const id of ids) gateway.script.set(id, [{ status: 200, body: { reference: `ref-${id.slice(0, 8)}` }, delayMs: 150 }]);
      // The server goes down (for 2 s) while a batch is at the gateway: its outcomes cannot be written.
      let restarted: Promise<void> | undefined;
      gateway.server.before('/v1/payouts', () => {
        if (!restarted && gateway.server.requestsTo('/v1/payouts').length === 120) restarted = pg.restart(2000);
      });
      let stderr = '';
      worker = spawn(process.execPath, [join(root, 'bin/mp.js'), 'payouts', 'process', '--batch', '50', '--lease', '3s', '--retry-delay', '200ms'], {
        env: {
          ...process.env,
          DATABASE_URL: pg.url('chaos_payouts'),
          MP_HOME: home,
          MP_SECRET_KEY: TEST_SECRET_KEY.toString('hex'),
          MP_PAYOUTS_GATEWAY: 'http',
          MP_PAYOUTS_GATEWAY_URL: gateway.url,
          MP_PAYOUTS_GATEWAY_SECRET: 'chaos-secret',
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      worker.stderr!.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));
      const completed = () =>
        retrying(async () =>
          Number((await sql<{ n: string }>`select count(*)::text as n from payouts where status = 'COMPLETED'`.execute(handle.db)).rows[0]!.n),
        );
      const deadline = Date.now() + 120_000;
      while ((await completed()) < 400 && Date.now() < deadline && worker.exitCode === null) await new Promise((r) => setTimeout(r, 500));
      expect(restarted).toBeDefined();
      await restarted;
      expect(worker.exitCode, `the worker died during the restart: ${stderr.slice(-2000)}`).toBeNull();
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);

      expect(await completed()).toBe(400);
      expect(gateway.paid.size).toBe(400);
      expect(gateway.badSignatures).toBe(0);
      const events = await sql<{ n: string; payouts: string }>`
        select count(*)::text as n, count(distinct payout_id)::text as payouts from payout_events where to_status = 'COMPLETED'`.execute(handle.db);
      expect(events.rows[0]).toEqual({ n: '400', payouts: '400' });
      // At-least-once to the gateway: the batch in flight at the restart was sent again with the same
      // idempotency key, and the provider answered it from its record (paid once).
      const perKey = new Map<string, number>();
      for (const r of gateway.server.requestsTo('/v1/payouts')) {
        const key = String(r.headers['idempotency-key']);
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
      }
      const resent = [...perKey.values()].filter((n) => n > 1).length;
      console.info(
        `chaos payouts: 400 paid once; ${resent} sent again after the restart with the same key; worker stderr warnings: ${stderr.split('\n').filter((l) => /warn/.test(l)).length}`,
      );
    } finally {
      if (worker && worker.exitCode === null) worker.kill('SIGKILL');
      await gateway.stop();
      rmSync(home, { recursive: true, force: true });
    }
  }, 240_000);

  it('WB sync: the page in flight at the restart fails its run; the next run resumes at the committed cursor: 60 new orders, 60 events', async () => {
    const handle = await database('chaos_wb');
    const wb = await startFakeWb({ orders: 200, sales: 0, products: 5, reviews: 0, pageCap: 20, statisticsBurst: 1000 });
    try {
      const clock = new TestClock(new Date());
      const deps = wbDeps({ ...handle } as never, wb, clock);
      await addFakeCabinet(deps, wb.token);
      const [initial] = await sync(deps, { only: ['orders'] });
      expect(initial).toMatchObject({ status: 'ok', rowsNew: 200, events: 0 });
      wb.addOrders(60, new Date());
      const asked = wb.server.requestsTo('/api/v1/supplier/orders').length;
      // Down while page 1 of the new orders is being stored (page 2 is fetched meanwhile).
      let restarted: Promise<void> | undefined;
      wb.server.before('/api/v1/supplier/orders', async () => {
        if (!restarted && wb.server.requestsTo('/api/v1/supplier/orders').length === asked + 2) {
          restarted = pg.restart(1500);
          await new Promise((r) => setTimeout(r, 300));
        }
      });
      clock.advance(120_000);
      const [broken] = await sync(deps, { only: ['orders'] }).catch((error) => [{ status: 'failed', error: String(error) }] as never);
      expect(restarted).toBeDefined();
      await restarted;
      expect(broken).toMatchObject({ status: 'failed' });
      clock.advance(120_000);
      const [next] = await retrying(() => sync(deps, { only: ['orders'] }));
      expect(next).toMatchObject({ status: 'ok' });
      const counts = await sql<{ orders: string; events: string; keys: string }>`select
          (select count(*) from wb_orders)::text as orders,
          (select count(*) from wb_events where type = 'new_order')::text as events,
          (select count(distinct event_key) from wb_events where type = 'new_order')::text as keys`.execute(handle.db as Kysely<Database>);
      expect(counts.rows[0]).toEqual({ orders: '260', events: '60', keys: '60' });
    } finally {
      await wb.server.stop();
    }
  }, 180_000);

  it('Kaspi scrape: the run the restart breaks stops; the next run scrapes the rest; one history row per product, no duplicate offers', async () => {
    const handle = await database('chaos_kaspi');
    const kaspi = await startFakeKaspi({ generated: 30, generatedOffers: 5 });
    const client = createKaspiClient(kaspi.url, { rateLimit: null, retries: 1 });
    try {
      const targets = Array.from({ length: 30 }, (_, i) => {
        const id = String(GENERATED_ID_BASE + i);
        return { input: id, id, city: '750000000' };
      });
      let restarted: Promise<void> | undefined;
      kaspi.server.before('/shop/p/:slug', () => {
        if (!restarted && kaspi.server.requestsTo('/shop/p/:slug').length === 12) restarted = pg.restart(1500);
      });
      const deps = { db: handle.db, client, baseUrl: kaspi.url, now: () => new Date() };
      const first = await scrapeProducts(deps, targets, { concurrency: 4 }).then(
        (r) => ({ ok: r.filter((x) => x.ok).length }),
        (error: unknown) => ({ error: String(error) }),
      );
      expect(restarted).toBeDefined();
      await restarted;
      expect(first).toHaveProperty('error');
      const second = await retrying(() => scrapeProducts(deps, targets, { concurrency: 4 }));
      expect(second.filter((r) => r.ok)).toHaveLength(30);
      const rows = await sql<{ products: string; history: string; per_product_max: string; offer_dupes: string }>`select
          (select count(*) from kaspi_products)::text as products,
          (select count(*) from kaspi_product_history)::text as history,
          (select coalesce(max(n), 0) from (select count(*) as n from kaspi_product_history group by product_id) h)::text as per_product_max,
          (select count(*) from (select product_id, merchant_id from kaspi_offers group by 1, 2 having count(*) > 1) d)::text as offer_dupes`.execute(
        handle.db,
      );
      expect(rows.rows[0]).toEqual({ products: '30', history: '30', per_product_max: '1', offer_dupes: '0' });
    } finally {
      await client.close();
      await kaspi.stop();
    }
  }, 180_000);
});
