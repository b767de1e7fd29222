import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../../src/wb/event.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { type FakeWb, startFakeWb } from '../support/fake-wb.js';
import { addFakeCabinet, sync, TestClock, wbDeps } from './helpers.js';

describe('mp wb sync against the fake WB API', () => {
  let handle: TestDatabase;
  let wb: FakeWb;
  const start = new Date('2026-11-01T00:00:00Z');
  const clock = new TestClock(new Date('2026-11-20T12:00:00Z'));

  beforeAll(async () => {
    handle = await createTestDatabase();
    // 2,500 orders and 900 sales a minute apart from Nov 1; pages capped at 1,000 rows.
    wb = await startFakeWb({ orders: 2500, sales: 900, from: start, pageCap: 1000, products: 12, reviews: 30 });
  });
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
});
