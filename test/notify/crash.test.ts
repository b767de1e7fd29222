// A real crash: `mp wb notify deliver` is killed (SIGKILL) while Telegram is answering a message;
// the next run sends everything else once and that message never again (checked at the fake server).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { type DbHandle, openDatabase } from '../../src/db/connect.js';
import { type FakeTelegram, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { notifyConfig } from '../../src/notify/notify-config.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { addCabinet, addChat, writeSyncEvents } from './helpers.js';

const bin = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));

describe('SIGKILL between send and mark', () => {
  let home: string;
  let pg: TestDatabase | undefined;
  let tg: FakeTelegram;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mp-notify-crash-'));
    tg = await startFakeTelegram();
    env = {
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
    if (testEngine === 'postgres') {
      pg = await createTestDatabase();
      env.DATABASE_URL = pg.url;
    }
    // Seed through the same database the subprocesses open.
    const h: DbHandle = pg ?? (await openDatabase(resolveConfig({ home }, env)));
    const cab = await addCabinet(h, 'Crash');
    await addChat(h, cab, '5001', { group_threshold: 0 });
    await writeSyncEvents(h, cab, [
      { type: 'new_order', key: 'k1', payload: { srid: 'k1' } },
      { type: 'new_order', key: 'k2', payload: { srid: 'k2' } },
      { type: 'new_order', key: 'k3', payload: { srid: 'k3' } },
    ]);
    if (!pg) await h.close();
  }, 240_000); // a fresh embedded database (all migrations) on a loaded 2-core machine
  afterAll(async () => {
    await tg?.stop();
    await pg?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('sends nothing twice after a restart', { timeout: 300_000 }, async () => {
    // Telegram takes 20 s to answer the first message: the process is killed meanwhile.
    tg.server.fault('/bot:token/sendMessage', { delayMs: 20_000, body: { ok: true, result: { message_id: 1, chat: { id: 5001 } } }, times: 1 });
    const child = spawn(process.execPath, [bin, 'wb', 'notify', 'deliver'], { env, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('close', resolve));
    const sends = () => tg.server.requestsTo('/bot:token/sendMessage').map((r) => JSON.parse(r.body).text as string);
    for (let i = 0; i < 1200 && sends().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(sends()).toHaveLength(1);
    child.kill('SIGKILL');
    await exited;
    const first = sends()[0]!;
    await new Promise((r) => setTimeout(r, 1500)); // the dead worker's lease expires

    const again = await runMp(['wb', 'notify', 'deliver', '--json'], { env, timeoutMs: 180_000 });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 3, unconfirmed: 1, dead: 0 });
    const all = sends();
    expect(all).toHaveLength(3);
    expect(new Set(all).size).toBe(3);
    expect(all.filter((t) => t === first)).toHaveLength(1);
    for (const srid of ['k1', 'k2', 'k3']) expect(all.filter((t) => t.includes(srid))).toHaveLength(1);
  });
});

describe('MP_NOTIFY_LEASE', () => {
  const lease = (value?: string) => notifyConfig(resolveConfig({}, value === undefined ? {} : { MP_NOTIFY_LEASE: value })).leaseMs;
  it('defaults to 10 minutes, takes durations, and refuses less than a second', () => {
    expect(lease()).toBe(600_000);
    expect(lease('90s')).toBe(90_000);
    expect(lease('2m')).toBe(120_000);
    expect(() => lease('0')).toThrow(/MP_NOTIFY_LEASE must be from 1s/);
    expect(() => lease('500ms')).toThrow(/MP_NOTIFY_LEASE must be from 1s/);
    expect(() => lease('soon')).toThrow(/MP_NOTIFY_LEASE/);
  });
});
