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

  it('runs a continuous job back to back while it has work, naps when idle, and stops it (and its nap) on shutdown', async () => {
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
    // A long nap: a busy run followed by a nap would stall the test for a minute.
    const daemon = await startDaemon(ctx, [{ job: worker, schedule: { kind: 'continuous' } }], { timezone: 'UTC', idleMs: 60_000 });
    // Three busy runs back to back, then one idle run (however slow a loaded machine is) …
    const deadline = Date.now() + 30_000;
    while (calls < 4 && Date.now() < deadline) await sleep(20);
    expect(calls).toBe(4);
    expect(queue).toBe(0);
    // … after which it naps instead of polling again.
    await sleep(1000);
    expect(calls).toBe(4);
    // Shutdown cuts the nap short.
    const stopping = Date.now();
    await daemon.stop();
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(sawAbort).toBe(true);
    const callsAtStop = calls;
    await sleep(400);
    expect(calls).toBe(callsAtStop);
    // Only the runs that did work are kept.
    const rows = await recentRuns(handle.db, 't.worker');
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(ctx.logLines().some((l) => l.event === 'daemon.stopped')).toBe(true);
  }, 60_000);
});
