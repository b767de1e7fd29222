import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findDataset } from '../../src/export/datasets.js';
import { exportDataset } from '../../src/export/export.service.js';
import { buildConditions } from '../../src/export/filters.js';
import { openFileTarget } from '../../src/export/output-target.js';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';
import { moscowWindow, ordersReport, reviewsReport, salesReport, stocksReport } from '../../src/wb/report.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addFakeCabinet, sync, TestClock, wbDeps } from './helpers.js';

describe('WB reports: Moscow-day windows', () => {
  let handle: TestDatabase;
  let wb: FakeWb;
  let cabinetId: string;
  // 23:30 UTC on Nov 19 is 02:30 on Nov 20 in Moscow: "today" is Nov 20 there.
  const clock = new TestClock(new Date('2026-11-19T23:30:00Z'));

  beforeAll(async () => {
    handle = await createTestDatabase();
    // One order an hour from Nov 10 00:00 UTC (03:00 MSK); one sale every 2 hours.
    wb = await startFakeWb({
      orders: 240,
      sales: 100,
      products: 6,
      reviews: 20,
      from: new Date('2026-11-10T00:00:00Z'),
      orderStepMs: 3_600_000,
      saleStepMs: 7_200_000,
      statisticsBurst: 100,
    });
    const deps = wbDeps(handle, wb, clock);
    cabinetId = (await addFakeCabinet(deps, wb.token)).cabinet.id;
    await sync(deps, { since: new Date('2026-11-01T00:00:00Z') });
  });
  afterEach(() => wb?.verify());
  afterAll(async () => {
    await wb?.server.stop();
    await handle?.close();
  });

  it('a window starts at Moscow midnight and says so', () => {
    const w = moscowWindow(new Date('2026-11-19T22:00:00Z'), clock.now());
    expect(w.from.toISOString()).toBe('2026-11-19T21:00:00.000Z');
    expect(w.text).toBe('2026-11-20 00:00 – 2026-11-20 02:30 MSK');
    expect(w.timeZone).toBe('Europe/Moscow');
  });

  it('orders: filters by status and product inside the window', async () => {
    const window = moscowWindow(new Date('2026-11-18T12:00:00Z'), clock.now());
    // From Nov 18 00:00 MSK (Nov 17 21:00 UTC) to now: placed one a minute before each hour.
    const all = await ordersReport(handle.db, cabinetId, window, {});
    expect(all.every((o) => o.order_date >= window.from)).toBe(true);
    const cancelled = await ordersReport(handle.db, cabinetId, window, { status: 'cancelled' });
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.every((o) => o.status === 'cancelled')).toBe(true);
    const one = await ordersReport(handle.db, cabinetId, window, { nmId: String(wb.nmId(2)) });
    expect(one.every((o) => o.nm_id === String(wb.nmId(2)))).toBe(true);
    expect(all[0]!.date_msk).toMatch(/^2026-11-(19|20) /);
  });

  it('sales: per Moscow day and product, sums exact, today vs yesterday', async () => {
    const now = clock.now();
    const report = await salesReport(handle.db, cabinetId, moscowWindow(new Date(now.getTime() - 6 * 86_400_000), now));
    expect(report.days[0]!.day).toBe('2026-11-14');
    expect(report.today.day).toBe('2026-11-20');
    expect(report.yesterday.day).toBe('2026-11-19');
    // Orders are hourly, so a full Moscow day has 24 whatever the UTC offset.
    expect(report.yesterday.orders).toBe(24);
    expect(report.days.reduce((s, d) => s + d.orders, 0)).toBe(report.products.reduce((s, p) => s + p.orders, 0));
    expect(report.days.reduce((s, d) => s + d.buyouts + d.returns, 0)).toBeGreaterThan(0);
    const d = report.days.find((x) => x.returns > 0)!;
    expect(Number(d.returnsSum)).toBeLessThan(0);
    expect(d.returnsSum).toMatch(/^-\d+\.\d{2}$/);
  });

  it('stocks: --critical keeps products at or under the threshold', async () => {
    const all = await stocksReport(handle.db, cabinetId, clock.now());
    expect(all.products).toHaveLength(6);
    const threshold = all.products[2]!.total;
    const critical = await stocksReport(handle.db, cabinetId, clock.now(), threshold);
    expect(critical.products.length).toBeGreaterThanOrEqual(3);
    expect(critical.products.every((p) => p.total <= threshold)).toBe(true);
    expect(Object.keys(all.products[0]!.sizes).sort()).toEqual(['L', 'M', 'S']);
  });

  it('reviews: rating ≤ N and unanswered only', async () => {
    const low = await reviewsReport(handle.db, cabinetId, { maxRating: 3 });
    expect(low.length).toBeGreaterThan(0);
    expect(low.every((r) => r.rating <= 3)).toBe(true);
    // `mp wb reviews` lists what buyers wrote under pros and cons too (a bad rating's complaint is often only there).
    expect(low.find((r) => r.rating === 1)).toMatchObject({ pros: null, cons: 'Маломерит на размер' });
    const unanswered = await reviewsReport(handle.db, cabinetId, { unanswered: true });
    expect(unanswered.length).toBe(20 - 7); // every third review (k % 3 = 0) is answered
    expect(unanswered.every((r) => !r.is_answered)).toBe(true);
  });

  it('exports every wb-* dataset completely across keyset pages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-wb-export-'));
    try {
      const expected: Record<string, number> = { 'wb-orders': 240, 'wb-sales': 100, 'wb-stocks': 54, 'wb-reviews': 20, 'wb-cards': 6 };
      for (const [name, count] of Object.entries(expected)) {
        const dataset = findDataset(name);
        const path = join(dir, `${name}.json`);
        const result = await exportDataset(handle.db, { dataset, format: 'json', target: openFileTarget(path), conditions: [], pageSize: 7 });
        expect(result.rows, name).toBe(count);
        const rows = JSON.parse(readFileSync(path, 'utf8')) as { key: string; cabinet: string }[];
        expect(new Set(rows.map((r) => r.key)).size, name).toBe(count);
        expect(rows[0]!.cabinet).toBe('Flax Store');
      }
      // --since is read in Moscow time: Nov 19 00:00 MSK = Nov 18 21:00 UTC.
      const orders = findDataset('wb-orders');
      const path = join(dir, 'since.json');
      await exportDataset(handle.db, {
        dataset: orders,
        format: 'json',
        target: openFileTarget(path),
        conditions: buildConditions(orders, { since: '2026-11-19' }, clock.now()),
      });
      const rows = JSON.parse(readFileSync(path, 'utf8')) as { order_date: string; nm_id: number; finished_price: string }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.order_date >= '2026-11-18T21:00:00')).toBe(true);
      expect(typeof rows[0]!.nm_id).toBe('number');
      expect(typeof rows[0]!.finished_price).toBe('string');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
