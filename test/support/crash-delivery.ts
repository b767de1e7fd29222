// The set-up the crash tests of notification delivery share (test/notify/crash.test.ts for WB,
// kaspi-crash.test.ts for Kaspi): an mp home, a fake Telegram, the environment the subprocesses run
// with (a 1 s lease, so a killed worker's rows come back quickly), and the database they open —
// PostgreSQL when the suite runs on it, else the embedded database of that home, seeded and closed
// again before any subprocess starts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../../src/core/config.js';
import { type DbHandle, openDatabase } from '../../src/db/connect.js';
import { type FakeTelegram, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { createTestDatabase, type TestDatabase, testEngine } from './db.js';

const bin = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));

export interface CrashWorld {
  tg: FakeTelegram;
  env: NodeJS.ProcessEnv;
  /** The texts Telegram was asked to send so far. */
  sends(): string[];
  close(): Promise<void>;
}

/** A home, a fake Telegram and a database seeded by `seed` through the database the subprocesses open. */
export async function startCrashWorld(prefix: string, seed: (h: DbHandle) => Promise<void>): Promise<CrashWorld> {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const tg = await startFakeTelegram();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MP_HOME: home,
    MP_SECRET_KEY: 'cd'.repeat(32),
    MP_TELEGRAM_URL: tg.url,
    MP_TELEGRAM_BOT_TOKEN: tg.token,
    MP_TELEGRAM_CHAT_INTERVAL_MS: '1',
    MP_NOTIFY_LEASE: '1s',
    NO_COLOR: '1',
  };
  delete env.DATABASE_URL;
  let pg: TestDatabase | undefined;
  if (testEngine === 'postgres') {
    pg = await createTestDatabase();
    env.DATABASE_URL = pg.url;
  }
  const h: DbHandle = pg ?? (await openDatabase(resolveConfig({ home }, env)));
  await seed(h);
  if (!pg) await h.close();
  return {
    tg,
    env,
    sends: () => tg.server.requestsTo('/bot:token/sendMessage').map((r) => JSON.parse(r.body).text as string),
    async close() {
      await tg.stop();
      await pg?.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `mp <args>` with Telegram taking 20 s to answer the first message to `chatId`, kills it
 * (SIGKILL) once that message is on its way, and waits out the dead worker's lease. Returns the text
 * that was in flight.
 */
export async function killDuringFirstSend(world: CrashWorld, args: string[], chatId: number): Promise<string> {
  world.tg.server.fault('/bot:token/sendMessage', { delayMs: 20_000, body: { ok: true, result: { message_id: 1, chat: { id: chatId } } }, times: 1 });
  const child = spawn(process.execPath, [bin, ...args], { env: world.env, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('close', resolve));
  for (let i = 0; i < 1200 && world.sends().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  if (world.sends().length !== 1) throw new Error(`expected one message on its way, Telegram saw ${world.sends().length}`);
  child.kill('SIGKILL');
  await exited;
  await new Promise((r) => setTimeout(r, 1500)); // the dead worker's lease expires
  return world.sends()[0]!;
}
