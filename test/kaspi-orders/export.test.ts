// `mp export` datasets kaspi-orders, kaspi-order-entries, kaspi-sales-daily over the hand-checked
// fixture: every format round-trips, customers are masked in every file, and the daily sales equal
// `mp kaspi sales --by day` (Almaty days: B at 20:30 UTC Nov 19 is Nov 20, H at 19:30 UTC Oct 21 is Oct 22).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDecimal } from '../../src/core/money.js';
import type { Dataset } from '../../src/export/dataset.js';
import { findDataset } from '../../src/export/datasets.js';
import { exportDataset } from '../../src/export/export.service.js';
import { buildConditions, type FilterInput } from '../../src/export/filters.js';
import { openFileTarget } from '../../src/export/output-target.js';
import { FORMATS, type Format } from '../../src/export/writers/writer.js';
import type { FakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { maskName, maskPhone } from '../../src/kaspi-orders/mask.js';
import { periodWindow, salesReport } from '../../src/kaspi-orders/sales.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { readBack, readJson, sheetRows } from '../support/read-export.js';
import { FIXTURE_NOW, fixture, loadFixture } from './fixture.js';

describe('export datasets of Kaspi shop orders', () => {
  let handle: TestDatabase;
  let shop: FakeKaspiShop;
  let storeId: string;
  let dir: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ({ shop, storeId } = await loadFixture(handle.db));
    dir = mkdtempSync(join(tmpdir(), 'mp-kaspi-orders-export-'));
  });
  afterAll(async () => {
    await shop?.stop();
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function exportTo(dataset: Dataset, format: Format, filters: FilterInput = {}, pageSize?: number) {
    const path = join(dir, `${dataset.name}-${Math.random().toString(36).slice(2)}.${format}`);
    const result = await exportDataset(handle.db, {
      dataset,
      format,
      target: openFileTarget(path),
      conditions: buildConditions(dataset, filters, FIXTURE_NOW),
      pageSize,
    });
    return { path, rows: result.rows };
  }
  const rowsOf = async (name: string, filters: FilterInput = {}) => readJson((await exportTo(findDataset(name), 'json', filters)).path);

  for (const name of ['kaspi-orders', 'kaspi-order-entries', 'kaspi-sales-daily']) {
    it(`${name}: every format holds the same rows (pages of 3), customers masked in each file`, async () => {
      const dataset = findDataset(name);
      const reference = readJson((await exportTo(dataset, 'json')).path);
      expect(reference.length).toBeGreaterThan(0);
      for (const format of FORMATS) {
        const { path, rows } = await exportTo(dataset, format, {}, 3);
        expect(rows).toBe(reference.length);
        expect(await readBack(dataset, format, path), format).toEqual(format === 'xlsx' ? sheetRows(dataset, reference) : reference);
        if (format !== 'xlsx') {
          const text = readFileSync(path, 'utf8');
          expect(text).not.toContain('Касымова');
          expect(text).not.toContain('77011234567');
        }
      }
    });
  }

  it('kaspi-orders: one row per order, masked the way `mp kaspi orders` masks, units from the entries', async () => {
    const rows = await rowsOf('kaspi-orders');
    expect(rows).toHaveLength(fixture.orders.length);
    const a = rows.find((r) => r.code === '700000001')!;
    expect(a).toMatchObject({ store: 'M1', status: 'COMPLETED', total_price: '13000', units: 3, city: 'Алматы', customer: 'А*** К***', phone: '****4567' });
    expect(a.customer).toBe(maskName('Айгерим Касымова'));
    expect(a.phone).toBe(maskPhone('77011234567'));
    expect(rows.find((r) => r.code === '700000002')).toMatchObject({ customer: null, phone: null });
    // --since is Almaty time: Nov 20 00:00 Almaty = Nov 19 19:00 UTC takes B (20:30 UTC Nov 19), not D (18:59 UTC).
    expect((await rowsOf('kaspi-orders', { since: '2026-11-20' })).map((r) => r.code).sort()).toEqual(['700000001', '700000002']);
  });

  it('kaspi-order-entries: every entry with its order and product', async () => {
    const rows = await rowsOf('kaspi-order-entries');
    expect(rows).toHaveLength(fixture.orders.reduce((n, o) => n + o.entries.length, 0));
    expect(rows.filter((r) => r.order_code === '700000001').map((r) => [r.entry_number, r.product_code, r.quantity, r.base_price, r.total_price])).toEqual([
      // Kaspi numbers entries from 0; its answers of 2026 carry no number, so mp keeps their order from 0.
      [0, 'SKU-A', 2, '5000', '10000'],
      [1, 'SKU-B', 1, '3000', '3000'],
    ]);
  });

  it('kaspi-sales-daily equals `mp kaspi sales --by day` day by day (Almaty days)', async () => {
    const rows = await rowsOf('kaspi-sales-daily');
    const report = await salesReport(handle.db, storeId, periodWindow('60d', FIXTURE_NOW), 'day', FIXTURE_NOW);
    // The report lists every day (zeros included); the dataset only days with orders.
    const expected = (report.rows as Array<Record<string, any>>)
      .filter((d) => d.orders > 0)
      .map((d) => ({
        store: 'M1',
        day: d.day,
        orders: d.orders,
        sold: d.sold,
        revenue: d.revenue,
        aov: d.aov,
        units: d.units,
        cancelled: d.cancelled,
        cancelled_sum: d.cancelledSum,
        returned: d.returned,
        returned_sum: d.returnedSum,
      }));
    const got = rows.map(({ key: _k, day_start: _d, ...r }) => ({ ...r, aov: normalizeDecimal(r.aov as string) }));
    expect(got).toEqual(expected);
    // Hand-computed: Oct 22 holds H (Oct 21 in UTC); Nov 20 holds A and B (B is Nov 19 in UTC).
    expect(rows.map((r) => [r.day, r.orders, r.revenue])).toEqual([
      ['2026-10-22', 1, '3000'],
      ['2026-11-12', 1, '8000'],
      ['2026-11-16', 1, '1500'],
      ['2026-11-17', 1, '0'],
      ['2026-11-19', 2, '4500'],
      ['2026-11-20', 2, '19000'],
    ]);
    expect(rows.find((r) => r.day === '2026-11-20')).toMatchObject({ day_start: '2026-11-19T19:00:00.000Z', sold: 2, aov: '9500', units: 5 });
    expect((await rowsOf('kaspi-sales-daily', { since: '2026-11-19' })).map((r) => r.day)).toEqual(['2026-11-19', '2026-11-20']);
  });
});
