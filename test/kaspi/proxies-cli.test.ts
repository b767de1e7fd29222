// Proxies on every command that reads Kaspi (issue 16): `mp demper plan --proxy`, the scheduled
// demper.run with MP_KASPI_PROXIES, and `mp kaspi orders sync --proxy`, each as a subprocess through fake
// proxies; a 403 (Kaspi banning the exit) through the first proxy is retried through the next.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspiMc, startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import { type FakeKaspiShop, generateOrders, startFakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { type FakeProxy, startFakeProxy } from '../../src/fakes/fake-proxy.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

const SLOW = 180_000;

describe('--proxy and MP_KASPI_PROXIES on the Kaspi commands (subprocess)', () => {
  let handle: TestDatabase;
  let home: string;
  let mc: FakeKaspiMc;
  let shop: FakeKaspiShop;
  let a: FakeProxy;
  let b: FakeProxy;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    handle = await createTestDatabase();
    home = mkdtempSync(join(tmpdir(), 'mp-proxies-'));
    mc = await startFakeKaspiMc({
      merchants: [{ uid: 'M1', name: 'Shop' }],
      offers: {
        '100001': [
          { merchantId: 'M1', price: 1000 },
          { merchantId: 'A', merchantName: 'Alpha', price: 990 },
        ],
      },
    });
    shop = await startFakeKaspiShop(generateOrders(3, new Date(Date.now() - 5 * 86_400_000), 12 * 3_600_000));
    [a, b] = await Promise.all([startFakeProxy(), startFakeProxy()]);
    env = {
      ...(testEngine === 'postgres' ? { DATABASE_URL: handle.url! } : {}),
      MP_HOME: home,
      MP_SECRET_KEY: 'c'.repeat(64),
      MP_KASPI_URL: mc.url,
      MP_KASPI_MC_URL: mc.url,
      MP_KASPI_SHOP_API_URL: shop.url,
    };
    const add = await runMp(['demper', 'store', 'add', '--merchant-id', 'M1', '--name', 'Shop', '--session-stdin'], {
      env,
      input: mc.newSession(['M1']),
      timeoutMs: SLOW,
    });
    expect(add.code, add.stderr).toBe(0);
    const csv = join(home, 'p.csv');
    writeFileSync(csv, 'sku,product_id,name,price,min_price,max_price,step,strategy\nP1,100001,Phone,1000,800,1500,5,undercut\n');
    const imp = await runMp(['demper', 'products', 'import', '--store', 'M1', '--file', csv], { env, timeoutMs: SLOW });
    expect(imp.code, imp.stderr).toBe(0);
  }, SLOW * 2);

  afterEach(() => {
    mc?.verify();
    shop?.verify();
  });
  afterAll(async () => {
    await Promise.all([mc?.stop(), shop?.stop(), a?.stop(), b?.stop()]);
    await handle?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const reset = () => {
    a.hits.length = 0;
    b.hits.length = 0;
    a.mode = 'ok';
    b.mode = 'ok';
  };

  it(
    'mp demper plan --proxy A --proxy B: offers are read through the proxies; A banned (403) is retried through B',
    async () => {
      reset();
      a.mode = 'banned';
      const plan = await runMp(['--json', 'demper', 'plan', '--proxy', a.url, '--proxy', b.url], { env, timeoutMs: SLOW });
      expect(plan.code, plan.stderr).toBe(0);
      expect(JSON.parse(plan.stdout)).toEqual([expect.objectContaining({ sku: 'P1', competitor_price: 990 })]);
      expect(a.hits.length).toBeGreaterThan(0);
      expect(b.hits.length).toBeGreaterThan(0);
      const bad = await runMp(['demper', 'plan', '--proxy', 'nope'], { env, timeoutMs: SLOW });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--proxy must be a URL');
    },
    SLOW * 2,
  );

  it(
    'the scheduled demper.run reads offers through MP_KASPI_PROXIES',
    async () => {
      reset();
      const run = await runMp(['--json', 'jobs', 'run', 'demper.run'], { env: { ...env, MP_KASPI_PROXIES: `${a.url},${b.url}` }, timeoutMs: SLOW });
      expect(run.code, run.stderr).toBe(0);
      expect(a.hits.length + b.hits.length).toBeGreaterThan(0);
    },
    SLOW,
  );

  it(
    'mp kaspi orders sync --proxy: the Shop API is called through the proxy',
    async () => {
      reset();
      const add = await runMp(['demper', 'store', 'add', '--merchant-id', 'M2', '--name', 'Orders', '--token-stdin'], {
        env,
        input: `${shop.token}\n`,
        timeoutMs: SLOW,
      });
      expect(add.code, add.stderr).toBe(0);
      const sync = await runMp(['--json', 'kaspi', 'orders', 'sync', '--store', 'M2', '--since', '10d', '--proxy', b.url], { env, timeoutMs: SLOW });
      expect(sync.code, sync.stderr).toBe(0);
      expect(JSON.parse(sync.stdout)).toMatchObject({ orders: 3 });
      expect(b.hits.length).toBeGreaterThan(0);
      expect(a.hits).toHaveLength(0);
    },
    SLOW,
  );
});
