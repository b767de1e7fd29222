import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { ordersReport } from '../../src/kaspi-orders/orders.service.js';
import { periodWindow, salesReport, sinceWindow, topProducts } from '../../src/kaspi-orders/sales.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { FIXTURE_NOW, loadFixture } from './fixture.js';

describe('kaspi sales and top: Almaty days, hand-computed totals', () => {
  let handle: TestDatabase;
  let shop: FakeKaspiShop;
  let storeId: string;
  const now = FIXTURE_NOW;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ({ shop, storeId } = await loadFixture(handle.db));
  });
  afterAll(async () => {
    await shop?.stop();
    await handle?.close();
  });

  it('7 days by day: totals, AOV, cancellations, returns; B (20:30 UTC Nov 19) counts on Almaty Nov 20', async () => {
    const window = periodWindow('7d', now);
    expect(window.text).toBe('2026-11-14 00:00 – 2026-11-20 17:00 Almaty time');
    const r = await salesReport(handle.db, storeId, window, 'day', now);
    expect(r.totals).toEqual({
      orders: 6,
      sold: 4,
      revenue: '25000',
      aov: '6250',
      units: 9,
      cancelled: 1,
      cancelledSum: '5000',
      returned: 1,
      returnedSum: '5000',
    });
    // Every Almaty day of the period, days without orders as zeros.
    expect((r.rows as Array<Record<string, unknown>>).map((d) => [d.day, d.orders, d.revenue])).toEqual([
      ['2026-11-14', 0, '0'],
      ['2026-11-15', 0, '0'],
      ['2026-11-16', 1, '1500'],
      ['2026-11-17', 1, '0'],
      ['2026-11-18', 0, '0'],
      ['2026-11-19', 2, '4500'],
      ['2026-11-20', 2, '19000'],
    ]);
    expect(r.rows[3]).toMatchObject({ orders: 1, sold: 0, returned: 1, returnedSum: '5000', aov: '0' });
    expect(r.today).toMatchObject({ orders: 2, sold: 2, revenue: '19000', aov: '9500', units: 5 });
    expect(r.yesterday).toMatchObject({ orders: 2, sold: 1, revenue: '4500', cancelled: 1, cancelledSum: '5000' });
    // G (19:30 UTC Sunday Nov 15) is Monday 00:30 in Almaty: this week, not last.
    expect(r.thisWeek).toMatchObject({ orders: 6, revenue: '25000' });
    expect(r.lastWeek).toMatchObject({ orders: 1, sold: 1, revenue: '8000', aov: '8000', units: 3 });
    expect(r.timeZone).toBe('Asia/Almaty');
  });

  it('30 days includes H (Oct 22 00:30 in Almaty, Oct 21 in UTC); by city and by product', async () => {
    const window = periodWindow('30d', now);
    const byCity = await salesReport(handle.db, storeId, window, 'city', now);
    expect(byCity.totals).toMatchObject({ orders: 8, sold: 6, revenue: '36000', aov: '6000' });
    expect((byCity.rows as Array<Record<string, unknown>>).map((c) => [c.city, c.orders, c.revenue])).toEqual([
      ['', 1, '1500'],
      ['Алматы', 4, '20500'],
      ['Астана', 2, '6000'],
      ['Шымкент', 1, '8000'],
    ]);
    const byProduct = await salesReport(handle.db, storeId, periodWindow('7d', now), 'product', now);
    expect(byProduct.rows).toEqual([
      { productCode: 'SKU-A', name: 'Чайник', orders: 1, units: 2, revenue: '10000', cancelledUnits: 1, returnedUnits: 1 },
      { productCode: 'SKU-B', name: 'Утюг', orders: 2, units: 3, revenue: '9000', cancelledUnits: 0, returnedUnits: 0 },
      { productCode: 'SKU-C', name: 'Фен', orders: 2, units: 4, revenue: '6000', cancelledUnits: 0, returnedUnits: 0 },
    ]);
  });

  it('top ranks by revenue and by units', async () => {
    const top = await topProducts(handle.db, storeId, periodWindow('7d', now), 2);
    expect(top.byRevenue.map((p) => [p.rank, p.productCode, p.revenue, p.unitsRank])).toEqual([
      [1, 'SKU-A', '10000', 3],
      [2, 'SKU-B', '9000', 2],
    ]);
    expect(top.byUnits.map((p) => [p.rank, p.productCode, p.units, p.revenueRank])).toEqual([
      [1, 'SKU-C', 4, 3],
      [2, 'SKU-B', 3, 2],
    ]);
  });

  it('`orders --since 12h` is exactly 12 hours; a sales period is whole Almaty days', () => {
    const twelve = sinceWindow(new Date(now.getTime() - 12 * 3_600_000), now);
    expect(twelve.from.toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(twelve.text).toBe('2026-11-20 05:00 – 2026-11-20 17:00 Almaty time');
    expect(periodWindow('1d', now).from.toISOString()).toBe('2026-11-19T19:00:00.000Z');
  });

  it('lists orders in Almaty time with the customer masked', async () => {
    const rows = await ordersReport(handle.db, storeId, { since: periodWindow('1d', now).from });
    expect(rows.map((r) => [r.code, r.createdAlmaty])).toEqual([
      ['700000001', '2026-11-20 08:00'],
      ['700000002', '2026-11-20 01:30'],
    ]);
    expect(rows[0]).toMatchObject({ customer: 'А*** К***', phone: '****4567', units: 3, products: 'Чайник; Утюг', totalPrice: '13000.00' });
    expect(JSON.stringify(rows)).not.toContain('Касымова');
    expect(JSON.stringify(rows)).not.toContain('77011234567');
  });
});
