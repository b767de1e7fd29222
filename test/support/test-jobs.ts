// Jobs for scheduler tests, loaded by `mp` subprocesses through MP_EXTRA_JOBS=dist/test/support/test-jobs.js.
// MP_TEST_JOB_MS: how long test.sleep sleeps; MP_TEST_JOB_MARKERS: a folder where it writes
// started-<pid>-<n> when it begins and finished-<pid>-<n> when it ends.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../src/core/errors.js';
import type { JobDefinition } from '../../src/schedule/registry.js';

let count = 0;

export const jobs: JobDefinition[] = [
  {
    name: 'test.sleep',
    description: 'sleeps MP_TEST_JOB_MS (it does not stop early on shutdown: the daemon must wait)',
    defaultSchedule: '*/5 * * * *',
    async run(ctx) {
      const ms = Number(ctx.config.env.MP_TEST_JOB_MS ?? 2000);
      const markers = ctx.config.env.MP_TEST_JOB_MARKERS;
      const n = ++count;
      if (markers) writeFileSync(join(markers, `started-${process.pid}-${n}`), '');
      await sleep(ms);
      if (markers) writeFileSync(join(markers, `finished-${process.pid}-${n}`), '');
      return { slept: ms, n };
    },
  },
  {
    name: 'test.fail',
    description: 'always fails with TEST_FAILED',
    defaultSchedule: 'off',
    async run() {
      throw new UserError('TEST_FAILED', 'the test job failed on purpose');
    },
  },
];
