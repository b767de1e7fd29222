// Issue 16: the WB sync, Kaspi orders sync and notification delivery operations take their own lock
// (the job's lock name with the cabinet/store scope), so a command, `mp serve`, cron and the daemon
// never run one unit of work twice at once. While another process holds it, the operation does
// nothing (no request leaves) and says so, and the scheduled job records the run as skipped.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withAdvisoryLock } from '../../src/db/locks.js';
import { type FakeKaspiShop, generateOrders, startFakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { kaspiOrdersLockName, syncKaspiOrders } from '../../src/kaspi-orders/sync.operation.js';
import { deliverLockName, deliverNotifications } from '../../src/notify/deliver.operation.js';
import { kaspiOrders } from '../../src/schedule/jobs/kaspi-orders.js';
import { wbNotify } from '../../src/schedule/jobs/wb-notify.js';
import { wbSync } from '../../src/schedule/jobs/wb-sync.js';
import { runJobOnce } from '../../src/schedule/run-job.js';
import { syncWbCabinets, wbSyncLockName } from '../../src/wb/sync.operation.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addFakeCabinet, TestClock, wbDeps } from '../wb/helpers.js';
import { testContext } from './helpers.js';

describe('operations take their own scoped lock', () => {
  let handle: TestDatabase;
  let wb: FakeWb;
  let shop: FakeKaspiShop;
  const key = randomBytes(32);
  const clock = new TestClock(new Date('2026-11-20T12:00:00Z'));

  beforeAll(async () => {
    handle = await createTestDatabase();
    wb = await startFakeWb({ orders: 10, sales: 5, products: 2, reviews: 1 });
    shop = await startFakeKaspiShop(generateOrders(5, new Date('2026-11-10T00:00:00Z'), 3_600_000));
    await addStore(handle.db, key, { merchantId: 'M1', name: 'Shop One', token: shop.token });
  });
  afterEach(() => {
    wb?.verify();
    shop?.verify();
  });
  afterAll(async () => {
    await wb?.server.stop();
    await shop?.stop();
    await handle?.close();
  });

  it('WB sync: a cabinet another process syncs is skipped by the command path and by the job, with no request', async () => {
    const deps = wbDeps(handle, wb, clock);
    const { cabinet } = await addFakeCabinet(deps, wb.token);
    const before = wb.server.requests.length;
    const held = await withAdvisoryLock(handle, wbSyncLockName(cabinet), async () => {
      const result = await syncWbCabinets({ ...deps, handle, user: deps.userName }, { only: ['cards', 'orders'] });
      const ctx = testContext(handle, { MP_WB_URL: wb.url });
      const job = await runJobOnce(ctx, wbSync, { scope: cabinet.name });
      return { result, job };
    });
    expect(held.acquired).toBe(true);
    if (!held.acquired) return;
    const { result, job } = held.value;
    expect(result.busy.map((b) => b.cabinet.name)).toEqual([cabinet.name]);
    expect(result.outcomes.map((o) => [o.stream, o.status])).toEqual([
      ['cards', 'skipped'],
      ['orders', 'skipped'],
    ]);
    expect(wb.server.requests.length).toBe(before);
    expect(job.status).toBe('skipped');
    const row = await handle.db.selectFrom('job_runs').select(['status', 'finished_at']).where('id', '=', job.runId!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'skipped', finished_at: expect.any(Date) });
    // Once the lock is free, the same operation syncs.
    const free = await syncWbCabinets({ ...deps, handle, user: deps.userName }, { only: ['cards'] });
    expect(free.busy).toEqual([]);
    expect(free.outcomes.map((o) => o.status)).toEqual(['ok']);
  });

  it('Kaspi orders sync: a store another process syncs is reported busy, and the job run is skipped', async () => {
    const ctx = testContext(handle, { MP_KASPI_SHOP_API_URL: shop.url });
    const deps = { handle, db: handle.db, config: ctx.config, log: ctx.log, clock, secretKey: key };
    const held = await withAdvisoryLock(handle, kaspiOrdersLockName({ merchant_id: 'M1' }), async () => ({
      result: await syncKaspiOrders(deps, { store: 'M1' }),
      job: await runJobOnce(ctx, kaspiOrders, { scope: 'M1' }),
    }));
    if (!held.acquired) throw new Error('lock not taken');
    expect(held.value.result).toMatchObject({ busy: true, store: { merchant_id: 'M1' } });
    expect(held.value.job.status).toBe('skipped');
    expect(shop.server.requests).toHaveLength(0);
    const free = await syncKaspiOrders(deps, { store: 'M1', since: new Date('2026-11-09T00:00:00Z') });
    expect(free).toMatchObject({ busy: false, summary: { store: 'Shop One' } });
    expect(shop.server.requests.length).toBeGreaterThan(0);
  });

  it('notification delivery: nothing is sent while another process delivers; the job run is skipped', async () => {
    const ctx = testContext(handle);
    const deps = { handle, db: handle.db, config: ctx.config, log: ctx.log, clock, secretKey: key };
    const held = await withAdvisoryLock(handle, deliverLockName(), async () => ({
      result: await deliverNotifications(deps),
      job: await runJobOnce(ctx, wbNotify),
    }));
    if (!held.acquired) throw new Error('lock not taken');
    expect(held.value.result).toMatchObject({ delivered: false, lock: 'mp.job:wb.notify' });
    expect(held.value.job.status).toBe('skipped');
    expect(await deliverNotifications(deps)).toMatchObject({ delivered: true, stats: { sent: 0 } });
  });
});
