// The payout worker in-process on both engines: batches and in-process concurrency, retries with
// back-off up to max attempts, lease expiry after a dead worker, graceful stop, and the http gateway
// against a fake provider (Idempotency-Key, signature, 2xx/4xx/5xx).
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { startFakePayoutGateway } from '../../src/fakes/fake-payout-gateway.js';
import { httpGateway } from '../../src/payouts/gateways/http.js';
import { simulatedGateway } from '../../src/payouts/gateways/simulated.js';
import { createPayout, getPayout } from '../../src/payouts/payouts.service.js';
import { claimPayouts, finishPayouts, releasePayouts } from '../../src/payouts/payouts-queue.repository.js';
import { startWorker } from '../../src/payouts/worker.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, testPayoutAccess } from '../support/payouts-seed.js';

let h: TestDatabase;
const log = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream, structured: true });

beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.db.deleteFrom('payouts').execute();
  await h.db.deleteFrom('payout_events').execute();
});

async function seed(n: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    with ins as (insert into payouts (amount, currency, recipient) select 10.00 + g, 'RUB', 'acct-' || g from generate_series(1, ${n}) g returning id)
    select id from ins`.execute(h.db);
  return rows.map((r) => r.id);
}

/** Waits until the worker has claimed at least `n` payouts (timing-independent under load). */
async function untilProcessing(n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from payouts where status = 'PROCESSING'`.execute(h.db);
    if (Number(rows[0]!.n) >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the worker never claimed anything');
}

async function eventCounts(): Promise<Record<string, number>> {
  const { rows } = await sql<{ to_status: string; n: string }>`select to_status, count(*) as n from payout_events group by 1`.execute(h.db);
  return Object.fromEntries(rows.map((r) => [r.to_status, Number(r.n)]));
}

describe('processing', () => {
  it('four in-process loops complete every payout exactly once, in batches', async () => {
    await seed(95);
    const worker = startWorker(h.db, { secretKey: TEST_SECRET_KEY, gateway: simulatedGateway(), log, concurrency: 4, batch: 7, once: true, pollMs: 20 });
    const stats = await worker.done;
    expect(stats.completed).toBe(95);
    expect(stats.batches).toBeGreaterThanOrEqual(14);
    const { rows } = await sql<{ status: string; attempts: number; n: string }>`select status, attempts, count(*) as n from payouts group by 1, 2`.execute(
      h.db,
    );
    expect(rows).toEqual([{ status: 'COMPLETED', attempts: 1, n: '95' }]);
    expect(await eventCounts()).toEqual({ PROCESSING: 95, COMPLETED: 95 });
  });

  it('a declined payout is FAILED with the reason', async () => {
    const [id] = await seed(1);
    await startWorker(h.db, { secretKey: TEST_SECRET_KEY, gateway: simulatedGateway({ failureRate: 1 }), log, once: true, pollMs: 20 }).done;
    const { payout, events } = await getPayout(testPayoutAccess(h.db), id!);
    expect(payout).toMatchObject({ status: 'FAILED', attempts: 1, last_error: 'simulated: declined by the provider' });
    expect(events.at(-1)).toMatchObject({ from: 'PROCESSING', to: 'FAILED', detail: 'simulated: declined by the provider' });
  });

  it('transient errors are retried with back-off, then FAILED after --max-attempts', async () => {
    const [id] = await seed(1);
    const started = Date.now();
    const stats = await startWorker(h.db, {
      secretKey: TEST_SECRET_KEY,
      gateway: simulatedGateway({ transientRate: 1 }),
      log,
      once: true,
      maxAttempts: 3,
      retryBaseMs: 200,
      pollMs: 20,
    }).done;
    // Back-offs of 100–200 ms then 200–400 ms (half jitter) before attempts 2 and 3.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(stats).toMatchObject({ retried: 2, failed: 1 });
    const { payout, events } = await getPayout(testPayoutAccess(h.db), id!);
    expect(payout).toMatchObject({ status: 'FAILED', attempts: 3, last_error: 'gave up after 3 attempts: simulated: provider unavailable' });
    expect(events.map((e) => e.to)).toEqual(['PROCESSING', 'PROCESSING', 'PROCESSING', 'FAILED']);
  });

  it('a dead worker’s lease expires and another worker completes the payout (attempt counted)', async () => {
    const [id] = await seed(1);
    const [claimed] = await claimPayouts(h.db, 'dead-worker', 10, 300);
    expect(claimed!.id).toBe(id);
    const started = Date.now();
    await startWorker(h.db, { secretKey: TEST_SECRET_KEY, gateway: simulatedGateway(), log, once: true, pollMs: 50 }).done;
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    const { payout, events } = await getPayout(testPayoutAccess(h.db), id!);
    expect(payout).toMatchObject({ status: 'COMPLETED', attempts: 2 });
    expect(events.map((e) => `${e.from}>${e.to}`)).toEqual(['NEW>PROCESSING', 'PROCESSING>PROCESSING', 'PROCESSING>COMPLETED']);
    expect(events[1]!.detail).toMatch(/lease expired/);
    // The dead worker coming back cannot overwrite the outcome.
    expect(await finishPayouts(h.db, 'dead-worker', [{ id: id!, result: 'FAILED', detail: 'late' }])).toBe(0);
  });

  it('graceful stop finishes calls in flight and releases payouts not yet sent', async () => {
    await seed(10);
    const worker = startWorker(h.db, {
      secretKey: TEST_SECRET_KEY,
      gateway: simulatedGateway({ latencyMs: 300 }),
      log,
      batch: 10,
      callsInFlight: 2,
      pollMs: 20,
    });
    await untilProcessing(1);
    worker.stop();
    const stats = await worker.done;
    expect(stats.completed).toBeGreaterThanOrEqual(2);
    expect(stats.completed + stats.released).toBe(10);
    const { rows } = await sql<{
      status: string;
      attempts: number;
      n: string;
    }>`select status, attempts, count(*) as n from payouts group by 1, 2 order by 1`.execute(h.db);
    expect(rows).toEqual([
      { status: 'COMPLETED', attempts: 1, n: String(stats.completed) },
      { status: 'NEW', attempts: 0, n: String(stats.released) },
    ]);
    expect((await eventCounts()).NEW).toBe(stats.released);
  });

  it('a payout released on shutdown during a retry stays PROCESSING (it may have reached the provider)', async () => {
    const [id] = await seed(1);
    await claimPayouts(h.db, 'w-a', 1, 60_000);
    await finishPayouts(h.db, 'w-a', [{ id: id!, result: 'RETRY', detail: 'provider unavailable', retryInMs: 0 }]);
    const [again] = await claimPayouts(h.db, 'w-b', 1, 60_000);
    expect(again).toMatchObject({ id, attempts: 2 });
    expect(await releasePayouts(h.db, 'w-b', [id!])).toBe(1);
    const { payout, events } = await getPayout(testPayoutAccess(h.db), id!);
    expect(payout).toMatchObject({ status: 'PROCESSING', attempts: 1 });
    expect(events.at(-1)).toMatchObject({ from: 'PROCESSING', to: 'PROCESSING', detail: 'released on shutdown before the gateway call' });
    // Claimable again at once.
    expect(await claimPayouts(h.db, 'w-c', 1, 60_000)).toMatchObject([{ id, attempts: 2 }]);
  });

  it('renews the lease while the gateway is slow', async () => {
    const [id] = await seed(1);
    const worker = startWorker(h.db, { secretKey: TEST_SECRET_KEY, gateway: simulatedGateway({ latencyMs: 1200 }), log, leaseMs: 300, once: true, pollMs: 20 });
    await untilProcessing(1);
    await new Promise((r) => setTimeout(r, 600));
    // Without renewal the 300 ms lease would have ended; another worker must not get the payout.
    expect(await claimPayouts(h.db, 'thief', 10, 1000)).toEqual([]);
    await worker.done;
    expect((await getPayout(testPayoutAccess(h.db), id!)).payout).toMatchObject({ status: 'COMPLETED', attempts: 1 });
  });
});

describe('http gateway', () => {
  it('signs, sends the payout id as Idempotency-Key, and maps 2xx/4xx/5xx', async () => {
    const provider = await startFakePayoutGateway('s3cret');
    try {
      const ok = (await createPayout(testPayoutAccess(h.db), { amount: '10', currency: 'USD', recipient: 'acct-ok' })).payout.id;
      const bad = (await createPayout(testPayoutAccess(h.db), { amount: '11', currency: 'USD', recipient: 'acct-bad' })).payout.id;
      const flaky = (await createPayout(testPayoutAccess(h.db), { amount: '12', currency: 'USD', recipient: 'acct-flaky' })).payout.id;
      provider.script.set(bad, [{ status: 422, body: { error: 'account closed' } }]);
      provider.script.set(flaky, [{ status: 503, body: 'busy' }, { delayMs: 2000 }]);
      const gateway = httpGateway({ url: provider.url, secret: 's3cret', timeoutMs: 500 });
      await startWorker(h.db, { secretKey: TEST_SECRET_KEY, gateway, log, once: true, retryBaseMs: 100, pollMs: 20 }).done;
      await gateway.close();

      expect((await getPayout(testPayoutAccess(h.db), ok)).payout).toMatchObject({ status: 'COMPLETED', attempts: 1 });
      expect((await getPayout(testPayoutAccess(h.db), bad)).payout).toMatchObject({
        status: 'FAILED',
        last_error: 'provider answered HTTP 422: {"error":"account closed"}',
      });
      // 503, then a timeout, then paid: three calls, all with the same key.
      const flakyPayout = await getPayout(testPayoutAccess(h.db), flaky);
      expect(flakyPayout.payout).toMatchObject({ status: 'COMPLETED', attempts: 3 });
      const calls = provider.server.requestsTo('/v1/payouts').filter((r) => r.headers['idempotency-key'] === flaky);
      expect(calls).toHaveLength(3);
      expect(JSON.parse(calls[0]!.body)).toEqual({ id: flaky, amount: '12.00', currency: 'USD', recipient: 'acct-flaky', comment: null, attempt: 1 });
      expect(provider.badSignatures).toBe(0);
      expect([...provider.paid].sort()).toEqual([ok, flaky].sort());
      provider.verify();
    } finally {
      await provider.stop();
    }
  });

  it('a wrong secret is a 401, which fails the payout for good', async () => {
    const provider = await startFakePayoutGateway('right');
    try {
      const id = (await createPayout(testPayoutAccess(h.db), { amount: '10', currency: 'EUR', recipient: 'acct-1' })).payout.id;
      const gateway = httpGateway({ url: provider.url, secret: 'wrong' });
      await startWorker(h.db, { secretKey: TEST_SECRET_KEY, gateway, log, once: true, pollMs: 20 }).done;
      await gateway.close();
      expect(provider.badSignatures).toBe(1);
      expect((await getPayout(testPayoutAccess(h.db), id)).payout).toMatchObject({
        status: 'FAILED',
        last_error: 'provider answered HTTP 401: {"error":"bad signature"}',
      });
      provider.verify();
    } finally {
      await provider.stop();
    }
  });
});
