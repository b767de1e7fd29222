import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { withAdvisoryLock } from '../../src/db/locks.js';
import { recentRuns } from '../../src/schedule/job-runs.repository.js';
import { jobStatuses } from '../../src/schedule/job-status.js';
import type { JobDefinition } from '../../src/schedule/registry.js';
import { jobLockName, runJob, runJobOnce } from '../../src/schedule/run-job.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { testContext } from './helpers.js';

describe('runJob: one run under the job lock, recorded in job_runs', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });
  beforeEach(async () => {
    await handle.db.deleteFrom('job_runs').execute();
  });

  const job = (name: string, run: JobDefinition['run'], extra: Partial<JobDefinition> = {}): JobDefinition => ({
    name,
    description: name,
    defaultSchedule: '*/5 * * * *',
    run,
    ...extra,
  });

  it('records a successful run with host, pid, times and its summary', async () => {
    const ctx = testContext(handle);
    const [outcome] = await runJob(
      ctx,
      job('t.ok', async () => ({ scraped: 3, note: 'fine' })),
    );
    expect(outcome).toMatchObject({ job: 't.ok', scope: null, status: 'succeeded', summary: { scraped: 3, note: 'fine' } });
    const [row] = await recentRuns(handle.db, 't.ok');
    expect(row).toMatchObject({ id: outcome!.runId, status: 'succeeded', pid: process.pid, scope: null, error: null, summary: { scraped: 3, note: 'fine' } });
    expect(row!.finishedAt!.getTime()).toBeGreaterThanOrEqual(row!.startedAt.getTime());
  });

  it('records a failing job with its error code and does not throw', async () => {
    const ctx = testContext(handle);
    const [outcome] = await runJob(
      ctx,
      job('t.fail', async () => {
        throw new UserError('KASPI_BLOCKED', 'Kaspi answered 403');
      }),
    );
    expect(outcome!.status).toBe('failed');
    const [row] = await recentRuns(handle.db, 't.fail');
    expect(row).toMatchObject({ status: 'failed', error: 'KASPI_BLOCKED: Kaspi answered 403', summary: null });
    expect(row!.finishedAt).toBeInstanceOf(Date);
  });

  it('skips (and records the skip) while another run holds the lock', async () => {
    const ctx = testContext(handle);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = job('t.slow', async () => {
      await gate;
      return { done: true };
    });
    const first = runJobOnce(ctx, slow);
    await sleep(100);
    const second = await runJobOnce(ctx, slow);
    expect(second.status).toBe('skipped');
    release();
    expect((await first).status).toBe('succeeded');
    const rows = await recentRuns(handle.db, 't.slow');
    expect(rows.map((r) => r.status).sort()).toEqual(['skipped', 'succeeded']);
    // Once the first run is over the lock is free again.
    expect((await runJobOnce(ctx, slow)).status).toBe('succeeded');
  });

  it('runs a per-store job once per store, each under its own lock', async () => {
    const ctx = testContext(handle);
    const seen: string[] = [];
    const perStore = job(
      't.store',
      async (_ctx, o) => {
        seen.push(o.scope!);
        return { store: o.scope };
      },
      { scopeKind: 'store', scopes: async () => ['a', 'b'] },
    );
    // Store a is busy elsewhere (another process, another host): only b runs.
    const outcomes = await withAdvisoryLock(handle, jobLockName('t.store', 'a'), () => runJob(ctx, perStore));
    expect(outcomes.acquired).toBe(true);
    if (!outcomes.acquired) return;
    expect(outcomes.value.map((o) => [o.scope, o.status])).toEqual([
      ['a', 'skipped'],
      ['b', 'succeeded'],
    ]);
    expect(seen).toEqual(['b']);
    // An explicit scope runs just that one.
    const only = await runJob(ctx, perStore, { scope: 'a' });
    expect(only.map((o) => [o.scope, o.status])).toEqual([['a', 'succeeded']]);
  });

  it('records a successful run with nothing to do when there is no store yet', async () => {
    const ctx = testContext(handle);
    let called = false;
    const perStore = job(
      't.nostore',
      async () => {
        called = true;
        return {};
      },
      { scopeKind: 'store', scopes: async () => [] },
    );
    const outcomes = await runJob(ctx, perStore);
    expect(outcomes).toMatchObject([{ status: 'succeeded', scope: null, summary: { stores: 0 } }]);
    expect(called).toBe(false);
    expect((await recentRuns(handle.db, 't.nostore'))[0]).toMatchObject({ status: 'succeeded', summary: { stores: 0 } });
  });

  it('records a failed run when the list of scopes cannot be read', async () => {
    const ctx = testContext(handle);
    const broken = job('t.scopes', async () => ({}), {
      scopeKind: 'cabinet',
      scopes: async () => {
        throw new UserError('WB_UNAUTHORIZED', 'token rejected');
      },
    });
    const [outcome] = await runJob(ctx, broken);
    expect(outcome!.status).toBe('failed');
    expect((await recentRuns(handle.db, 't.scopes'))[0]).toMatchObject({ status: 'failed', error: 'WB_UNAUTHORIZED: token rejected' });
  });

  it('drops the row of an idle continuous run but keeps one that did work', async () => {
    const ctx = testContext(handle);
    let pending = 1;
    const worker = job(
      't.worker',
      async () => {
        const processed = pending;
        pending = 0;
        return { processed };
      },
      { defaultSchedule: 'continuous', idle: (s) => s.processed === 0 },
    );
    expect((await runJobOnce(ctx, worker, { dropIdle: true })).status).toBe('succeeded');
    expect((await runJobOnce(ctx, worker, { dropIdle: true })).status).toBe('idle');
    expect((await recentRuns(handle.db, 't.worker')).map((r) => r.summary)).toEqual([{ processed: 1 }]);
  });

  it('tells a run killed on another host by its free job lock (and cannot tell for a job that shares its work)', async () => {
    const ctx = testContext(handle);
    const locking = job('t.remote', async () => ({}), { scopeKind: 'store' });
    const sharing = job('t.shared', async () => ({}), { sharesWork: true });
    const running = (name: string, scope: string | null) => ({
      job: name,
      scope,
      host: 'another-host',
      pid: 4242,
      started_at: new Date(),
      status: 'running' as const,
    });
    await handle.db
      .insertInto('job_runs')
      .values([running('t.remote', 'S1'), running('t.shared', null)])
      .execute();
    const died = async () =>
      Object.fromEntries((await jobStatuses(handle.db, ctx.config, [locking, sharing], 'UTC', new Date())).map((r) => [r.job, r.lastRunDied]));
    // Nobody holds mp.job:t.remote:S1: that run is gone.
    expect(await died()).toEqual({ 't.remote': true, 't.shared': false });
    // While its lock is held (the run is alive on the other host), it is running; another scope's lock does not count.
    const whileHeld = await withAdvisoryLock(handle, jobLockName('t.remote', 'S1'), died);
    expect(whileHeld).toEqual({ acquired: true, value: { 't.remote': false, 't.shared': false } });
    const otherScope = await withAdvisoryLock(handle, jobLockName('t.remote', 'S2'), died);
    expect(otherScope).toEqual({ acquired: true, value: { 't.remote': true, 't.shared': false } });
  });

  it('reports per job the last run, failures in the last 24 h and the next scheduled time', async () => {
    const ctx = testContext(handle, { MP_SCHEDULE_T_FAIL: '0 9 * * *' });
    const ok = job('t.ok', async () => ({ n: 1 }));
    const fail = job('t.fail', async () => {
      throw new UserError('X', 'no');
    });
    await runJob(ctx, fail);
    await runJob(ctx, fail);
    await runJob(ctx, ok);
    // A failure from two days ago is not counted.
    await handle.db
      .insertInto('job_runs')
      .values({ job: 't.fail', scope: null, host: 'old', pid: 1, started_at: new Date(Date.now() - 48 * 3_600_000), status: 'failed', error: 'old' })
      .execute();
    const now = new Date();
    const rows = await jobStatuses(handle.db, ctx.config, [fail, ok], 'Asia/Almaty', now);
    const byJob = Object.fromEntries(rows.map((r) => [r.job, r]));
    expect(byJob['t.fail']).toMatchObject({ schedule: '0 9 * * *', failuresLast24h: 2, lastRun: { status: 'failed' } });
    expect(byJob['t.ok']).toMatchObject({ schedule: '*/5 * * * *', failuresLast24h: 0, lastRun: { status: 'succeeded' } });
    // 09:00 in Almaty (UTC+5) is 04:00 UTC.
    expect(byJob['t.fail']!.nextRunAt!.toISOString()).toMatch(/T04:00:00\.000Z$/);
    const next5 = byJob['t.ok']!.nextRunAt!;
    expect(next5.getTime()).toBeGreaterThan(now.getTime() - 1000);
    expect(next5.getTime() - now.getTime()).toBeLessThanOrEqual(5 * 60_000);
    expect(next5.getUTCMinutes() % 5).toBe(0);
  });
});
