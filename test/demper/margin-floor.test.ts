// The margin floor in the repricer, from the database: unit costs (`mp costs`), the product's minimum
// margin (file column, `products set --min-margin`, store-wide default), plan, run and the audit table.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { setCost } from '../../src/costs/costs.service.js';
import { createOffersClient, kaspiOffersFetcher } from '../../src/demper/offers-source.js';
import { planRecord, planRepricing } from '../../src/demper/plan.service.js';
import { priceChangesOfRun } from '../../src/demper/price-changes.repository.js';
import { listProducts } from '../../src/demper/products.repository.js';
import { importProductsFile, setProducts } from '../../src/demper/products.service.js';
import { runRepricing } from '../../src/demper/run.service.js';
import { type FakeKaspiMc, startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import type { HttpClient } from '../../src/http/client.js';
import type { StoreRow } from '../../src/kaspi/merchant/stores.repository.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { marginRules, productFloor } from '../../src/profit/floor.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const NOW = new Date('2026-11-21T12:00:00Z');
const key = randomBytes(32);

let handle: TestDatabase;
let fake: FakeKaspiMc;
let offersClient: HttpClient;
let dir: string;
let store: StoreRow;

beforeAll(async () => {
  handle = await createTestDatabase();
  fake = await startFakeKaspiMc({
    merchants: [{ uid: 'M1', name: 'My Shop' }],
    offers: {
      // A rival at 14000: undercutting would sell below the 14118 that keeps 5 % after 10 % and 12000.
      '200001': [
        { merchantId: 'M1', price: 15000 },
        { merchantId: 'A', merchantName: 'Alpha', price: 14000 },
      ],
      // Our price is below the margin floor already: raised to it.
      '200002': [
        { merchantId: 'M1', price: 13000 },
        { merchantId: 'A', merchantName: 'Alpha', price: 12500 },
      ],
      // The same rival, but no unit cost is known: the plain floor (min 10000) holds.
      '200003': [
        { merchantId: 'M1', price: 15000 },
        { merchantId: 'A', merchantName: 'Alpha', price: 14000 },
      ],
    },
  });
  fake.productOf = { S1: '200001', S2: '200002', S3: '200003' };
  dir = mkdtempSync(join(tmpdir(), 'mp-margin-'));
  offersClient = createOffersClient(resolveConfig({ home: dir }, { MP_KASPI_URL: fake.url }), 0);
  store = await addStore(handle.db, key, { merchantId: 'M1', name: 'My Shop', session: fake.newSession(['M1']) });
  const csv = join(dir, 'products.csv');
  writeFileSync(
    csv,
    [
      'sku,product_id,name,price,min_price,max_price,step,strategy,min_margin_pct',
      'S1,200001,Laptop,15000,10000,20000,1,undercut,5',
      'S2,200002,Laptop 2,13000,10000,20000,1,undercut,"5,0"',
      'S3,200003,Laptop 3,15000,10000,20000,1,undercut,5%',
    ].join('\n'),
  );
  await importProductsFile(handle.db, store, csv);
  // Costs by product code (S1) and by SKU (S2), each with its commission of 10 %.
  await setCost(handle.db, 'kaspi', '200001', { cost: '12000', commissionPct: '10', validFrom: '2026-11-01' }, NOW);
  await setCost(handle.db, 'kaspi', 'S2', { cost: '12000', commissionPct: '10', validFrom: '2026-11-01' }, NOW);
});

afterEach(() => fake?.verify());
afterAll(async () => {
  await offersClient?.close();
  await fake?.stop();
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

const options = (extra: { defaultMinMarginPct?: string | null } = {}) => ({
  stores: [store],
  rules: {},
  concurrency: 2,
  now: NOW,
  margin: { ...marginRules(undefined), defaultMinMarginPct: extra.defaultMinMarginPct ?? null },
});

describe('the margin floor in plan and run', () => {
  it('cost 12000, commission 10 %, min margin 5 %: never below 14118, MARGIN_FLOOR; no cost → plain floor, says so', async () => {
    const plan = await planRepricing(handle.db, kaspiOffersFetcher(offersClient), options());
    const records = plan.map(planRecord).sort((a, b) => a.sku.localeCompare(b.sku));
    expect(records.map((r) => [r.sku, r.price, r.competitor_price, r.new_price, r.reason, r.floor, r.floor_note])).toEqual([
      ['S1', 15000, 14000, 15000, 'MARGIN_FLOOR', 14118, null],
      ['S2', 13000, 12500, 14118, 'MARGIN_FLOOR', 14118, null],
      // S3 has a minimum margin but no cost: it undercuts down to its plain floor, and says why.
      ['S3', 15000, 14000, 13999, 'UNDERCUT', 10000, 'NO_COST'],
    ]);
    expect(plan.find((i) => i.product.sku === 'S2')!.floor).toMatchObject({
      cost: '12000.00',
      costKey: 'S2',
      commissionPct: '10.0000',
      commissionSource: 'cost',
      minMarginPct: '5.00',
      marginFloor: 14118,
    });
  });

  it('run records MARGIN_FLOOR in the audit table (price_changes) and sends the raise', async () => {
    const report = await runRepricing(
      handle.db,
      { offers: kaspiOffersFetcher(offersClient), key },
      { ...options(), apply: false, via: 'api', writeRate: 1.5, exportDir: dir },
    );
    const rows = (await priceChangesOfRun(handle.db, report.runId)).map((r) => [r.sku, r.old_price, r.new_price, r.reason, r.mode]);
    expect(rows.sort()).toEqual([
      ['S1', '15000', '15000', 'MARGIN_FLOOR', 'unchanged'],
      ['S2', '13000', '14118', 'MARGIN_FLOOR', 'dry-run'],
      ['S3', '15000', '13999', 'UNDERCUT', 'dry-run'],
    ]);
  });

  it('the store-wide default applies to products without their own; products set --min-margin changes and clears one', async () => {
    await setProducts(handle.db, store.id, ['S1'], { minMargin: 'none' });
    expect((await listProducts(handle.db, { skus: ['S1'] }))[0]!.min_margin_pct).toBeNull();
    // No margin for S1 now: it undercuts to 13999.
    let plan = await planRepricing(handle.db, kaspiOffersFetcher(offersClient), options());
    expect(planRecord(plan.find((i) => i.product.sku === 'S1')!)).toMatchObject({ new_price: 13999, reason: 'UNDERCUT', floor: 10000, floor_note: null });
    // A default of 5 % holds it again at the margin floor.
    plan = await planRepricing(handle.db, kaspiOffersFetcher(offersClient), options({ defaultMinMarginPct: '5' }));
    expect(planRecord(plan.find((i) => i.product.sku === 'S1')!)).toMatchObject({ new_price: 15000, reason: 'MARGIN_FLOOR', floor: 14118 });
    await setProducts(handle.db, store.id, ['S1'], { minMargin: '20' });
    // 12000 / (1 − 0.10 − 0.20) = 17142.86 → 17143
    const [s1] = await listProducts(handle.db, { skus: ['S1'] });
    expect(await productFloor(handle.db, store, s1!, options().margin, NOW)).toMatchObject({ floor: 17143, reason: 'MARGIN_FLOOR' });
    await expect(setProducts(handle.db, store.id, ['S1'], { minMargin: '100' })).rejects.toThrow(/--min-margin must be at most 99.99/);
  });

  it('the category table gives the commission when the cost has none (Продукты питания: 7.3 %)', async () => {
    await handle.db
      .insertInto('kaspi_products')
      .values({
        kaspi_id: '200003',
        city_id: store.city_id,
        name: 'Laptop 3',
        url: 'https://kaspi.kz/shop/p/-200003/',
        category_path: ['Продукты питания', 'Чай'],
      })
      .execute();
    await setCost(handle.db, 'kaspi', '200003', { cost: '9270', validFrom: '2026-11-01' }, NOW);
    const [s3] = await listProducts(handle.db, { skus: ['S3'] });
    // 9270 / (1 − 0.073 − 0.05) = 9270 / 0.877 = 10570.12 → 10571 (min margin: the default 5 %)
    const floor = await productFloor(handle.db, store, s3!, { ...options().margin, defaultMinMarginPct: '5' }, NOW);
    expect(floor).toMatchObject({ floor: 10571, reason: 'MARGIN_FLOOR', commissionPct: '7.3', commissionSource: 'category' });
  });
});
