// The built-in jobs run their domain services through the scheduler: each test seeds work, runs
// the job the way `mp jobs run` does, and checks both the domain rows and job_runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayout, getPayout } from '../../src/payouts/payouts.service.js';
import { recentRuns } from '../../src/schedule/job-runs.repository.js';
import { findJob } from '../../src/schedule/registry.js';
import { runJob } from '../../src/schedule/run-job.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { testContext } from './helpers.js';

describe('built-in jobs', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('payouts.process sends every NEW payout and records the worker stats; an empty queue is idle', async () => {
    const ctx = testContext(handle, { MP_PAYOUTS_GATEWAY: 'simulated' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { payout } = await createPayout(handle.db, { amount: `${100 + i}.50`, currency: 'RUB', recipient: `4081781009991000431${i}` });
      ids.push(payout.id);
    }
    const job = (await findJob('payouts.process', {}))!;
    expect(job.defaultSchedule).toBe('continuous');
    const [outcome] = await runJob(ctx, job);
    expect(outcome).toMatchObject({ status: 'succeeded', summary: { claimed: 3, completed: 3, failed: 0 } });
    for (const id of ids) expect((await getPayout(handle.db, id)).payout.status).toBe('COMPLETED');
    expect((await recentRuns(handle.db, 'payouts.process'))[0]).toMatchObject({ status: 'succeeded', summary: { completed: 3 } });
    // Nothing left: the daemon's continuous loop treats this run as idle and does not keep it.
    const [again] = await runJob(ctx, job, { dropIdle: true });
    expect(again!.status).toBe('idle');
    expect(await recentRuns(handle.db, 'payouts.process')).toHaveLength(1);
  });
});
