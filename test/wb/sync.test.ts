import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWb, msk, startFakeWb } from '../../src/fakes/fake-wb.js';
import { listEvents } from '../../src/wb/event.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addFakeCabinet, sync, TestClock, wbDeps } from './helpers.js';

describe('mp wb sync against the fake WB API', () => {
  let handle: TestDatabase;
  let wb: FakeWb;
  const start = new Date('2026-11-01T00:00:00Z');
  const clock = new TestClock(new Date('2026-11-20T12:00:00Z'));

  beforeAll(async () => {
    handle = await createTestDatabase();
    // 2,500 orders and 900 sales a minute apart from Nov 1; pages capped at 1,000 rows.
    wb = await startFakeWb({ orders: 2500, sales: 900, from: start, pageCap: 1000, products: 12, reviews: 30, statisticsBurst: 100 });
  });
  afterEach(() => wb?.verify());
  afterAll(async () => {
    await wb?.server.stop();
    await handle?.close();
  });

  it('initial sync pages orders to the end, keys them by srid, stores S/R sales, writes no events', async () => {
    const deps = wbDeps(handle, wb, clock);
    const added = await addFakeCabinet(deps, wb.token);
    expect(added.created).toBe(true);
    const outcomes = await sync(deps);
    expect(outcomes.map((o) => [o.stream, o.status])).toEqual([
      ['cards', 'ok'],
      ['orders', 'ok'],
      ['sales', 'ok'],
      ['stocks', 'ok'],
      ['reviews', 'ok'],
    ]);
    // 2,500 rows at 1,000 a page: 3 pages, then [].
    expect(wb.server.requestsTo('/api/v1/supplier/orders')).toHaveLength(4);
    // The backfill starts 30 days before now (2026-10-21 12:00 UTC), in Moscow time, and is marked initial.
    for (const path of ['/api/v1/supplier/orders', '/api/v1/supplier/sales']) {
      expect(wb.server.requestsTo(path)[0]!.query.get('dateFrom')).toBe('2026-10-21T15:00:00');
      expect(wb.server.requestsTo(path)[0]!.query.get('flag')).toBe('0');
    }
    expect(outcomes.every((o) => o.initial)).toBe(true);
    const runs = await handle.db.selectFrom('wb_sync_runs').select(['stream', 'initial', 'status', 'rows_new', 'finished_at']).orderBy('id').execute();
    expect(runs.map((r) => [r.stream, r.initial, r.status])).toEqual(outcomes.map((o) => [o.stream, true, 'ok']));
    expect(runs.find((r) => r.stream === 'orders')).toMatchObject({ rows_new: 2500, finished_at: expect.any(Date) });
    const count = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(handle.db)).rows[0]!.n);
    expect(await count('wb_orders')).toBe(2500);
    expect(await count('wb_sales')).toBe(900);
    expect(await count('wb_cards')).toBe(12);
    expect(await count('wb_stocks')).toBe(12 * 3 * 3);
    expect(await count('wb_reviews')).toBe(30);
    expect(await listEvents(handle.db, added.cabinet.id)).toEqual([]);
    // Orders 0, 1, 2 share one cart (gNumber) and are three rows.
    const cart = await handle.db.selectFrom('wb_orders').select('srid').where('g_number', '=', 'cart-0').execute();
    expect(cart).toHaveLength(3);
    const kinds = await handle.db
      .selectFrom('wb_sales')
      .select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('kind')
      .orderBy('kind')
      .execute();
    expect(kinds).toEqual([
      { kind: 'buyout', n: '810' },
      { kind: 'return', n: '90' },
    ]);
    const ret = await handle.db.selectFrom('wb_sales').select(['for_pay', 'sale_id']).where('kind', '=', 'return').orderBy('sale_id').executeTakeFirstOrThrow();
    expect(ret.sale_id.startsWith('R')).toBe(true);
    expect(Number(ret.for_pay)).toBeLessThan(0);
  });

  it('stores WB Moscow times as UTC', async () => {
    // Order 0 was placed at 02:59 Moscow time on Nov 1 (the fake writes MSK without an offset).
    const o = await handle.db.selectFrom('wb_orders').select(['order_date', 'last_change_date']).where('srid', '=', wb.srid(0)).executeTakeFirstOrThrow();
    expect(o.order_date.toISOString()).toBe('2026-10-31T23:59:00.000Z');
    expect(o.last_change_date.toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('an early second sync skips the statistics streams without a request', async () => {
    const deps = wbDeps(handle, wb, clock);
    const before = wb.server.requestsTo('/api/v1/supplier/orders').length;
    clock.advance(10_000);
    const outcomes = await sync(deps, { only: ['orders', 'sales'] });
    expect(outcomes.map((o) => o.status)).toEqual(['skipped', 'skipped']);
    expect(wb.server.requestsTo('/api/v1/supplier/orders')).toHaveLength(before);
    expect(deps.log.lines.join('')).toMatch(/orders \(Flax Store\): skipped, Wildberries allows the next request at/);
    const runs = await handle.db.selectFrom('wb_sync_runs').select(['stream', 'status']).where('status', '=', 'skipped').execute();
    expect(runs).toHaveLength(2);
  });

  it('a later sync writes each event once: new orders, a late cancellation, buyouts, a return, reviews, stock', async () => {
    const deps = wbDeps(handle, wb, clock);
    const cabinetId = (await handle.db.selectFrom('wb_cabinets').select('id').executeTakeFirstOrThrow()).id;
    clock.advance(120_000);
    wb.cancelOrder(5, new Date('2026-11-20T11:00:00Z'));
    wb.ordersCount += 10; // orders 2500..2509; 2509 arrives cancelled
    wb.salesCount += 10; // sales 900..909; 909 is a return
    wb.reviewsCount += 2;
    const originalStock = wb.stockQuantity(0, 0, 0);
    wb.setStock(0, 0, 0, 100);
    const outcomes = await sync(deps);
    expect(outcomes.every((o) => o.status === 'ok' && !o.initial)).toBe(true);
    const order5 = await handle.db.selectFrom('wb_orders').select(['is_cancel', 'cancel_date']).where('srid', '=', wb.srid(5)).executeTakeFirstOrThrow();
    expect(order5.is_cancel).toBe(true);
    expect(order5.cancel_date?.toISOString()).toBe('2026-11-20T11:00:00.000Z');
    const events = await listEvents(handle.db, cabinetId);
    const byType = (t: string) => events.filter((e) => e.type === t);
    expect(byType('new_order')).toHaveLength(10);
    expect(
      byType('cancellation')
        .map((e) => e.event_key)
        .sort(),
    ).toEqual([wb.srid(2509), wb.srid(5)].sort());
    expect(byType('buyout')).toHaveLength(9);
    expect(byType('return').map((e) => e.event_key)).toEqual(['R9000000909']);
    expect(byType('new_review')).toHaveLength(2);
    expect(byType('stock_change')).toHaveLength(1);
    const stock = byType('stock_change')[0]!.payload as { nmId: number; old_total: number; new_total: number };
    expect(stock.nmId).toBe(wb.nmId(0));
    expect(stock.new_total - stock.old_total).toBe(100 - originalStock);
    const order = byType('new_order').find((e) => e.event_key === wb.srid(2501))!;
    expect(order.dedup_key).toBe(`${cabinetId}:new_order:${wb.srid(2501)}`);
    expect(order.payload).toMatchObject({
      srid: wb.srid(2501),
      nmId: wb.nmId(2501 % 12),
      article: `ART-${2501 % 12}`,
      name: `Товар ${2501 % 12}`,
      warehouse: expect.any(String),
      region: expect.any(String),
    });
    expect((order.payload as { photoUrl: string }).photoUrl).toMatch(/^https:\/\/basket-.*\.webp$/);
    const review = byType('new_review')[0]!.payload as { rating: number; nmId: number };
    expect(review.rating).toBeGreaterThanOrEqual(1);

    // Nothing new: a re-run adds no event, and a cancellation is never written twice.
    clock.advance(120_000);
    await sync(deps);
    expect(await listEvents(handle.db, cabinetId)).toHaveLength(events.length);
  });

  it('after more than 24 h without a sync, one sync_gap event replaces the burst', async () => {
    const deps = wbDeps(handle, wb, clock);
    const cabinetId = (await handle.db.selectFrom('wb_cabinets').select('id').executeTakeFirstOrThrow()).id;
    const before = (await listEvents(handle.db, cabinetId)).length;
    clock.advance(25 * 3_600_000);
    wb.addOrders(20, new Date(clock.now().getTime() - 3_600_000));
    await sync(deps, { only: ['orders'] });
    const fresh = (await listEvents(handle.db, cabinetId)).slice(before);
    expect(fresh.map((e) => e.type)).toEqual(['sync_gap']);
    expect(fresh[0]!.payload).toMatchObject({ stream: 'orders', counts: { new_order: 20, cancellation: 2 } });
    expect(
      await handle.db
        .selectFrom('wb_orders')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: '2530' });
  });
});

describe("mp wb sync when WB answers lastChangeDate >= dateFrom (the spec's wording)", () => {
  let handle: TestDatabase;
  let wb: FakeWb;
  const clock = new TestClock(new Date());

  beforeAll(async () => {
    handle = await createTestDatabase();
    wb = await startFakeWb({ orders: 25, sales: 12, products: 3, reviews: 2, pageCap: 10, statisticsBurst: 100, dateFromInclusive: true });
  });
  afterEach(() => wb?.verify());
  afterAll(async () => {
    await wb?.server.stop();
    await handle?.close();
  });

  it('pages on from the repeated last row, stops when only that row comes back, and writes no event twice', async () => {
    const deps = wbDeps(handle, wb, clock);
    const added = await addFakeCabinet(deps, wb.token);
    const first = await sync(deps, { only: ['cards', 'orders', 'sales'] });
    expect(first.map((o) => [o.stream, o.status, o.rowsNew])).toEqual([
      ['cards', 'ok', 3],
      ['orders', 'ok', 25],
      ['sales', 'ok', 12],
    ]);
    const lastChange = (i: number) => msk(wb.from + i * wb.orderStep);
    // Each page starts with the previous page's last row; the fourth answer is that row alone.
    const dateFroms = wb.server.requestsTo('/api/v1/supplier/orders').map((r) => r.query.get('dateFrom'));
    expect(dateFroms.slice(1)).toEqual([lastChange(9), lastChange(18), lastChange(24)]);
    expect(await listEvents(handle.db, added.cabinet.id)).toEqual([]);

    clock.advance(120_000);
    const placed = Date.now() - 60_000;
    wb.addOrders(3, new Date(placed));
    const before = wb.server.requestsTo('/api/v1/supplier/orders').length;
    const [orders] = await sync(deps, { only: ['orders'] });
    expect(orders).toMatchObject({ status: 'ok', initial: false, rowsNew: 3 });
    const next = wb.server.requestsTo('/api/v1/supplier/orders').slice(before);
    // From the stored cursor (order 24's lastChangeDate): order 24 again plus the 3 new, then the last new one alone.
    expect(next.map((r) => r.query.get('dateFrom'))).toEqual([lastChange(24), msk(placed + 2000)]);
    const events = await listEvents(handle.db, added.cabinet.id);
    expect(events.filter((e) => e.type === 'new_order').map((e) => e.event_key)).toEqual([wb.srid(25), wb.srid(26), wb.srid(27)]);
    expect(
      await handle.db
        .selectFrom('wb_orders')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: '28' });
  });
});
