// The crash test of test/notify/crash.test.ts for a Kaspi store's alerts: `mp notify deliver` is
// killed (SIGKILL) while Telegram is answering one of them, after the send and before the mark. The
// guarantee is the WB events' (docs/notify.md, "Exactly once, and what a crash can do"): the next run
// sends every other alert once, and the one in flight is counted as sent (unconfirmed) and never
// repeated — no duplicate, and nothing lost that was not in flight. Checked at the fake Telegram.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { type DbHandle, openDatabase } from '../../src/db/connect.js';
import { type FakeTelegram, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { insertKaspiEvents } from '../../src/notify/kaspi-events.repository.js';
import { KASPI_NOTIFY_TYPES } from '../../src/notify/types.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { secretKey } from './helpers.js';

const bin = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));

describe('Kaspi alerts: SIGKILL between send and mark', () => {
  let home: string;
  let pg: TestDatabase | undefined;
  let tg: FakeTelegram;
  let env: NodeJS.ProcessEnv;
  let h: DbHandle;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mp-kaspi-crash-'));
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
    h = pg ?? (await openDatabase(resolveConfig({ home }, env)));
    const store = await addStore(h.db, secretKey, { merchantId: '30067228', name: 'Crash Shop' });
    await h.db
      .insertInto('notify_recipients')
      .values({ kaspi_store_id: store.id, channel: 'telegram', chat_id: '6001', types: [...KASPI_NOTIFY_TYPES], group_threshold: 0 })
      .execute();
    const at = new Date();
    await insertKaspiEvents(h.db, store.id, [
      { type: 'new_order', eventKey: 'order-k1', occurredAt: at, payload: { code: 'k1', total: '12990', products: [{ name: 'Phone', quantity: 1 }] } },
      { type: 'cancellation', eventKey: 'order-k2', occurredAt: at, payload: { code: 'k2', total: '4990', status: 'CANCELLED' } },
      { type: 'price_floor', eventKey: 'p1:750000000:800:700', occurredAt: at, payload: { sku: 'k3', name: 'Case', price: '800', minPrice: '800' } },
      { type: 'access_refused', eventKey: 'session:1', occurredAt: at, payload: { message: 'k4: session expired', command: 'mp demper store login' } },
    ]);
    if (!pg) await h.close();
  }, 240_000); // a fresh embedded database (all migrations) on a loaded 2-core machine
  afterAll(async () => {
    await tg?.stop();
    await pg?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('sends nothing twice and loses nothing else after a restart', { timeout: 300_000 }, async () => {
    // Telegram takes 20 s to answer the first message: the process is killed meanwhile.
    tg.server.fault('/bot:token/sendMessage', { delayMs: 20_000, body: { ok: true, result: { message_id: 1, chat: { id: 6001 } } }, times: 1 });
    const child = spawn(process.execPath, [bin, 'notify', 'deliver'], { env, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('close', resolve));
    const sends = () => tg.server.requestsTo('/bot:token/sendMessage').map((r) => JSON.parse(r.body).text as string);
    for (let i = 0; i < 1200 && sends().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(sends()).toHaveLength(1);
    child.kill('SIGKILL');
    await exited;
    const first = sends()[0]!;
    await new Promise((r) => setTimeout(r, 1500)); // the dead worker's lease expires

    const again = await runMp(['notify', 'deliver', '--json'], { env, timeoutMs: 180_000 });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 4, unconfirmed: 1, dead: 0 });
    // A third run finds nothing to do.
    const third = await runMp(['notify', 'deliver', '--json'], { env, timeoutMs: 180_000 });
    expect(JSON.parse(third.stdout)).toMatchObject({ sent: 0 });
    const all = sends();
    expect(all).toHaveLength(4);
    expect(new Set(all).size).toBe(4);
    expect(all.filter((t) => t === first)).toHaveLength(1);
    for (const key of ['k1', 'k2', 'k3', 'k4']) expect(all.filter((t) => t.includes(key))).toHaveLength(1);
  });
});
