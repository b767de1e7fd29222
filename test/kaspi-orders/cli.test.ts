// `mp kaspi orders sync / orders / sales / top` as a subprocess against the fake Shop API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspiShop, generateOrders, startFakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

const SLOW = 180_000;

describe('mp kaspi orders as a subprocess', () => {
  let handle: TestDatabase;
  let home: string;
  let shop: FakeKaspiShop;
  let env: NodeJS.ProcessEnv;
  // 40 orders over the last 20 days (the CLI runs on the real clock).
  const orders = generateOrders(40, new Date(Date.now() - 20 * 86_400_000), 12 * 3_600_000);

  beforeAll(async () => {
    handle = await createTestDatabase();
    home = mkdtempSync(join(tmpdir(), 'mp-kaspi-orders-'));
    shop = await startFakeKaspiShop(orders);
    env = { MP_HOME: home, MP_KASPI_SHOP_API_URL: shop.url, ...(testEngine === 'postgres' ? { DATABASE_URL: handle.url } : {}) };
  });
  afterEach(() => shop?.verify());
  afterAll(async () => {
    await shop?.stop();
    await handle?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it(
    'store add --token-stdin, sync --with-customers, then orders/sales/top --json with customers masked',
    async () => {
      const add = await runMp(['demper', 'store', 'add', '--merchant-id', 'M1', '--name', 'Shop', '--token-stdin'], {
        env,
        input: `${shop.token}\n`,
        timeoutMs: SLOW,
      });
      expect(add.code, add.stderr).toBe(0);

      const sync = await runMp(['--json', 'kaspi', 'orders', 'sync', '--since', '25d', '--with-customers'], { env, timeoutMs: SLOW });
      expect(sync.code, sync.stderr).toBe(0);
      expect(JSON.parse(sync.stdout)).toMatchObject({ store: 'Shop', windows: 2, orders: 40, new: 40, updated: 0, entries_read: 40 });
      expect(sync.stdout + sync.stderr).not.toContain(shop.token);

      const list = await runMp(['--json', 'kaspi', 'orders', '--since', '30d'], { env, timeoutMs: SLOW });
      expect(list.code, list.stderr).toBe(0);
      const doc = JSON.parse(list.stdout) as { timeZone: string; orders: Array<{ code: string; customer: string; phone: string }> };
      expect(doc.timeZone).toBe('Asia/Almaty');
      expect(doc.orders).toHaveLength(40);
      expect(doc.orders[0]!.customer).toBe('П*** 3***');
      expect(doc.orders[0]!.phone).toMatch(/^\*\*\*\*\d{4}$/);
      for (const o of orders) {
        expect(list.stdout).not.toContain(o.customer!.cellPhone);
        expect(list.stdout).not.toContain(o.customer!.name);
      }

      const sales = await runMp(['--json', 'kaspi', 'sales', '--period', '30d'], { env, timeoutMs: SLOW });
      expect(sales.code, sales.stderr).toBe(0);
      const report = JSON.parse(sales.stdout) as { timeZone: string; totals: { orders: number; cancelled: number } };
      expect(report.timeZone).toBe('Asia/Almaty');
      // Every 8th generated order is cancelled (index 6 of the state cycle).
      expect(report.totals).toMatchObject({ orders: 40, cancelled: 5 });

      const top = await runMp(['--json', 'kaspi', 'top', '--limit', '3'], { env, timeoutMs: SLOW });
      expect(top.code, top.stderr).toBe(0);
      expect((JSON.parse(top.stdout) as { byRevenue: unknown[] }).byRevenue).toHaveLength(3);
    },
    SLOW,
  );

  it(
    'usage errors exit 2 before any request; a bad token exits 1 with what to do',
    async () => {
      const bad = await runMp(['kaspi', 'sales', '--period', 'week'], { env, timeoutMs: SLOW });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--period is a number of days');
      const before = shop.server.requests.length;
      await runMp(['demper', 'store', 'add', '--merchant-id', 'M2', '--name', 'Other', '--token-stdin'], { env, input: 'wrong-token\n', timeoutMs: SLOW });
      const denied = await runMp(['kaspi', 'orders', 'sync', '--store', 'M2'], { env, timeoutMs: SLOW });
      // Exit 4: authentication (the token needs renewing), not 1 (mp help exit-codes).
      expect(denied.code, denied.stderr).toBe(4);
      expect(denied.stderr).toContain('Kaspi refused the Shop API token');
      expect(shop.server.requests.length).toBe(before + 1);

      // An entries answer without basePrice: a coded error, exit 1 (not 70, "a bug in mp"), naming
      // the order and the field and printing no customer data.
      shop.update(orders[32]!.id, { status: 'CANCELLED' });
      shop.server.fault(`/orders/${orders[32]!.id}/entries`, {
        headers: { 'content-type': 'application/vnd.api+json' },
        body: { data: [{ id: 'e0', type: 'orderentries', attributes: { quantity: 1, offer: { code: 'SKU-X', name: 'Товар X' } } }] },
      });
      const broken = await runMp(['kaspi', 'orders', 'sync', '--store', 'M1', '--with-customers'], { env, timeoutMs: SLOW });
      expect(broken.code, broken.stderr).toBe(1);
      expect(broken.stderr).toMatch(/KASPI_SHOP_BAD_RESPONSE|entries of order \d+ answer has entry 0 with no basePrice/);
      expect(broken.stderr).not.toMatch(/internal error|please report/i);
      for (const o of orders) {
        expect(broken.stderr).not.toContain(o.customer!.cellPhone);
        expect(broken.stderr).not.toContain(o.customer!.name);
      }
    },
    SLOW,
  );

  it(
    'Kaspi asking for an hour-long wait exits 5 (rate-limited: run again later), as one JSON error with --json',
    async () => {
      shop.server.fault('/orders', { status: 429, headers: { 'retry-after': '3600' }, body: { errors: [{ title: 'Too many requests' }] } }, 'GET');
      const limited = await runMp(['--json', 'kaspi', 'orders', 'sync', '--store', 'M1'], { env, timeoutMs: SLOW });
      expect(limited.code, limited.stderr).toBe(5);
      const lines = limited.stderr.trim().split('\n');
      expect(JSON.parse(lines[lines.length - 1]!)).toMatchObject({ error: { code: 'HTTP_RATE_LIMITED', exit: 5 } });
    },
    SLOW,
  );
});
