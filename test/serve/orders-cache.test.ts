// GET /api/v1/kaspi/stores/{store}/orders keeps rendered pages (kaspi.ts, sql/0030, 0031): a page served
// again does not run the page statement, but any write to the store's orders or their entries (the
// sync's own statements, or plain SQL: insert, update, delete), time moving an order out of a relative
// window, and another user's token are all answered as without the cache; a write that changes
// nothing (a sync reading unchanged orders again) keeps the page. ETag and 304. Both engines.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShopOrder } from '../../src/kaspi/merchant/shop-api.parser.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { replaceEntries, upsertOrders } from '../../src/kaspi-orders/order.repository.js';
import { pageStatements } from '../../src/kaspi-orders/orders.service.js';
import { apiSession, type CheckedCall, startApi, type TestApi } from '../support/api.js';
import { createTestDatabase, holdTransaction, type TestDatabase, testEngine } from '../support/db.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-20T06:00:00Z');
let now = T0;
let h: TestDatabase;
let api: TestApi;
let call: CheckedCall;
let aliceRead: string;
let bob: string;
let storeId: string;
const key = randomBytes(32);

function order(n: number, createdAt: Date, status = 'COMPLETED'): ShopOrder {
  return {
    id: `k${n}`,
    code: `C${n}`,
    state: 'ARCHIVE',
    status,
    totalPrice: String(1000 + n),
    deliveryCost: null,
    deliveryCostForSeller: null,
    paymentMode: null,
    deliveryMode: null,
    kaspiDelivery: null,
    plannedDeliveryDate: null,
    createdAt,
    approvedAt: null,
    preOrder: false,
    pickupPointId: null,
    city: 'Almaty',
    customerName: null,
    customerPhone: null,
  };
}

/** Orders through the sync's own statements (upsert, then the entries replaced). */
async function sync(orders: ShopOrder[]) {
  const { ids } = await upsertOrders(h.db, storeId, orders, false, new Date(now));
  const rows = orders.map((o) => ({
    orderRowId: ids.get(o.id)!,
    entry: { entryNumber: 1, productCode: 'P1', productName: `Product of ${o.code}`, quantity: 1, basePrice: o.totalPrice, totalPrice: o.totalPrice } as never,
  }));
  await replaceEntries(h.db, [...ids.values()], rows);
}

const get = async (path: string, auth = aliceRead, more?: Record<string, string>) => call('GET', path, auth, undefined, undefined, more);
const PAGE = '/api/v1/kaspi/stores/M1/orders?since=7d&limit=2';

beforeAll(async () => {
  h = await createTestDatabase();
  storeId = (await addStore(h.db, key, { merchantId: 'M1', name: 'Shop', session: 'mc-session=a; mc-sid=a', user: 'alice' })).id;
  await addStore(h.db, key, { merchantId: 'B1', name: 'Bob shop', session: 'mc-session=b; mc-sid=b', user: 'bob' });
  // Orders 1, 2 and 3 days old (order 1 the newest).
  await sync([1, 2, 3].map((n) => order(n, new Date(T0 - n * DAY))));
  api = await startApi(h.db, { deps: { clock: { now: () => new Date(now) }, secretKey: async () => key } });
  ({ aliceRead, bob, call } = await apiSession(h.db, api));
});
afterAll(async () => {
  await api?.server.shutdown(5000);
  await h?.close();
});

describe('orders page cache', () => {
  it('serves a page again without its statement; ETag, 304 for If-None-Match', async () => {
    now = T0;
    const first = await get(PAGE);
    expect(first.status).toBe(200);
    expect(first.body.meta.total).toBe(3);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/".+"$/);
    const runs = pageStatements.runs;
    const again = await get(PAGE);
    expect(pageStatements.runs).toBe(runs);
    expect(again.body.items).toEqual(first.body.items);
    expect(again.body.meta).toEqual(first.body.meta);
    expect(again.headers.get('etag')).toBe(etag);
    // Another page of the same store is its own entry.
    expect((await get(`${PAGE}&offset=2`)).body.items.map((o: { code: string }) => o.code)).toEqual(['C3']);
    const notModified = await get(PAGE, aliceRead, { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeUndefined();
    expect(notModified.headers.get('etag')).toBe(etag);
    expect((await get(PAGE, aliceRead, { 'if-none-match': 'W/"other", "x"' })).status).toBe(200);
  });

  it('another user’s token is 403 and a missing store 404 even when the page is cached', async () => {
    now = T0;
    await get(PAGE);
    const theirs = await get(PAGE, bob);
    expect(theirs.status).toBe(403);
    expect(theirs.body.code).toBe('FORBIDDEN');
    expect((await get(PAGE, bob, { 'if-none-match': '*' })).status).toBe(403);
    expect((await get('/api/v1/kaspi/stores/NOPE/orders?since=7d&limit=2')).status).toBe(404);
  });

  it('an order synced, updated or deleted, or an entry changed, changes the next answer', async () => {
    now = T0;
    const codes = async () => (await get(PAGE)).body.items.map((o: { code: string }) => o.code);
    const before = await get(PAGE);
    expect(before.body.items.map((o: { code: string }) => o.code)).toEqual(['C1', 'C2']);
    // Synced: a newer order.
    await sync([order(4, new Date(T0 - DAY / 2))]);
    const synced = await get(PAGE);
    expect(synced.body.items.map((o: { code: string }) => o.code)).toEqual(['C4', 'C1']);
    expect(synced.body.meta.total).toBe(4);
    expect(synced.headers.get('etag')).not.toBe(before.headers.get('etag'));
    // Re-synced with another status.
    await sync([order(4, new Date(T0 - DAY / 2), 'CANCELLED')]);
    expect((await get(PAGE)).body.items[0].status).toBe('CANCELLED');
    // Plain SQL: an update, an entry's product, a delete, an insert.
    await sql`update kaspi_orders set total_price = 7 where code = 'C4'`.execute(h.db);
    expect((await get(PAGE)).body.items[0].totalPrice).toBe('7');
    await sql`update kaspi_order_entries set product_name = 'Renamed' where order_id = (select id from kaspi_orders where code = 'C4')`.execute(h.db);
    expect((await get(PAGE)).body.items[0].products).toBe('Renamed');
    await sql`delete from kaspi_order_entries where order_id = (select id from kaspi_orders where code = 'C4')`.execute(h.db);
    expect((await get(PAGE)).body.items[0].units).toBe(0);
    await sql`delete from kaspi_orders where code = 'C4'`.execute(h.db);
    expect(await codes()).toEqual(['C1', 'C2']);
    await sql`insert into kaspi_orders (store_id, kaspi_order_id, code, state, status, total_price, created_at)
      values (${storeId}, 'k5', 'C5', 'ARCHIVE', 'COMPLETED', 5, ${new Date(T0 - DAY / 4)})`.execute(h.db);
    expect(await codes()).toEqual(['C5', 'C1']);
    await sql`delete from kaspi_orders where code = 'C5'`.execute(h.db);
    expect(await codes()).toEqual(['C1', 'C2']);
  });

  it('time moving the oldest order out of a relative window changes the answer; a date window does not move', async () => {
    now = T0;
    const path = '/api/v1/kaspi/stores/M1/orders?since=3d&limit=1';
    expect((await get(path)).body.meta.total).toBe(3);
    // Order 3 (3 days old exactly) is in the window until a moment later.
    now = T0 + 1;
    expect((await get(path)).body.meta.total).toBe(2);
    now = T0 + DAY + 1;
    expect((await get(path)).body.meta.total).toBe(1);
    const dated = '/api/v1/kaspi/stores/M1/orders?since=2026-11-01&limit=1';
    now = T0;
    const at = await get(dated);
    const runs = pageStatements.runs;
    now = T0 + 5 * DAY;
    const later = await get(dated);
    expect(pageStatements.runs).toBe(runs);
    expect(later.body.meta).toEqual(at.body.meta);
    // A clock behind the page's build (an earlier request finishing late) builds again.
    now = T0 - DAY;
    expect((await get('/api/v1/kaspi/stores/M1/orders?since=3d&limit=1')).body.meta.total).toBe(3);
  });

  it('a write that changes nothing keeps the page: the sync reading unchanged orders again, statements matching no row', async () => {
    now = T0;
    const first = await get(PAGE);
    const etag = first.headers.get('etag')!;
    const runs = pageStatements.runs;
    // The next sync's overlap: orders 1-3 upserted again as they are (only synced_at moves), no entries re-read.
    now = T0 + 60_000;
    await upsertOrders(
      h.db,
      storeId,
      [1, 2, 3].map((n) => order(n, new Date(T0 - n * DAY))),
      false,
      new Date(now),
    );
    await sql`update kaspi_orders set status = 'X' where false`.execute(h.db);
    await sql`update kaspi_orders set status = status where store_id = ${storeId}`.execute(h.db);
    await sql`delete from kaspi_order_entries where false`.execute(h.db);
    await sql`insert into kaspi_orders (store_id, kaspi_order_id, code, state, status, total_price, created_at)
      values (${storeId}, 'k1', 'C1', 'ARCHIVE', 'COMPLETED', 1, ${new Date(T0)}) on conflict do nothing`.execute(h.db);
    const again = await get(PAGE, aliceRead, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(pageStatements.runs).toBe(runs);
    // A change the page shows only as text (1001 → 1001.0) is a change.
    await sql`update kaspi_orders set total_price = 1001.0 where code = 'C1'`.execute(h.db);
    const scaled = await get(PAGE, aliceRead, { 'if-none-match': etag });
    expect(scaled.status).toBe(200);
    expect(scaled.body.items[0].totalPrice).toBe('1001.0');
    await sql`update kaspi_orders set total_price = 1001 where code = 'C1'`.execute(h.db);
    expect((await get(PAGE)).body.items[0].totalPrice).toBe('1001');
  });

  it.skipIf(testEngine !== 'postgres')(
    'a request during an uncommitted sync is answered at once with the committed page; the commit changes it (PostgreSQL; PGlite has one connection)',
    async () => {
      now = T0;
      const before = await get(PAGE);
      const syncing = holdTransaction(h.db, (trx) => upsertOrders(trx, storeId, [order(6, new Date(T0 - DAY / 3))], false, new Date(now)));
      try {
        await syncing.written;
        const runs = pageStatements.runs;
        const during = await get(PAGE);
        expect(pageStatements.runs).toBe(runs);
        expect(during.headers.get('etag')).toBe(before.headers.get('etag'));
      } finally {
        syncing.release();
        await syncing.done;
      }
      expect((await get(PAGE)).body.items.map((o: { code: string }) => o.code)).toEqual(['C6', 'C1']);
      await sql`delete from kaspi_orders where code = 'C6'`.execute(h.db);
      expect((await get(PAGE)).body.items.map((o: { code: string }) => o.code)).toEqual(['C1', 'C2']);
    },
  );
});
