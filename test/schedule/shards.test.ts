// Two hosts, one database (issue 16): two shards of kaspi.scrape and of demper.run run AT THE SAME
// TIME and both complete, covering every product between them (the job lock ignored the shard, so
// `--shard 1/2` was skipped while `0/2` ran); the scheduled demper.run takes the merchant's price-write
// lock as `mp demper run` does; a unit of work held by another process is a skipped run, not a failure.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inShard } from '../../src/core/shard.js';
import { withAdvisoryLock } from '../../src/db/locks.js';
import { importProductsFile } from '../../src/demper/products.service.js';
import { runLockName } from '../../src/demper/run.operation.js';
import { KASPI_IDS, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { type FakeKaspiMc, startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { scrapeLockName } from '../../src/kaspi/scrape.operation.js';
import { trackProducts } from '../../src/kaspi/tracked.service.js';
import { recentRuns } from '../../src/schedule/job-runs.repository.js';
import { findJob } from '../../src/schedule/registry.js';
import { type JobOutcome, runJob } from '../../src/schedule/run-job.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { testContext } from './helpers.js';

const key = randomBytes(32);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const half = (i: number) => ({ index: i, count: 2 });

/** Both outcomes' [start, end] windows overlap: the two runs really ran at the same time. */
function overlapped(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

async function timed(run: Promise<JobOutcome[]>): Promise<{ outcomes: JobOutcome[]; start: number; end: number }> {
  const start = Date.now();
  const outcomes = await run;
  return { outcomes, start, end: Date.now() };
}

describe('two shards of one job on one database', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('kaspi.scrape --shard 0/2 and 1/2 run at the same time, both complete, and scrape every tracked product once', async () => {
    const kaspi = await startFakeKaspi();
    try {
      // Slow pages: each shard is still scraping when the other starts.
      kaspi.server.before('/shop/p/:slug', () => sleep(300));
      const ids = Object.values(KASPI_IDS);
      expect(ids.some((id) => inShard(id, half(0))) && ids.some((id) => inShard(id, half(1)))).toBe(true);
      await trackProducts(handle.db, ids, undefined, new Date());
      const ctx = testContext(handle, { MP_KASPI_URL: kaspi.url, MP_KASPI_RATE: '0', MP_KASPI_CONCURRENCY: '2' });
      const job = (await findJob('kaspi.scrape'))!;
      const [a, b] = await Promise.all([timed(runJob(ctx, job, { shard: half(0) })), timed(runJob(ctx, job, { shard: half(1) }))]);
      expect(overlapped(a, b)).toBe(true);
      expect(a.outcomes.map((o) => o.status)).toEqual(['succeeded']);
      expect(b.outcomes.map((o) => o.status)).toEqual(['succeeded']);
      const [sa, sb] = [a.outcomes[0]!.summary!, b.outcomes[0]!.summary!];
      expect(Number(sa.tracked) + Number(sb.tracked)).toBe(ids.length);
      expect(Number(sa.scraped) + Number(sb.scraped)).toBe(ids.length);
      // Every product's page was fetched exactly once between the two shards.
      const pages = kaspi.server.requestsTo('/shop/p/:slug').map((r) => /(\d+[a-z]?)\/?$/i.exec(r.path)?.[1]);
      expect(pages.sort()).toEqual([...ids].sort());
      // job_runs says which shard each run handled.
      expect((await recentRuns(handle.db, 'kaspi.scrape')).map((r) => r.shard).sort()).toEqual(['0/2', '1/2']);
      kaspi.verify();
    } finally {
      await kaspi.stop();
    }
  });

  it('a shard whose scrape another process holds (mp kaspi scrape --tracked --shard 0/2) is skipped, not failed', async () => {
    const kaspi = await startFakeKaspi();
    try {
      const ctx = testContext(handle, { MP_KASPI_URL: kaspi.url, MP_KASPI_RATE: '0' });
      const job = (await findJob('kaspi.scrape'))!;
      const held = await withAdvisoryLock(handle, scrapeLockName(half(0)), async () => runJob(ctx, job, { shard: half(0) }));
      expect(held.acquired && held.value.map((o) => o.status)).toEqual(['skipped']);
      expect(kaspi.server.requestsTo('/shop/p/:slug')).toHaveLength(0);
      expect((await recentRuns(handle.db, 'kaspi.scrape'))[0]).toMatchObject({ status: 'skipped', shard: '0/2' });
      kaspi.verify();
    } finally {
      await kaspi.stop();
    }
  });

  describe('demper.run', () => {
    let fake: FakeKaspiMc;
    beforeAll(async () => {
      fake = await startFakeKaspiMc({
        merchants: [{ uid: 'M1', name: 'Shard Shop' }],
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
      const store = await addStore(handle.db, key, { merchantId: 'M1', name: 'Shard Shop', session: fake.newSession(['M1']) });
      await importProductsFile(handle.db, store, fileURLToPath(new URL('../../fixtures/demper/products.csv', import.meta.url)));
    });
    afterEach(() => fake?.verify());
    afterAll(async () => {
      await fake?.stop();
    });

    it('--shard 0/2 and 1/2 of one store run at the same time and plan every product once between them', async () => {
      fake.server.before('/yml/offer-view/offers/:id', () => sleep(300));
      const products = ['100001', '100002', '100003', '100004'];
      expect(products.some((id) => inShard(id, half(0))) && products.some((id) => inShard(id, half(1)))).toBe(true);
      const ctx = testContext(handle, { MP_KASPI_URL: fake.url, MP_KASPI_MC_URL: fake.url, MP_SECRET_KEY: key.toString('hex') });
      const job = (await findJob('demper.run'))!;
      const [a, b] = await Promise.all([timed(runJob(ctx, job, { scope: 'M1', shard: half(0) })), timed(runJob(ctx, job, { scope: 'M1', shard: half(1) }))]);
      expect(overlapped(a, b)).toBe(true);
      expect([...a.outcomes, ...b.outcomes].map((o) => o.status)).toEqual(['succeeded', 'succeeded']);
      expect(Number(a.outcomes[0]!.summary!.planned) + Number(b.outcomes[0]!.summary!.planned)).toBe(products.length);
      // A dry run (M1 is not in MP_DEMPER_APPLY): nothing was sent.
      expect(fake.updates).toHaveLength(0);
    });

    it('the same store and shard held by another process (mp demper run --shard 0/2) is skipped', async () => {
      const ctx = testContext(handle, { MP_KASPI_URL: fake.url, MP_KASPI_MC_URL: fake.url, MP_SECRET_KEY: key.toString('hex') });
      const job = (await findJob('demper.run'))!;
      const held = await withAdvisoryLock(handle, runLockName('M1', half(0)), async () => runJob(ctx, job, { scope: 'M1', shard: half(0) }));
      expect(held.acquired && held.value.map((o) => o.status)).toEqual(['skipped']);
    });

    it('the scheduled run sends prices only while holding the merchant write lock, as mp demper run does', async () => {
      const ctx = testContext(handle, { MP_KASPI_URL: fake.url, MP_KASPI_MC_URL: fake.url, MP_SECRET_KEY: key.toString('hex'), MP_DEMPER_APPLY: 'M1' });
      const job = (await findJob('demper.run'))!;
      let run: Promise<JobOutcome[]> | undefined;
      // Another process is writing M1's prices: the job plans, then waits for the lock before any write.
      const held = await withAdvisoryLock(handle, 'demper-writes:M1', async () => {
        run = runJob(ctx, job, { scope: 'M1' });
        await sleep(2500);
        return fake.updates.length;
      });
      expect(held).toEqual({ acquired: true, value: 0 });
      const [outcome] = await run!;
      expect(outcome).toMatchObject({ status: 'succeeded', summary: { merchant_id: 'M1', apply: true } });
      expect(Number(outcome!.summary!.applied)).toBeGreaterThan(0);
      expect(fake.updates).toHaveLength(Number(outcome!.summary!.applied));
    });
  });
});
