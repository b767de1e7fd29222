// Shared setup for the WB service tests: a migrated database, the fake WB API, a movable clock.
import { randomBytes } from 'node:crypto';
import { resolveConfig } from '../../src/core/config.js';
import { createLogger, type Logger } from '../../src/core/log.js';
import type { Clock } from '../../src/core/time.js';
import { type FakeWb, wbHostsByPath } from '../../src/fakes/fake-wb.js';
import { addCabinet } from '../../src/wb/cabinet.service.js';
import { type SyncOptions, syncWb } from '../../src/wb/sync.service.js';
import type { TestDatabase } from '../support/db.js';

export class TestClock implements Clock {
  constructor(public at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

/** A logger that keeps messages for assertions. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const stream = { write: (s: string) => lines.push(s), isTTY: false } as unknown as NodeJS.WriteStream;
  return Object.assign(createLogger({ stream, structured: false, verbose: true }), { lines });
}

export function wbDeps(handle: TestDatabase, wb: FakeWb, clock: Clock, log = memoryLogger()) {
  const config = resolveConfig({ home: '/nonexistent-mp-home' }, { MP_WB_URL: wb.url });
  return { db: handle.db, config, log, clock, secretKey: key, userName: 'tester', client: { retries: 3, maxRetryWaitMs: 5000 } };
}
export const key = randomBytes(32);

/** Like wbDeps, but each category host has its own path on the fake, so its /ping checks the category. */
export function wbDepsByHostPath(handle: TestDatabase, wb: FakeWb, clock: Clock, log = memoryLogger()) {
  return { ...wbDeps(handle, wb, clock, log), config: resolveConfig({ home: '/nonexistent-mp-home' }, wbHostsByPath(wb)) };
}

export async function addFakeCabinet(deps: ReturnType<typeof wbDeps>, token: string) {
  return addCabinet(deps, token);
}

export function sync(deps: ReturnType<typeof wbDeps>, options: SyncOptions = {}) {
  return syncWb(deps, options);
}
