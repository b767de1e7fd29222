// A Context for in-process scheduler tests whose db() is the test database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { onTestFinished } from 'vitest';
import { type Context, createContext } from '../../src/core/context.js';
import type { DbHandle } from '../../src/db/connect.js';

export interface TestContext extends Context {
  /** Everything the logger wrote (JSON lines). */
  logLines(): Record<string, unknown>[];
}

/** A context for the running test; its throw-away home is removed when the test finishes. */
export function testContext(handle: DbHandle, env: NodeJS.ProcessEnv = {}): TestContext {
  const home = mkdtempSync(join(tmpdir(), 'mp-sched-'));
  onTestFinished(() => rmSync(home, { recursive: true, force: true }));
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  const stdout = new PassThrough() as unknown as NodeJS.WriteStream;
  let text = '';
  (stderr as unknown as PassThrough).on('data', (d) => (text += d));
  (stdout as unknown as PassThrough).resume();
  const ctx = createContext({ verbose: true }, { env: { MP_HOME: home, ...env }, stderr, stdout, stdinIsTTY: false });
  return {
    ...ctx,
    db: async () => handle,
    close: async () => {},
    logLines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
