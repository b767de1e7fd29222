import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/schedule/daemon.js';
import { recentRuns } from '../../src/schedule/job-runs.repository.js';
import type { JobDefinition } from '../../src/schedule/registry.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { testContext } from './helpers.js';

describe('startDaemon: continuous workers', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('runs a continuous job back to back while it has work, naps when idle, and stops it on shutdown', async () => {
    const ctx = testContext(handle);
    let queue = 3;
    let calls = 0;
    let sawAbort = false;
    const worker: JobDefinition = {
      name: 't.worker',
      description: 'takes one item per run',
      defaultSchedule: 'continuous',
      idle: (s) => s.processed === 0,
      async run(_ctx, options) {
        calls += 1;
        options.signal.addEventListener('abort', () => (sawAbort = true));
        if (queue === 0) return { processed: 0 };
        queue -= 1;
        return { processed: 1 };
      },
    };
    const daemon = await startDaemon(ctx, [{ job: worker, schedule: { kind: 'continuous' } }], { timezone: 'UTC', idleMs: 200 });
    await sleep(1000);
    // Three busy runs straight away, then idle polls every 200 ms (about 4 in the remaining time).
    expect(calls).toBeGreaterThanOrEqual(5);
    expect(calls).toBeLessThanOrEqual(12);
    await daemon.stop();
    expect(sawAbort).toBe(true);
    const callsAtStop = calls;
    await sleep(400);
    expect(calls).toBe(callsAtStop);
    // Only the runs that did work are kept.
    const rows = await recentRuns(handle.db, 't.worker');
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(ctx.logLines().some((l) => l.event === 'daemon.stopped')).toBe(true);
  });
});
