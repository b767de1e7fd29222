// The built-in jobs run their domain services through the scheduler: each test seeds work, runs
// the job the way `mp jobs run` does, and checks both the domain rows and job_runs.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { systemClock } from '../../src/core/time.js';
import { importProductsFile } from '../../src/demper/products.service.js';
import { KASPI_IDS, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import { generateOrders, startFakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { startFakeWb } from '../../src/fakes/fake-wb.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { trackProducts } from '../../src/kaspi/tracked.service.js';
import { createPayout, getPayout } from '../../src/payouts/payouts.service.js';
import { recentRuns } from '../../src/schedule/job-runs.repository.js';
import { findJob } from '../../src/schedule/registry.js';
import { runJob } from '../../src/schedule/run-job.js';
import { addCabinet } from '../../src/wb/cabinet.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, testPayoutAccess } from '../support/payouts-seed.js';
import { testContext } from './helpers.js';

const key = randomBytes(32);

describe('built-in jobs', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('payouts.process sends every NEW payout and records the worker stats; an empty queue is idle', async () => {
    const ctx = testContext(handle, { MP_PAYOUTS_GATEWAY: 'simulated', MP_SECRET_KEY: TEST_SECRET_KEY.toString('hex') });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { payout } = await createPayout(testPayoutAccess(handle.db), { amount: `${100 + i}.50`, currency: 'RUB', recipient: `4081781009991000431${i}` });
      ids.push(payout.id);
    }
    const job = (await findJob('payouts.process'))!;
    expect(job.defaultSchedule).toBe('continuous');
    const [outcome] = await runJob(ctx, job);
    expect(outcome).toMatchObject({ status: 'succeeded', summary: { claimed: 3, completed: 3, failed: 0 } });
    for (const id of ids) expect((await getPayout(testPayoutAccess(handle.db), id)).payout.status).toBe('COMPLETED');
    expect((await recentRuns(handle.db, 'payouts.process'))[0]).toMatchObject({ status: 'succeeded', summary: { completed: 3 } });
    // Nothing left: the daemon's continuous loop treats this run as idle and does not keep it.
    const [again] = await runJob(ctx, job, { dropIdle: true });
    expect(again!.status).toBe('idle');
    expect(await recentRuns(handle.db, 'payouts.process')).toHaveLength(1);
  });

  it('demper.run reprices per store, one run each, and changes prices only in stores listed in MP_DEMPER_APPLY', async () => {
    const fake = await startFakeKaspiMc({
      merchants: [
        { uid: 'M1', name: 'Applied Shop' },
        { uid: 'M2', name: 'Dry Shop' },
      ],
      offers: {
        '100001': [
          { merchantId: 'M1', price: 1000 },
          { merchantId: 'A', merchantName: 'Alpha', price: 990 },
        ],
        '100002': [{ merchantId: 'A', merchantName: 'Alpha', price: 480 }],
        '100003': [{ merchantId: 'B', merchantName: 'Beta', price: 1990 }],
        '100004': [{ merchantId: 'A', price: 100 }],
      },
    });
    try {
      const ctx = testContext(handle, { MP_KASPI_URL: fake.url, MP_KASPI_MC_URL: fake.url, MP_DEMPER_APPLY: 'M1', MP_SECRET_KEY: key.toString('hex') });
      const products = fileURLToPath(new URL('../../fixtures/demper/products.csv', import.meta.url));
      for (const [merchantId, name] of [
        ['M1', 'Applied Shop'],
        ['M2', 'Dry Shop'],
      ] as const) {
        const store = await addStore(handle.db, key, { merchantId, name, session: fake.newSession([merchantId]) });
        await importProductsFile(handle.db, store, products);
      }
      const job = (await findJob('demper.run'))!;
      const outcomes = await runJob(ctx, job);
      expect(outcomes.map((o) => [o.scope, o.status])).toEqual([
        ['M1', 'succeeded'],
        ['M2', 'succeeded'],
      ]);
      expect(outcomes[0]!.summary).toMatchObject({ merchant_id: 'M1', apply: true, planned: 4 });
      expect(outcomes[1]!.summary).toMatchObject({ merchant_id: 'M2', apply: false, planned: 4, applied: 0 });
      const applied = Number(outcomes[0]!.summary!.applied);
      expect(applied).toBeGreaterThan(0);
      // Only the applied store's prices were sent to the cabinet.
      expect(fake.updates).toHaveLength(applied);
      expect(new Set(fake.updates.map((u) => u.merchantUid))).toEqual(new Set(['M1']));
      const runs = await recentRuns(handle.db, 'demper.run');
      expect(runs.map((r) => [r.scope, r.status]).sort()).toEqual([
        ['M1', 'succeeded'],
        ['M2', 'succeeded'],
      ]);
      fake.verify();
    } finally {
      await fake.stop();
    }
  });

  it('wb.sync syncs each cabinet in its own run and counts rows and events', async () => {
    const wb = await startFakeWb({ orders: 40, sales: 10, products: 3, reviews: 4, statisticsBurst: 100 });
    try {
      const env = { MP_WB_URL: wb.url, MP_SECRET_KEY: key.toString('hex') };
      const ctx = testContext(handle, env);
      const config = resolveConfig({ home: '/nonexistent-mp-home' }, env);
      await addCabinet({ db: handle.db, config, log: ctx.log, clock: systemClock, secretKey: key, userName: 'tester' }, wb.token, 'shop-one');
      const job = (await findJob('wb.sync'))!;
      const [outcome, ...more] = await runJob(ctx, job);
      expect(more).toHaveLength(0);
      expect(outcome).toMatchObject({ scope: 'shop-one', status: 'succeeded', summary: { failed: 0, rows_new: expect.any(Number) } });
      expect(outcome!.summary!.rows_new as number).toBeGreaterThanOrEqual(50);
      expect(Object.keys(outcome!.summary!.streams as object).sort()).toEqual(['cards', 'orders', 'reviews', 'sales', 'stocks']);
      expect(wb.server.requestsTo('/api/v1/supplier/orders').length).toBeGreaterThan(0);
      const [row] = await recentRuns(handle.db, 'wb.sync');
      expect(row).toMatchObject({ scope: 'shop-one', status: 'succeeded' });
      wb.verify();
    } finally {
      await wb.server.stop();
    }
  });

  it('kaspi.scrape scrapes every tracked product; shards split them; a blocked product fails the run with the summary kept', async () => {
    const kaspi = await startFakeKaspi();
    try {
      const ctx = testContext(handle, { MP_KASPI_URL: kaspi.url, MP_KASPI_RATE: '0' });
      const ids = Object.values(KASPI_IDS);
      await trackProducts(handle.db, ids, undefined, new Date());
      const job = (await findJob('kaspi.scrape'))!;
      const [all] = await runJob(ctx, job);
      expect(all).toMatchObject({ status: 'succeeded', summary: { tracked: ids.length, scraped: ids.length, failed: 0, changed: ids.length } });
      // Two hosts with --shard 0/2 and 1/2 scrape every product exactly once between them.
      const pagesBefore = kaspi.server.requestsTo('/shop/p/:slug').length;
      const [a] = await runJob(ctx, job, { shard: { index: 0, count: 2 } });
      const [b] = await runJob(ctx, job, { shard: { index: 1, count: 2 } });
      expect(Number(a!.summary!.tracked) + Number(b!.summary!.tracked)).toBe(ids.length);
      expect(kaspi.server.requestsTo('/shop/p/:slug').length - pagesBefore).toBe(ids.length);
      // Nothing changed since the first run.
      expect(Number(a!.summary!.changed) + Number(b!.summary!.changed)).toBe(0);
      // Every product page is refused (Infinity, not an arbitrary 100 of which 94 were never used: verify()).
      kaspi.fault('/shop/p/:slug', { status: 403, body: 'Forbidden', times: Number.POSITIVE_INFINITY }, 'GET');
      const [blocked] = await runJob(ctx, job);
      expect(blocked).toMatchObject({ status: 'failed', summary: { tracked: ids.length, failed: ids.length } });
      expect((await recentRuns(handle.db, 'kaspi.scrape'))[0]).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/^JOB_INCOMPLETE: .*KASPI_BLOCKED/),
      });
      kaspi.verify();
    } finally {
      await kaspi.stop();
    }
  });

  it('kaspi.orders syncs each store with a Shop API token in its own run; the next run picks up a status change', async () => {
    const day = 86_400_000;
    const shop = await startFakeKaspiShop(generateOrders(24, new Date(Date.now() - 20 * day), day / 2, 1), 'shop-token-jobs');
    try {
      const ctx = testContext(handle, { MP_KASPI_SHOP_API_URL: shop.url, MP_SECRET_KEY: key.toString('hex') });
      // A store without a token (the demper test's stores have sessions only) is not a scope.
      await addStore(handle.db, key, { merchantId: 'SHOP1', name: 'Orders Shop', token: shop.token });
      const job = (await findJob('kaspi.orders'))!;
      expect(job.scopeKind).toBe('store');
      const [first, ...more] = await runJob(ctx, job);
      expect(more).toHaveLength(0);
      expect(first).toMatchObject({ scope: 'SHOP1', status: 'succeeded', summary: { store: 'Orders Shop', orders: 24, new: 24, status_changed: 0 } });
      expect(
        Number(
          (
            await handle.db
              .selectFrom('kaspi_orders')
              .select((e) => e.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      ).toBe(24);
      // The newest order is cancelled at Kaspi: the next scheduled run records it.
      const newest = [...shop.orders.values()].sort((a, b) => b.creationDate - a.creationDate)[0]!;
      shop.update(newest.id, { state: 'ARCHIVE', status: 'CANCELLED' });
      const [second] = await runJob(ctx, job, { scope: 'SHOP1' });
      expect(second).toMatchObject({ status: 'succeeded', summary: { new: 0, status_changed: 1 } });
      const row = await handle.db.selectFrom('kaspi_orders').select(['status']).where('code', '=', newest.code).executeTakeFirstOrThrow();
      expect(row.status).toBe('CANCELLED');
      // Written for the store's recipients in the sync's transaction: one cancellation (issue 18).
      expect((await handle.db.selectFrom('kaspi_events').select(['type', 'event_key']).execute()).map((e) => `${e.type}:${e.event_key}`)).toEqual([
        `cancellation:${newest.id}`,
      ]);
      expect((await recentRuns(handle.db, 'kaspi.orders')).map((r) => [r.scope, r.status])).toEqual([
        ['SHOP1', 'succeeded'],
        ['SHOP1', 'succeeded'],
      ]);
      // Every request carried the JSON:API Accept header and the token (the fake refuses others).
      expect(shop.server.requestsTo('/orders').length).toBeGreaterThan(0);
      shop.verify();
    } finally {
      await shop.stop();
    }
  });

  it('wb.notify turns new WB events into Telegram messages, once', async () => {
    const tg = await startFakeTelegram();
    try {
      const ctx = testContext(handle, {
        MP_TELEGRAM_URL: tg.url,
        MP_TELEGRAM_BOT_TOKEN: tg.token,
        MP_TELEGRAM_CHAT_INTERVAL_MS: '1',
        MP_SECRET_KEY: key.toString('hex'),
      });
      const cabinet = await handle.db
        .insertInto('wb_cabinets')
        .values({ name: 'notify-shop', token_sealed: 'sealed', token_hash: 'h-notify', token_last4: 'abcd' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await handle.db.insertInto('notify_recipients').values({ cabinet_id: cabinet.id, channel: 'telegram', chat_id: '4242' }).execute();
      await handle.db
        .insertInto('wb_events')
        .values({
          cabinet_id: cabinet.id,
          type: 'new_order',
          event_key: 'srid-1',
          dedup_key: `${cabinet.id}:new_order:srid-1`,
          occurred_at: new Date(),
          payload: JSON.stringify({ srid: 'srid-1', nmId: 123, name: 'Кружка', prices: { finishedPrice: '990' } }) as never,
        })
        .execute();
      const job = (await findJob('wb.notify'))!;
      const [first] = await runJob(ctx, job);
      // Two events: this order, and the Kaspi store's cancellation above (the store has no recipient).
      expect(first).toMatchObject({ status: 'succeeded', summary: { events: 2, created: 1, sent: 1, dead: 0, telegram: true } });
      expect(tg.sentTo('4242')).toHaveLength(1);
      expect(tg.sentTo('4242')[0]!.text).toContain('Кружка');
      const [second] = await runJob(ctx, job);
      expect(second).toMatchObject({ status: 'succeeded', summary: { events: 0, sent: 0 } });
      expect(tg.sent).toHaveLength(1);
      tg.verify();
    } finally {
      await tg.stop();
    }
  });
});
