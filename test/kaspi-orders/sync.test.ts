import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspiShop, generateOrders, startFakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { ordersReport } from '../../src/kaspi-orders/orders.service.js';
import { syncOrders } from '../../src/kaspi-orders/sync.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const DAY = 86_400_000;

describe('kaspi orders sync against the fake Shop API', () => {
  let handle: TestDatabase;
  let shop: FakeKaspiShop;
  const key = randomBytes(32);
  let now = new Date('2026-11-20T12:00:00Z');
  let storeId: string;
  // 450 orders, one every 2 hours from Oct 24: 37.5 days, so several windows and several pages per state.
  const orders = generateOrders(450, new Date('2026-10-13T00:00:00Z'), 2 * 3_600_000);
  orders[3]!.productNotIncluded = true;
  // Text that an array literal must escape (rows travel to the database as text[] through unnest).
  orders[5]!.entries[0]!.product = { code: 'SKU-odd', name: 'Кабель "USB-C", {2 м} \\ NULL' };
  const deps = () => ({ db: handle.db, secretKey: key, baseUrl: shop.url, now: () => now, concurrency: 4 });

  beforeAll(async () => {
    handle = await createTestDatabase();
    shop = await startFakeKaspiShop(orders);
    storeId = (await addStore(handle.db, key, { merchantId: 'M1', name: 'Shop One', token: shop.token })).id;
  });
  afterEach(() => shop?.verify());
  afterAll(async () => {
    await shop?.stop();
    await handle?.close();
  });

  it('reads every window (≤ 14 days), state and page to the end, with entries and products', async () => {
    const summary = await syncOrders(deps(), { since: new Date('2026-10-13T00:00:00Z'), withCustomers: false });
    expect(summary.orders).toBe(450);
    expect(summary.inserted).toBe(450);
    expect(summary.windows).toBe(3);
    const lists = shop.server.requestsTo('/orders');
    for (const r of lists) {
      const ge = Number(r.query.get('filter[orders][creationDate][$ge]'));
      const le = Number(r.query.get('filter[orders][creationDate][$le]'));
      expect(le - ge).toBeLessThanOrEqual(14 * DAY);
      expect(Number(r.query.get('page[size]'))).toBe(100);
    }
    // At most 168 orders a window spread over 6 states: one page each (the next test needs several).
    const pagesSeen = new Set(lists.map((r) => r.query.get('page[number]')));
    expect(pagesSeen).toEqual(new Set(['0']));
    expect(new Set(lists.map((r) => r.query.get('filter[orders][state]')))).toEqual(
      new Set(['NEW', 'SIGN_REQUIRED', 'PICKUP', 'DELIVERY', 'KASPI_DELIVERY', 'ARCHIVE']),
    );
    const counts = await handle.db
      .selectFrom('kaspi_order_entries')
      .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.sum<string>('quantity').as('units')])
      .executeTakeFirstOrThrow();
    expect(Number(counts.n)).toBe(900);
    expect(Number(counts.units)).toBe(orders.reduce((s, o) => s + o.entries.reduce((t, e) => t + e.quantity, 0), 0));
    const fetched = await handle.db
      .selectFrom('kaspi_order_entries')
      .select(['product_code', 'product_name'])
      .where('order_id', 'in', (eb) => eb.selectFrom('kaspi_orders').select('id').where('kaspi_order_id', '=', 'ord3'))
      .orderBy('entry_number')
      .execute();
    expect(fetched).toEqual(orders[3]!.entries.map((e) => ({ product_code: e.product.code, product_name: e.product.name })));
    const odd = await handle.db.selectFrom('kaspi_order_entries').select('product_name').where('product_code', '=', 'SKU-odd').execute();
    expect(odd).toEqual([{ product_name: 'Кабель "USB-C", {2 м} \\ NULL' }]);
    // Entries answer as Kaspi does in 2026 (offer, no entryNumber, no totalPrice): named by their offer,
    // numbered from 0, totals computed; only ord3's (the guide's shape, product not included) cost a
    // product request each.
    expect(shop.server.requestsTo('/orderentries/:id/product').length).toBe(orders[3]!.entries.length);
    const first = await handle.db
      .selectFrom('kaspi_order_entries')
      .select(['entry_number', 'product_code', 'quantity', 'base_price', 'total_price'])
      .where('order_id', 'in', (eb) => eb.selectFrom('kaspi_orders').select('id').where('kaspi_order_id', '=', 'ord0'))
      .orderBy('entry_number')
      .execute();
    expect(first.map((e) => [e.entry_number, e.product_code, e.quantity, Number(e.base_price), Number(e.total_price)])).toEqual(
      orders[0]!.entries.map((e, i) => [i, e.product.code, e.quantity, e.basePrice, e.basePrice * e.quantity]),
    );
  });

  it('a malformed entries answer stops the sync with KASPI_SHOP_BAD_RESPONSE naming the field, no customer data, nothing of that window written', async () => {
    const from = new Date('2026-11-10T00:00:00Z');
    const list = generateOrders(3, from, 3_600_000).map((o, i) => ({ ...o, id: `b${i}`, code: `9${i}` }));
    const shop5 = await startFakeKaspiShop(list, 'token-5');
    try {
      const id = (await addStore(handle.db, key, { merchantId: 'M5', name: 'Five', token: 'token-5' })).id;
      shop5.server.fault('/orders/b1/entries', {
        headers: { 'content-type': 'application/vnd.api+json' },
        body: { data: [{ id: 'eA', type: 'orderentries', attributes: { quantity: 1, offer: { code: 'X1', name: 'Товар' } } }] },
        times: Infinity,
      });
      const error = (await syncOrders({ ...deps(), baseUrl: shop5.url }, { store: 'M5', since: from, withCustomers: true }).then(
        () => new Error('synced'),
        (e: unknown) => e,
      )) as Error & { code?: string };
      expect(error.code).toBe('KASPI_SHOP_BAD_RESPONSE');
      expect(error.message).toContain('entries of order 91 answer has entry 0 with no basePrice (attributes.basePrice)');
      for (const o of list) {
        expect(error.message).not.toContain(o.customer!.name);
        expect(error.message).not.toContain(o.customer!.cellPhone);
      }
      expect(await handle.db.selectFrom('kaspi_orders').select('id').where('store_id', '=', id).execute()).toEqual([]);
      expect(await handle.db.selectFrom('kaspi_order_sync').select('store_id').where('store_id', '=', id).execute()).toEqual([]);
    } finally {
      await shop5.stop();
    }
  });

  it('sends Accept: application/vnd.api+json and the token on every request', () => {
    expect(shop.server.requests.length).toBeGreaterThan(450);
    for (const r of shop.server.requests) {
      expect(r.headers.accept).toBe('application/vnd.api+json');
      expect(r.headers['x-auth-token']).toBe(shop.token);
    }
  });

  it('the fake refuses like Kaspi: 404 HTML without Accept, 401 for a wrong token, 400 for a window over 14 days', async () => {
    const q = (ge: number, le: number) =>
      `${shop.url}/orders?page[number]=0&page[size]=100&filter[orders][state]=NEW&filter[orders][creationDate][$ge]=${ge}&filter[orders][creationDate][$le]=${le}`;
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    const api = { accept: 'application/vnd.api+json', 'x-auth-token': shop.token };
    const noAccept = await fetch(q(t0, t0 + DAY), { headers: { 'x-auth-token': shop.token, accept: '*/*' } });
    expect(noAccept.status).toBe(404);
    expect(noAccept.headers.get('content-type')).toContain('text/html');
    await noAccept.text();
    const badToken = await fetch(q(t0, t0 + DAY), { headers: { ...api, 'x-auth-token': 'nope' } });
    expect(badToken.status).toBe(401);
    await badToken.text();
    const wide = await fetch(q(t0, t0 + 14 * DAY + 1), { headers: api });
    expect(wide.status).toBe(400);
    await wide.text();
    const ok = await fetch(q(t0, t0 + 14 * DAY), { headers: api });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { meta: { pageCount: number } }).meta.pageCount).toBeGreaterThan(0);
  });

  it('pages to the end when a state has more than 100 orders in a window', async () => {
    const many = generateOrders(250, new Date('2026-11-01T00:00:00Z'), 60_000).map((o, i) => ({
      ...o,
      id: `big${i}`,
      code: `9${i}`,
      state: 'ARCHIVE',
      status: 'COMPLETED',
    }));
    const big = await startFakeKaspiShop(many, 'big-token');
    try {
      await addStore(handle.db, key, { merchantId: 'M2', name: 'Big', token: 'big-token' });
      const s = await syncOrders({ ...deps(), baseUrl: big.url }, { store: 'M2', since: new Date('2026-11-01T00:00:00Z') });
      expect(s.orders).toBe(250);
      const archivePages = big.server
        .requestsTo('/orders')
        .filter((r) => r.query.get('filter[orders][state]') === 'ARCHIVE')
        .map((r) => `${new Date(Number(r.query.get('filter[orders][creationDate][$ge]'))).toISOString().slice(0, 10)}#${r.query.get('page[number]')}`);
      // 250 in the first window: pages 0–2 (page 2 holds 50); the second window (Nov 15–20) is empty: page 0 only.
      expect(archivePages.sort()).toEqual(['2026-11-01#0', '2026-11-01#1', '2026-11-01#2', '2026-11-15#0']);
      expect(await handle.db.selectFrom('kaspi_orders').select('code').where('code', 'like', '9%').execute()).toHaveLength(250);
    } finally {
      await big.stop();
    }
  });

  it('a later sync starts from the cursor minus the overlap and updates changed orders', async () => {
    const before = shop.server.requests.length;
    shop.update('ord440', { state: 'ARCHIVE', status: 'RETURNED' });
    now = new Date(now.getTime() + DAY);
    const summary = await syncOrders(deps(), { store: 'Shop One' });
    expect(summary.from.toISOString()).toBe(new Date(new Date('2026-11-20T12:00:00Z').getTime() + 1 - 14 * DAY).toISOString());
    expect(summary.inserted).toBe(0);
    expect(summary.statusChanged).toBe(1);
    // Only the changed order's entries are read again.
    expect(summary.entriesRead).toBe(1);
    expect(
      shop.server.requests
        .slice(before)
        .filter((r) => r.path.endsWith('/entries'))
        .map((r) => r.path),
    ).toEqual(['/orders/ord440/entries']);
    const rows = await ordersReport(handle.db, storeId, { since: new Date('2026-10-01T00:00:00Z'), status: 'RETURNED' });
    expect(rows.map((r) => r.code)).toEqual([orders[440]!.code]);
    expect(rows[0]!.state).toBe('ARCHIVE');
  });

  it('stores customers only with --with-customers', async () => {
    const none = await handle.db.selectFrom('kaspi_orders').select('id').where('customer_phone', 'is not', null).execute();
    expect(none).toHaveLength(0);
    await syncOrders(deps(), { store: 'M1', withCustomers: true });
    const some = await handle.db
      .selectFrom('kaspi_orders')
      .select(['customer_name', 'customer_phone'])
      .where('kaspi_order_id', '=', 'ord440')
      .executeTakeFirstOrThrow();
    expect(some.customer_phone).toBe(orders[440]!.customer!.cellPhone);
  });

  it('a bad token is KASPI_SHOP_UNAUTHORIZED and writes nothing', async () => {
    await addStore(handle.db, key, { merchantId: 'M3', name: 'Bad', token: 'wrong' });
    await expect(syncOrders(deps(), { store: 'M3', since: new Date('2026-11-01T00:00:00Z') })).rejects.toMatchObject({ code: 'KASPI_SHOP_UNAUTHORIZED' });
    const state = await handle.db
      .selectFrom('kaspi_order_sync')
      .innerJoin('kaspi_stores', 'kaspi_stores.id', 'kaspi_order_sync.store_id')
      .select('merchant_id')
      .execute();
    expect(state.map((s) => s.merchant_id).sort()).toEqual(['M1', 'M2']);
  });
  it('a failure in a later window keeps the windows before it (written while the next was read) and the cursor after the last written', async () => {
    const from = new Date('2026-10-20T00:00:00Z');
    const list = generateOrders(60, from, 12 * 3_600_000).map((o, i) => ({ ...o, id: `f${i}`, code: `8${i}` }));
    const shop4 = await startFakeKaspiShop(list, 'token-4');
    try {
      const id = (await addStore(handle.db, key, { merchantId: 'M4', name: 'Four', token: 'token-4' })).id;
      // Windows from Oct 20: [Oct 20, Nov 3), [Nov 3, Nov 17), [Nov 17, now]; f57 is in the third.
      shop4.server.fault('/orders/f57/entries', {
        status: 404,
        body: { errors: [{ title: 'gone' }] },
        headers: { 'content-type': 'application/vnd.api+json' },
        times: Infinity,
      });
      await expect(syncOrders({ ...deps(), baseUrl: shop4.url }, { store: 'M4', since: from })).rejects.toThrow();
      const cursor = await handle.db.selectFrom('kaspi_order_sync').select('synced_until').where('store_id', '=', id).executeTakeFirstOrThrow();
      expect(cursor.synced_until.toISOString()).toBe('2026-11-17T00:00:00.000Z');
      const stored = await handle.db.selectFrom('kaspi_orders').select('code').where('store_id', '=', id).execute();
      expect(stored).toHaveLength(56);
      shop4.server.clearFaults();
      const rest = await syncOrders({ ...deps(), baseUrl: shop4.url }, { store: 'M4', overlapMs: 0 });
      expect(rest).toMatchObject({ windows: 1, orders: 4, inserted: 4 });
      expect(rest.from.toISOString()).toBe('2026-11-17T00:00:00.000Z');
    } finally {
      await shop4.stop();
    }
  });
});
