// A scheduled job failing 3 runs in a row for a store or cabinet is one job_failing alert to that
// store's (cabinet's) recipients: not one per failing run, and again only after a success.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { listKaspiEvents } from '../../src/notify/kaspi-events.repository.js';
import type { JobDefinition } from '../../src/schedule/registry.js';
import { runJobOnce } from '../../src/schedule/run-job.js';
import { listEvents } from '../../src/wb/event.repository.js';
import { testContext } from '../schedule/helpers.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addCabinet } from './helpers.js';

describe('job_failing: 3 failed runs in a row, once per streak', () => {
  let h: TestDatabase;
  let fail = true;
  const job = (name: string, scopeKind: 'store' | 'cabinet'): JobDefinition => ({
    name,
    description: name,
    defaultSchedule: '*/5 * * * *',
    scopeKind,
    async run() {
      if (fail) throw new UserError('KASPI_SHOP_UNREACHABLE', 'the Shop API did not answer');
      return { ok: true };
    },
  });

  beforeAll(async () => {
    h = await createTestDatabase();
  });
  afterAll(async () => h?.close());

  it("a store's job: one alert at the third failure, none at the fourth and fifth, one more after a success", async () => {
    const store = await addStore(h.db, randomBytes(32), { merchantId: 'J1', name: 'Job Shop' });
    const ctx = testContext(h);
    const orders = job('t.kaspi-orders', 'store');
    const runs = async (n: number) => {
      for (let i = 0; i < n; i++) await runJobOnce(ctx, orders, { scope: 'J1' });
    };
    fail = true;
    await runs(2);
    expect(await listKaspiEvents(h.db, store.id)).toEqual([]);
    await runs(3);
    const events = await listKaspiEvents(h.db, store.id);
    expect(events.map((e) => e.type)).toEqual(['job_failing']);
    expect(events[0]!.payload).toMatchObject({ job: 't.kaspi-orders', runs: 3, error: 'KASPI_SHOP_UNREACHABLE: the Shop API did not answer' });
    fail = false;
    await runs(1);
    fail = true;
    await runs(4);
    expect((await listKaspiEvents(h.db, store.id)).map((e) => e.type)).toEqual(['job_failing', 'job_failing']);
  });

  it("a cabinet's job alerts the cabinet's recipients; a job of no store or cabinet alerts nobody", async () => {
    const cabinet = await addCabinet(h, 'Job Cabinet');
    const ctx = testContext(h);
    fail = true;
    for (let i = 0; i < 3; i++) await runJobOnce(ctx, job('t.wb-sync', 'cabinet'), { scope: 'Job Cabinet' });
    expect((await listEvents(h.db, cabinet)).map((e) => e.type)).toEqual(['job_failing']);
    for (let i = 0; i < 3; i++) await runJobOnce(ctx, job('t.wb-sync', 'cabinet'), { scope: 'no such cabinet' });
    expect(await h.db.selectFrom('wb_events').select('id').execute()).toHaveLength(1);
  });
});
