// `mp wb` as users and cron run it: a subprocess against the fake WB API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWb, makeWbToken, startFakeWb } from '../../src/fakes/fake-wb.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

// Each run opens the database (a fresh PGlite takes seconds); a busy CI box needs room.
const SLOW = 180_000;

describe('mp wb as a subprocess', () => {
  let handle: TestDatabase;
  let home: string;
  let wb: FakeWb;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    handle = await createTestDatabase();
    home = mkdtempSync(join(tmpdir(), 'mp-wb-home-'));
    wb = await startFakeWb({
      orders: 400,
      sales: 150,
      products: 8,
      reviews: 20,
      from: new Date(Date.now() - 10 * 86_400_000),
      orderStepMs: 2_000_000,
      saleStepMs: 5_000_000,
    });
    env = { MP_HOME: home, MP_WB_URL: wb.url, WB_TOKEN: wb.token, MP_USER: 'alice', ...(testEngine === 'postgres' ? { DATABASE_URL: handle.url } : {}) };
  });
  afterEach(() => wb?.verify());
  afterAll(async () => {
    await wb?.server.stop();
    await handle?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('cabinet add --token-stdin, sync, an early second sync skips, then order <srid> --json returns the full card', async () => {
    const add = await runMp(['wb', 'cabinet', 'add', '--token-stdin'], { env, timeoutMs: SLOW });
    expect(add.stderr).toMatch(/cabinet ."Flax Store." \(id 1\) added/);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('Flax Store');
    expect(add.stdout + add.stderr).not.toContain(wb.token);

    const sync = await runMp(['--json', 'wb', 'sync'], { env, timeoutMs: SLOW });
    expect(sync.code).toBe(0);
    const outcomes = JSON.parse(sync.stdout) as { stream: string; status: string; rowsNew: number }[];
    expect(outcomes.map((o) => [o.stream, o.status, o.rowsNew])).toEqual([
      ['cards', 'ok', 8],
      ['orders', 'ok', 400],
      ['sales', 'ok', 150],
      ['stocks', 'ok', 72],
      ['reviews', 'ok', 20],
    ]);

    // At once (the orders stream may fetch again 60 s after its last request; on a loaded box the
    // report runs below take longer than that).
    const asked = wb.server.requestsTo('/api/v1/supplier/orders').length;
    const again = await runMp(['--json', 'wb', 'sync', '--only', 'orders'], { env, timeoutMs: SLOW });
    expect(again.code).toBe(0);
    expect(wb.server.requestsTo('/api/v1/supplier/orders')).toHaveLength(asked);
    expect(JSON.parse(again.stdout)[0]).toMatchObject({ stream: 'orders', status: 'skipped' });
    expect(again.stderr).toMatch(/orders \(Flax Store\): skipped, Wildberries allows the next request at .* MSK/);

    const orders = await runMp(['--json', 'wb', 'orders', '--since', '30d', '--status', 'active'], { env, timeoutMs: SLOW });
    expect(orders.code).toBe(0);
    const list = JSON.parse(orders.stdout) as { window: { timeZone: string }; orders: { srid: string; status: string }[] };
    expect(list.window.timeZone).toBe('Europe/Moscow');
    expect(list.orders.length).toBe(360);
    // Order 1 has a photo, a buyout (sale 0 is order 0; sale 1 is order 3): pick order 3.
    const card = await runMp(['--json', 'wb', 'order', wb.srid(3)], { env, timeoutMs: SLOW });
    expect(card.code).toBe(0);
    const c = JSON.parse(card.stdout);
    expect(Object.keys(c)).toEqual(['cabinet', 'order', 'product', 'prices', 'logistics', 'stockBySize', 'stockTotal', 'stats', 'reviews']);
    expect(c.order).toMatchObject({ srid: wb.srid(3), status: 'active', gNumber: 'cart-1' });
    expect(c.order.sales).toHaveLength(1);
    expect(c.product).toMatchObject({ nmId: wb.nmId(3), article: 'ART-3', name: 'Товар 3', photoUrl: expect.stringContaining('.webp') });
    expect(c.prices).toEqual({ totalPrice: '1030', discountPercent: '20', spp: '25', finishedPrice: '618', priceWithDisc: '824' });
    expect(c.logistics).toMatchObject({ warehouse: expect.any(String), region: expect.any(String), country: 'Россия' });
    expect(c.stockBySize.map((s: { size: string }) => s.size).sort()).toEqual(['L', 'M', 'S']);
    expect(c.stats.timeZone).toBe('Europe/Moscow');
    expect(c.stats.windows.map((w: { days: number }) => w.days)).toEqual([7, 14, 30, 60, 90]);
    expect(c.stats.windows[4]).toMatchObject({ orders: 50, buyouts: expect.any(Number), returns: expect.any(Number), buyoutRate: expect.any(Number) });
    expect(Object.keys(c.reviews.distribution)).toEqual(['1', '2', '3', '4', '5']);
    expect(c.reviews.count).toBeGreaterThan(0);

    const missing = await runMp(['wb', 'order', 'no-such-srid'], { env, timeoutMs: SLOW });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no order with srid ."no-such-srid."/);
  }, 600_000);

  it(
    '--since 3h means the last three hours, as for Kaspi (not since Moscow midnight); the window is stated on stderr',
    async () => {
      const before = Date.now();
      const r = await runMp(['--json', 'wb', 'orders', '--since', '3h'], { env, timeoutMs: SLOW });
      expect(r.code, r.stderr).toBe(0);
      const from = Date.parse((JSON.parse(r.stdout) as { window: { from: string } }).window.from);
      expect(from).toBeGreaterThanOrEqual(before - 3 * 3_600_000 - 1_000);
      expect(from).toBeLessThanOrEqual(Date.now() - 3 * 3_600_000);
      const piped = await runMp(['wb', 'reviews', '--since', '3h'], { env, timeoutMs: SLOW });
      expect(piped.code, piped.stderr).toBe(0);
      const stated = /(\d{4}-\d\d-\d\d \d\d:\d\d) – \d{4}-\d\d-\d\d \d\d:\d\d MSK \(Moscow time\)/.exec(piped.stderr);
      expect(stated, piped.stderr).not.toBeNull();
      expect(stated![1]).not.toMatch(/ 00:00$/);
    },
    SLOW,
  );

  it('lists cabinets masked; sync --status shows the skipped run and the clean ones', async () => {
    const list = await runMp(['wb', 'cabinet', 'list'], { env, timeoutMs: SLOW });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^1\tFlax Store\t\*\*\*\*fake\t/);
    expect(list.stdout).not.toContain(wb.token);
    // Another user (MP_USER) does not see alice's cabinet (issue 23).
    const bob = await runMp(['wb', 'cabinet', 'list'], { env: { ...env, MP_USER: 'bob' }, timeoutMs: SLOW });
    expect(bob.code).toBe(0);
    expect(bob.stdout).toBe('');

    const status = await runMp(['--json', 'wb', 'sync', '--status'], { env, timeoutMs: SLOW });
    const runs = JSON.parse(status.stdout) as { stream: string; status: string }[];
    expect(runs.find((r) => r.stream === 'orders')?.status).toBe('skipped');
    expect(runs.find((r) => r.stream === 'sales')?.status).toBe('ok');
  }, 300_000);

  it('never takes a token as an argument; a rejected token exits 4 (authentication) naming it', async () => {
    const positional = await runMp(['wb', 'cabinet', 'add', wb.token], { env, timeoutMs: SLOW });
    expect(positional.code).toBe(2);
    const bad = await runMp(['wb', 'cabinet', 'add', '--token-stdin'], {
      env: { ...env, WB_TOKEN: makeWbToken().replace(/fake$/, 'forged') },
      timeoutMs: SLOW,
    });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/Wildberries rejected the token of cabinet .*401: token problem/);
  }, 300_000);
  it('an expired token: sync exits 4 saying to run `mp wb cabinet token`, which keeps the cabinet and its orders', async () => {
    // A token of its own seller that expires in 40 s (the fake, like WB, checks the real time).
    const seller = { sid: '5a1f0c2e-0000-4000-8000-000000000042' };
    const expiresAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 40_000);
    const add = await runMp(['--json', 'wb', 'cabinet', 'add', '--token-stdin', '--name', 'Short'], {
      env: { ...env, WB_TOKEN: makeWbToken({ ...seller, expiresAt }) },
      timeoutMs: SLOW,
    });
    expect(add.code).toBe(0);
    const id = (JSON.parse(add.stdout) as { id: string }).id;
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() + 1500 - Date.now())));

    const expired = await runMp(['wb', 'sync', '--cabinet', 'Short', '--only', 'orders'], { env, timeoutMs: SLOW });
    expect(expired.code).toBe(4);
    expect(expired.stderr).toMatch(/token of \\?"Short\\?" is expired or refused: .*run `mp wb cabinet token \\?"Short\\?" --token-stdin`/);

    const token = await runMp(['--json', 'wb', 'cabinet', 'token', 'Short', '--token-stdin'], {
      env: { ...env, WB_TOKEN: makeWbToken({ ...seller, expiresAt: new Date(Date.now() + 90 * 86_400_000) }) },
      timeoutMs: SLOW,
    });
    expect(token.code).toBe(0);
    expect(JSON.parse(token.stdout)).toMatchObject({ id, name: 'Short' });
    expect(token.stdout + token.stderr).not.toContain('.fake');
    const sync = await runMp(['--json', 'wb', 'sync', '--cabinet', 'Short', '--only', 'orders'], { env, timeoutMs: SLOW });
    expect(sync.code).toBe(0);
    expect((JSON.parse(sync.stdout) as { rowsNew: number }[])[0]!.rowsNew).toBe(400);
  }, 300_000);
});
