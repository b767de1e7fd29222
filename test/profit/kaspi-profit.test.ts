// `mp kaspi profit` on the fake Shop API, figures computed by hand (to the tiyn):
//   P1 Чайник: A 20000 (Nov 10, cost 12000) + B 19990 (Nov 12, cost 13000 from Nov 11) = 39990;
//      commission 12.5 % (default, category Фрукты) = 4998.75; delivery: A's 1001 split 20000:5000
//      → 800.80 (P2 takes the rest, 200.20), B 0; cost 25000; profit 39990 − 4998.75 − 800.80 − 25000 = 9190.45;
//      margin 9190.45 / 39990 = 22.98 %.  C (cancelled, 3 × 20000) and H (Oct 20, before the period) do not count.
//   P2 Кофе (Продукты питания, 7.3 %): A 2 × 2500 = 5000; commission 365; delivery 200.20; cost 2 × 1000.50;
//      profit 2433.80, margin 48.68 %.  D (returned) does not count.
//   P3 Чехол: E 3000, no cost: commission 375, delivery 700, profit null (not 100 %).
//   P4 Лампа: F 2 × 7777 = 15554, no deliveryCostForSeller → the cost row's 150 per unit = 300;
//      commission 10 % (the cost row's) = 1555.40; cost 2 × 5000; profit 3698.60, margin 23.78 %.
//   Totals: revenue 63544, commission 7294.15, delivery 1001 + 700 + 300 = 2001, profit unknown; over the costed three:
//      revenue 60544, profit 15322.85, margin 25.31 %.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setCost } from '../../src/costs/costs.service.js';
import { findDataset } from '../../src/export/datasets.js';
import { exportDataset } from '../../src/export/export.service.js';
import { buildConditions } from '../../src/export/filters.js';
import { openFileTarget } from '../../src/export/output-target.js';
import { type FakeKaspiShop, type FakeShopOrder, startFakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { syncOrders } from '../../src/kaspi-orders/sync.service.js';
import { kaspiProfit } from '../../src/profit/kaspi-profit.service.js';
import { profitPeriod } from '../../src/profit/period.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { readJson } from '../support/read-export.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const P1 = { code: 'P1', name: 'Чайник' };
const P2 = { code: 'P2', name: 'Кофе' };
const P3 = { code: 'P3', name: 'Чехол' };
const P4 = { code: 'P4', name: 'Лампа' };
const FOOD = { code: 'Master - Coffee', title: 'Продукты питания' };

function order(
  id: string,
  created: string,
  status: string,
  delivery: number | null,
  entries: Array<{ product: { code: string; name: string }; quantity: number; basePrice: number; category?: { code: string; title: string } }>,
): FakeShopOrder {
  const full = entries.map((e) => ({ ...e, totalPrice: e.quantity * e.basePrice }));
  return {
    id,
    code: `9${id}`,
    state: status === 'COMPLETED' ? 'ARCHIVE' : 'ARCHIVE',
    status,
    creationDate: Date.parse(created),
    totalPrice: full.reduce((s, e) => s + e.totalPrice, 0),
    deliveryCostForSeller: delivery,
    entryShape: 'guide',
    entries: full,
  };
}

const ORDERS: FakeShopOrder[] = [
  order('A', '2026-11-10T06:00:00Z', 'COMPLETED', 1001, [
    { product: P1, quantity: 1, basePrice: 20000 },
    { product: P2, quantity: 2, basePrice: 2500, category: FOOD },
  ]),
  order('B', '2026-11-12T06:00:00Z', 'COMPLETED', 0, [{ product: P1, quantity: 1, basePrice: 19990 }]),
  order('C', '2026-11-15T06:00:00Z', 'CANCELLED', 999, [{ product: P1, quantity: 3, basePrice: 20000 }]),
  order('D', '2026-11-16T06:00:00Z', 'RETURNED', 500, [{ product: P2, quantity: 1, basePrice: 2500, category: FOOD }]),
  order('E', '2026-11-18T06:00:00Z', 'COMPLETED', 700, [{ product: P3, quantity: 1, basePrice: 3000 }]),
  order('F', '2026-11-19T06:00:00Z', 'COMPLETED', null, [{ product: P4, quantity: 2, basePrice: 7777 }]),
  order('H', '2026-10-20T06:00:00Z', 'COMPLETED', 0, [{ product: P1, quantity: 1, basePrice: 20000 }]),
];

async function exportRows(db: TestDatabase['db'], name: string, now: Date): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(joinPath(tmpdir(), 'mp-profit-export-'));
  try {
    const dataset = findDataset(name);
    const path = joinPath(dir, `${name}.json`);
    await exportDataset(db, { dataset, format: 'json', target: openFileTarget(path), conditions: buildConditions(dataset, {}, now), pageSize: 2 });
    return (await readJson(path)) as Record<string, unknown>[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('kaspi profit: revenue − commission − seller delivery − units × cost, to the tiyn', () => {
  let handle: TestDatabase;
  let shop: FakeKaspiShop;
  let store: { id: string; city_id: string };

  beforeAll(async () => {
    handle = await createTestDatabase();
    shop = await startFakeKaspiShop(ORDERS);
    const key = randomBytes(32);
    const added = await addStore(handle.db, key, { merchantId: 'M1', name: 'Shop', token: shop.token });
    store = { id: added.id, city_id: '750000000' };
    await syncOrders({ db: handle.db, secretKey: key, baseUrl: shop.url, now: () => NOW }, { since: new Date('2026-10-10T00:00:00Z') });
    await setCost(handle.db, 'kaspi', 'P1', { cost: '12000', validFrom: '2026-11-01' }, NOW);
    await setCost(handle.db, 'kaspi', 'P1', { cost: '13000', validFrom: '2026-11-11' }, NOW);
    await setCost(handle.db, 'kaspi', 'P2', { cost: '1000.50', validFrom: '2026-10-01' }, NOW);
    await setCost(handle.db, 'kaspi', 'P4', { cost: '5000', commissionPct: '10', delivery: '150', validFrom: '2026-11-01' }, NOW);
  }, 60_000);
  afterEach(() => shop?.verify());
  afterAll(async () => {
    await shop?.stop();
    await handle?.close();
  });

  it('per product and in total; a cancelled and a returned order do not count; no cost is profit unknown', async () => {
    const r = await kaspiProfit(handle.db, store, profitPeriod({ from: '2026-11-01', to: '2026-11-20' }, NOW, 'Asia/Almaty'));
    expect(r.rows).toEqual([
      {
        productCode: 'P1',
        name: 'Чайник',
        orders: 2,
        units: 2,
        revenue: '39990',
        commissionPct: '12.5',
        commission: '4998.75',
        delivery: '800.8',
        cost: '25000',
        profit: '9190.45',
        marginPct: '22.98',
        unitsWithoutCost: 0,
      },
      {
        productCode: 'P2',
        name: 'Кофе',
        orders: 1,
        units: 2,
        revenue: '5000',
        commissionPct: '7.3',
        commission: '365',
        delivery: '200.2',
        cost: '2001',
        profit: '2433.8',
        marginPct: '48.68',
        unitsWithoutCost: 0,
      },
      {
        productCode: 'P3',
        name: 'Чехол',
        orders: 1,
        units: 1,
        revenue: '3000',
        commissionPct: '12.5',
        commission: '375',
        delivery: '700',
        cost: null,
        profit: null,
        marginPct: null,
        unitsWithoutCost: 1,
      },
      {
        productCode: 'P4',
        name: 'Лампа',
        orders: 1,
        units: 2,
        revenue: '15554',
        commissionPct: '10',
        commission: '1555.4',
        delivery: '300',
        cost: '10000',
        profit: '3698.6',
        marginPct: '23.78',
        unitsWithoutCost: 0,
      },
    ]);
    expect(r.totals).toEqual({
      units: 7,
      revenue: '63544',
      commission: '7294.15',
      delivery: '2001',
      cost: null,
      profit: null,
      marginPct: null,
      costed: { products: 3, revenue: '60544', profit: '15322.85', marginPct: '25.31' },
      productsWithoutCost: ['P3'],
    });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('P3');
  });

  it('a period before the costs: every product without cost, nothing counted as 100 %', async () => {
    const r = await kaspiProfit(handle.db, store, profitPeriod({ from: '2026-10-15', to: '2026-10-31' }, NOW, 'Asia/Almaty'));
    expect(r.rows.map((p) => [p.productCode, p.revenue, p.profit, p.marginPct])).toEqual([['P1', '20000', null, null]]);
    expect(r.totals.costed).toEqual({ products: 0, revenue: '0', profit: '0', marginPct: null });
  });
  it('export kaspi-profit-daily: the same figures per day (P1 on Nov 10 and Nov 12), P3 without cost empty', async () => {
    const rows = await exportRows(handle.db, 'kaspi-profit-daily', NOW);
    const pick = (r: Record<string, unknown>) => [r.day, r.product_code, r.units, r.revenue, r.commission, r.delivery, r.cost, r.profit, r.margin_pct];
    expect(rows.filter((r) => String(r.day) >= '2026-11-01').map(pick)).toEqual([
      ['2026-11-10', 'P1', 1, '20000', '2500', '800.8', '12000', '4699.2', '23.5'],
      ['2026-11-10', 'P2', 2, '5000', '365', '200.2', '2001', '2433.8', '48.68'],
      ['2026-11-12', 'P1', 1, '19990', '2498.75', '0', '13000', '4491.25', '22.47'],
      ['2026-11-18', 'P3', 1, '3000', '375', '700', null, null, null],
      ['2026-11-19', 'P4', 2, '15554', '1555.4', '300', '10000', '3698.6', '23.78'],
    ]);
  });
});
