// /api/v1/kaspi over HTTP (both engines): stores, managed products (filters, pages, batch enable and
// disable, one product's strategy and limits), repricer plans and runs against the fake cabinet and
// offers server, synced orders (the hand-checked sales fixture), sales report, preorders. 401 without
// a token, 403 without the scope or for another user's store (404 for one that does not exist), problem+json with the CLI's code on
// bad input, page metadata; every answer checked against /openapi.json and every documented
// operation and status of the kaspi tag exercised.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { withAdvisoryLock } from '../../src/db/locks.js';
import { upsertProducts } from '../../src/demper/products.repository.js';
import { runLockName } from '../../src/demper/run.operation.js';
import { type FakeKaspiMc, startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import type { FakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { ordersReport } from '../../src/kaspi-orders/orders.service.js';
import { upsertPreorders } from '../../src/preorders/preorders.repository.js';
import { FIXTURE_NOW, loadFixture } from '../kaspi-orders/fixture.js';
import { apiSession, bearer, type CheckedCall, startApi, sweepAuth, sweepOtherUser, type TestApi, uncoveredOfTag } from '../support/api.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import type { OpenApiCheck } from '../support/openapi-check.js';
import { memoryLogger } from '../wb/helpers.js';

let h: TestDatabase;
let mc: FakeKaspiMc;
let shop: FakeKaspiShop;
let api: TestApi;
let spec: OpenApiCheck;
let call: CheckedCall;
let doc: Record<string, any>;
let alice: string;
let aliceRead: string;
let bob: string;
const key = randomBytes(32);

beforeAll(async () => {
  h = await createTestDatabase();
  mc = await startFakeKaspiMc({
    merchants: [{ uid: 'M1', name: 'Shop' }],
    offers: {
      '100001': [
        { merchantId: 'M1', price: 1000 },
        { merchantId: 'A', merchantName: 'Alpha', price: 990 },
      ],
      '100002': [
        { merchantId: 'M1', price: 500 },
        { merchantId: 'A', merchantName: 'Alpha', price: 480 },
      ],
    },
  });
  mc.productOf = { P1: '100001', P2: '100002' };
  // The sales fixture's orders, synced into store M1 as `mp kaspi orders sync` would; then alice's.
  ({ shop } = await loadFixture(h.db));
  const store = await addStore(h.db, key, { merchantId: 'M1', name: 'Shop', session: mc.newSession(['M1']), user: 'alice' });
  await upsertProducts(h.db, store.id, [
    { sku: 'P1', productId: '100001', name: 'Phone, black', price: 1000, minPrice: 800, maxPrice: 1500, step: 5, strategy: 'undercut', topN: null },
    { sku: 'P2', productId: '100002', name: 'Case', price: 500, minPrice: 300, maxPrice: 700, step: 1, strategy: 'match', topN: null },
    { sku: 'P3', productId: '100003', name: 'Cable', price: 300, minPrice: 250, maxPrice: 400, step: 1, strategy: 'hold', topN: null },
  ]);
  await upsertPreorders(h.db, store.id, [
    { sku: 'P1', model: 'Phone', brand: 'Acme', price: null, pp: ['5', null, null, null, null], preorderDays: 7 },
    { sku: 'X9', model: 'Other', brand: 'Acme', price: 2500, pp: [null, null, null, null, null], preorderDays: 30 },
  ]);
  await addStore(h.db, key, { merchantId: 'B1', name: 'Bob shop', session: 'mc-session=b; mc-sid=b', user: 'bob' });
  api = await startApi(h.db, {
    deps: {
      handle: h,
      config: resolveConfig(
        { home: mkdtempSync(join(tmpdir(), 'mp-serve-kaspi-')) },
        { MP_KASPI_URL: mc.url, MP_KASPI_MC_URL: mc.url, MP_DEMPER_OFFERS_RATE: '0' },
      ),
      log: memoryLogger(),
      clock: { now: () => FIXTURE_NOW },
      secretKey: async () => key,
    },
  });
  ({ alice, aliceRead, bob, doc, spec, call } = await apiSession(h.db, api));
});
afterAll(async () => {
  await api?.server.shutdown(5000);
  await mc?.stop();
  await shop?.stop();
  await h?.close();
});

describe('auth sweep', () => {
  it('every /api/v1/kaspi endpoint: 401 without a token, 403 with a token lacking its scope; bodies: 415 not JSON, 413 too large', async () => {
    const payoutsOnly = await bearer(h.db, ['payouts'], 'alice');
    const problems = await sweepAuth(doc, call, {
      prefix: '/api/v1/kaspi',
      params: { store: 'M1', sku: 'P1', run: 'r1' },
      wrongScope: { read: payoutsOnly, write: aliceRead },
      rightScope: { read: aliceRead, write: alice },
    });
    expect(problems).toEqual([]);
  });

  it('every /api/v1/kaspi endpoint naming bob’s store answers alice 403 FORBIDDEN (one that does not exist: 404); nothing changes', async () => {
    const before = await h.db.selectFrom('kaspi_stores').selectAll().where('merchant_id', '=', 'B1').execute();
    const { problems, called } = await sweepOtherUser(doc, call, {
      prefix: '/api/v1/kaspi',
      params: { store: 'B1', sku: 'P1', run: 'r1' },
      missing: { store: 'NOPE' },
      auth: { read: aliceRead, write: alice },
      bodies: {
        'PATCH /api/v1/kaspi/stores/{store}/products': { skus: ['P1'], enabled: false },
        'PATCH /api/v1/kaspi/stores/{store}/products/{sku}': { enabled: false },
      },
    });
    expect(problems).toEqual([]);
    expect(called.length).toBeGreaterThanOrEqual(12);
    expect(await h.db.selectFrom('kaspi_stores').selectAll().where('merchant_id', '=', 'B1').execute()).toEqual(before);
    const theirs = await call('GET', '/api/v1/kaspi/stores/Bob%20shop/orders', aliceRead);
    expect([theirs.status, theirs.body.code, theirs.body.detail]).toEqual([
      403,
      'FORBIDDEN',
      'store "Bob shop" belongs to another user: this token\'s user may not use it',
    ]);
  });
});

describe('stores', () => {
  it('list (secrets never shown), add with the session in the body, join refused without one, remove; another user’s store is 403', async () => {
    const list = await call('GET', '/api/v1/kaspi/stores', aliceRead);
    expect(list.body.meta).toEqual({ limit: 50, offset: 0, total: 1, returned: 1, next_offset: null });
    expect(list.body.items[0]).toMatchObject({ merchant_id: 'M1', name: 'Shop', session: 'stored', token: 'stored' });
    expect(JSON.stringify(list.body)).not.toContain('mc-session');
    expect((await call('GET', '/api/v1/kaspi/stores', bob)).body.items.map((s: { merchant_id: string }) => s.merchant_id)).toEqual(['B1']);
    expect((await call('GET', '/api/v1/kaspi/stores?limit=501', bob)).body.code).toBe('BAD_LIMIT');

    const bad = await call('POST', '/api/v1/kaspi/stores', alice, { merchant_id: 'no spaces', name: 'X' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('STORE_BAD_MERCHANT');
    expect((await call('POST', '/api/v1/kaspi/stores', alice, { merchant_id: 'M2', name: 'X', city: 'almaty' })).body.code).toBe('STORE_BAD_CITY');
    expect((await call('POST', '/api/v1/kaspi/stores', alice, { merchant_id: 'M2', name: 'X', session: 'nonsense' })).body.code).toBe('STORE_BAD_SESSION');
    const taken = await call('POST', '/api/v1/kaspi/stores', alice, { merchant_id: 'B1', name: 'Mine now' });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('STORE_EXISTS');
    const added = await call('POST', '/api/v1/kaspi/stores', alice, {
      merchant_id: 'M2',
      name: 'Second',
      session: 'mc-session=x; mc-sid=y',
      points: 'PP1,PP2',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ merchant_id: 'M2', name: 'Second', session: 'stored', token: '', points: 'PP1 PP2', cities: '750000000' });
    expect(added.headers.get('location')).toBe('/api/v1/kaspi/stores/M2');
    expect((await call('GET', '/api/v1/kaspi/stores?limit=1&offset=1', aliceRead)).body.meta).toEqual({
      limit: 1,
      offset: 1,
      total: 2,
      returned: 1,
      next_offset: null,
    });

    expect((await call('DELETE', '/api/v1/kaspi/stores/M2', bob)).body.code).toBe('FORBIDDEN');
    const gone = await call('DELETE', '/api/v1/kaspi/stores/M2', alice);
    expect(gone.body).toEqual({ merchant_id: 'M2', name: 'Second', removed: true, detached: false });
    expect((await call('GET', '/api/v1/kaspi/stores', aliceRead)).body.meta.total).toBe(1);
  });
});

describe('products', () => {
  it('list with filters and pages; one product’s limits and strategy; batch disable and enable; the CLI’s codes', async () => {
    const all = await call('GET', '/api/v1/kaspi/stores/M1/products?limit=2', aliceRead);
    expect(all.body.meta).toEqual({ limit: 2, offset: 0, total: 3, returned: 2, next_offset: 2 });
    expect(all.body.items.map((p: { sku: string }) => p.sku)).toEqual(['P1', 'P2']);
    expect(all.body.items[0]).toMatchObject({ store: 'M1', price: '1000', min_price: '800', max_price: '1500', strategy: 'undercut', enabled: true });
    expect((await call('GET', '/api/v1/kaspi/stores/M1/products?strategy=hold', aliceRead)).body.items.map((p: { sku: string }) => p.sku)).toEqual(['P3']);
    expect((await call('GET', '/api/v1/kaspi/stores/Shop/products?search=PHONE', aliceRead)).body.items.map((p: { sku: string }) => p.sku)).toEqual(['P1']);
    expect((await call('GET', '/api/v1/kaspi/stores/M1/products?sku=P2,P3', aliceRead)).body.meta.total).toBe(2);
    expect((await call('GET', '/api/v1/kaspi/stores/M1/products?strategy=cheapest', aliceRead)).body.code).toBe('DEMPER_BAD_STRATEGY');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/products', bob)).body.code).toBe('FORBIDDEN');

    const set = await call('PATCH', '/api/v1/kaspi/stores/M1/products/P3', alice, { min_price: 260, strategy: 'top-2', min_margin_pct: '12.5' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ sku: 'P3', min_price: '260', strategy: 'top-2', min_margin_pct: '12.5' });
    const cleared = await call('PATCH', '/api/v1/kaspi/stores/M1/products/P3', alice, { strategy: 'hold', min_margin_pct: null });
    expect(cleared.body).toMatchObject({ strategy: 'hold', min_margin_pct: null });
    expect((await call('PATCH', '/api/v1/kaspi/stores/M1/products/P3', alice, { min_price: 5 })).body.code).toBe('DEMPER_BAD_PRICE');
    const above = await call('PATCH', '/api/v1/kaspi/stores/M1/products/P3', alice, { min_price: 500 });
    expect(above.status).toBe(400);
    expect(above.body.code).toBe('DEMPER_MIN_ABOVE_MAX');
    expect((await call('PATCH', '/api/v1/kaspi/stores/M1/products/P3', alice, { strategy: 'cheapest' })).body.code).toBe('DEMPER_BAD_STRATEGY');
    expect((await call('PATCH', '/api/v1/kaspi/stores/M1/products/P3', alice, {})).body.code).toBe('DEMPER_NOTHING_TO_SET');
    const unknown = await call('PATCH', '/api/v1/kaspi/stores/M1/products/NOPE', alice, { step: 2 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('DEMPER_UNKNOWN_SKU');
    expect((await call('PATCH', '/api/v1/kaspi/stores/M1/products/P3', bob, { step: 2 })).status).toBe(403);

    expect((await call('PATCH', '/api/v1/kaspi/stores/M1/products', alice, { enabled: false })).body.code).toBe('BAD_OPTION');
    expect((await call('PATCH', '/api/v1/kaspi/stores/M1/products', alice, { enabled: 'no', all: true })).body.fields).toHaveProperty('enabled');
    expect((await call('PATCH', '/api/v1/kaspi/stores/M1/products', bob, { enabled: false, all: true })).status).toBe(403);
    expect((await call('PATCH', '/api/v1/kaspi/stores/M1/products', alice, { enabled: false, all: true })).body).toEqual({ updated: 3 });
    expect((await call('GET', '/api/v1/kaspi/stores/M1/products?enabled=true', aliceRead)).body.meta.total).toBe(0);
    expect((await call('PATCH', '/api/v1/kaspi/stores/M1/products', alice, { enabled: true, skus: ['P1', 'P2'] })).body).toEqual({ updated: 2 });
    expect((await call('GET', '/api/v1/kaspi/stores/M1/products?enabled=false', aliceRead)).body.items.map((p: { sku: string }) => p.sku)).toEqual(['P3']);
  });
});

describe('repricer', () => {
  it('a plan reads offers and writes nothing; a dry run records decisions; an applying run sends the changes; runs and their decisions page', async () => {
    expect((await call('POST', '/api/v1/kaspi/stores/M1/plans', bob, {})).status).toBe(403);
    expect((await call('POST', '/api/v1/kaspi/stores/M1/plans', aliceRead, { max_change_pct: 0 })).body.code).toBe('BAD_OPTION');
    const plan = await call('POST', '/api/v1/kaspi/stores/M1/plans', aliceRead, {});
    expect(plan.status).toBe(200);
    const bySku = (items: { sku: string }[]) => Object.fromEntries(items.map((i) => [i.sku, i]));
    expect(bySku(plan.body.items)).toMatchObject({
      P1: { price: 1000, competitor: 'Alpha', new_price: 985, reason: 'UNDERCUT', change: true, city_name: 'Almaty' },
      P2: { price: 500, new_price: 480, reason: 'MATCH', change: true },
    });
    expect(plan.body.summary).toMatchObject({ products: 2, changes: 2, unknown: 0 });
    expect((await call('GET', '/api/v1/kaspi/stores/M1/runs', aliceRead)).body.meta.total).toBe(0);

    expect((await call('POST', '/api/v1/kaspi/stores/M1/runs', alice, { apply: 'yes' })).body.fields).toEqual({ apply: 'must be true or false' });
    expect((await call('GET', '/api/v1/kaspi/stores/M1/runs?limit=0', aliceRead)).body.code).toBe('BAD_LIMIT');
    const dry = await call('POST', '/api/v1/kaspi/stores/M1/runs', alice, { exclude: ['A'] });
    expect(dry.status).toBe(201);
    expect(dry.body).toMatchObject({ apply: false, store: { merchant_id: 'M1', planned: 2, applied: 0 } });
    // With the only rival excluded there is no competition: both go to their max (a dry run sends nothing).
    expect(bySku(dry.body.items)).toMatchObject({ P1: { new_price: 1500, mode: 'dry-run' }, P2: { new_price: 700, mode: 'dry-run' } });
    expect(mc.updates).toHaveLength(0);
    expect(dry.headers.get('location')).toBe(dry.body.href);

    const applied = await call('POST', '/api/v1/kaspi/stores/M1/runs', alice, { apply: true });
    expect(applied.body.store).toMatchObject({ applied: 2, failed: 0, skipped: 0 });
    expect(mc.updates.map((u) => [u.sku, u.price]).sort()).toEqual([
      ['P1', 985],
      ['P2', 480],
    ]);
    const products = await call('GET', '/api/v1/kaspi/stores/M1/products?sku=P1', aliceRead);
    expect(products.body.items[0]).toMatchObject({ price: '985', last_reason: 'UNDERCUT' });

    const runs = await call('GET', '/api/v1/kaspi/stores/M1/runs?limit=1', aliceRead);
    expect(runs.body.meta).toEqual({ limit: 1, offset: 0, total: 2, returned: 1, next_offset: 1 });
    expect(runs.body.items[0]).toMatchObject({ decisions: 2, applied: 2 });
    const decisions = await call('GET', `${applied.body.href}?limit=1&offset=1`, aliceRead);
    expect(decisions.body.meta).toEqual({ limit: 1, offset: 1, total: 2, returned: 1, next_offset: null });
    expect(decisions.body.items[0]).toMatchObject({ mode: 'applied', old_price: expect.any(String) });
    expect((await call('GET', '/api/v1/kaspi/stores/M1/runs/20990101000000-ffffff', aliceRead)).body.code).toBe('DEMPER_RUN_NOT_FOUND');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/runs/bad%20id', aliceRead)).body.code).toBe('DEMPER_RUN_NOT_FOUND');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/runs', bob)).status).toBe(403);
    expect((await call('GET', applied.body.href, bob)).status).toBe(403);
    expect((await call('POST', '/api/v1/kaspi/stores/M1/runs', bob, {})).status).toBe(403);
  }, 30_000);

  it('a run while another mp process runs the store (`mp demper run` holds its run lock): 409 ALREADY_RUNNING, nothing recorded', async () => {
    const before = await h.db
      .selectFrom('price_changes')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    let release!: () => void;
    let locked!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = withAdvisoryLock(h, runLockName('M1', undefined), async () => {
      locked();
      await held;
    });
    await lockTaken;
    const busy = await call('POST', '/api/v1/kaspi/stores/M1/runs', alice, { apply: true });
    release();
    await holder;
    expect([busy.status, busy.body.code]).toEqual([409, 'ALREADY_RUNNING']);
    expect(busy.body.detail).toContain('the demper run of store M1 is already running');
    const after = await h.db
      .selectFrom('price_changes')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe('orders, sales, preorders', () => {
  it('orders: pages with metadata that add up, filters, Almaty window; the CLI’s codes', async () => {
    const first = await call('GET', '/api/v1/kaspi/stores/M1/orders?since=30d&limit=3', aliceRead);
    expect(first.body.meta).toEqual({ limit: 3, offset: 0, total: 8, returned: 3, next_offset: 3 });
    expect(first.body.window.timeZone).toBe('Asia/Almaty');
    // The page's ETag: 304 while it is the same (orders-cache.test.ts: what changes it).
    const etag = first.headers.get('etag')!;
    expect((await call('GET', '/api/v1/kaspi/stores/M1/orders?since=30d&limit=3', aliceRead, undefined, undefined, { 'if-none-match': etag })).status).toBe(
      304,
    );
    const pages = [first];
    while (pages.at(-1)!.body.meta.next_offset !== null)
      pages.push(await call('GET', `/api/v1/kaspi/stores/M1/orders?since=30d&limit=3&offset=${pages.at(-1)!.body.meta.next_offset}`, aliceRead));
    const codes = pages.flatMap((p) => p.body.items.map((o: { code: string }) => o.code));
    expect(codes).toHaveLength(8);
    expect(new Set(codes).size).toBe(8);
    const times = pages.flatMap((p) => p.body.items.map((o: { createdAt: string }) => o.createdAt));
    expect(times).toEqual([...times].sort().reverse());
    expect(first.body.items[0].phone).not.toMatch(/\d{7}/);
    // The page is the one `mp kaspi orders` prints (the same service and statement).
    const store = await h.db.selectFrom('kaspi_stores').select('id').where('merchant_id', '=', 'M1').executeTakeFirstOrThrow();
    expect(first.body.items).toEqual(await ordersReport(h.db, store.id, { since: new Date(first.body.window.from), limit: 3 }));
    const cancelled = await call('GET', '/api/v1/kaspi/stores/M1/orders?since=30d&status=cancelled', aliceRead);
    expect(cancelled.body.items.every((o: { status: string }) => o.status === 'CANCELLED')).toBe(true);
    expect(cancelled.body.meta.total).toBeGreaterThan(0);
    expect((await call('GET', '/api/v1/kaspi/stores/M1/orders?state=LOST', aliceRead)).body.code).toBe('KASPI_BAD_STATE');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/orders?since=soon', aliceRead)).body.code).toBe('KASPI_BAD_SINCE');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/orders?offset=-1', aliceRead)).body.code).toBe('BAD_OFFSET');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/orders', bob)).body.code).toBe('FORBIDDEN');
  });

  it('sales report: the hand-checked totals by day, product and city; KASPI_BAD_PERIOD and KASPI_BAD_BY', async () => {
    const r = await call('GET', '/api/v1/kaspi/stores/M1/reports/sales?period=7d', aliceRead);
    expect(r.body.totals).toEqual({
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
    expect(r.body.rows).toHaveLength(7);
    expect((await call('GET', '/api/v1/kaspi/stores/M1/reports/sales?period=30d&by=city', aliceRead)).body.totals).toMatchObject({
      orders: 8,
      revenue: '36000',
    });
    expect((await call('GET', '/api/v1/kaspi/stores/M1/reports/sales?by=product', aliceRead)).body.by).toBe('product');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/reports/sales?period=400d', aliceRead)).body.code).toBe('KASPI_BAD_PERIOD');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/reports/sales?period=week', aliceRead)).body.code).toBe('KASPI_BAD_PERIOD');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/reports/sales?by=hour', aliceRead)).body.code).toBe('KASPI_BAD_BY');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/reports/sales', bob)).status).toBe(403);
  });

  it('profit report: revenue and costs over Almaty days; without costs profit is null with a warning; PROFIT_BAD_PERIOD, PROFIT_BAD_DATE', async () => {
    const r = await call('GET', '/api/v1/kaspi/stores/M1/reports/profit?days=30', aliceRead);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ store: 'Shop', currency: 'KZT', period: { timeZone: 'Asia/Almaty', toDay: '2026-11-20' } });
    expect(Number(r.body.totals.revenue)).toBe(36000);
    expect(r.body.totals.profit).toBeNull();
    expect(r.body.warnings.length).toBeGreaterThan(0);
    const fixed = await call('GET', '/api/v1/kaspi/stores/M1/reports/profit?from=2026-11-14&to=2026-11-20', aliceRead);
    expect(fixed.body.period).toMatchObject({ fromDay: '2026-11-14', toDay: '2026-11-20' });
    expect((await call('GET', '/api/v1/kaspi/stores/M1/reports/profit?days=0', aliceRead)).body.code).toBe('PROFIT_BAD_PERIOD');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/reports/profit?from=2026-13-01', aliceRead)).body.code).toBe('PROFIT_BAD_DATE');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/reports/profit?days=7&from=2026-11-01', aliceRead)).body.code).toBe('PROFIT_BAD_PERIOD');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/reports/profit', bob)).status).toBe(403);
  });

  it('preorders: the price the file states and where it comes from, paged', async () => {
    const p = await call('GET', '/api/v1/kaspi/stores/M1/preorders?limit=1', aliceRead);
    expect(p.body.meta).toEqual({ limit: 1, offset: 0, total: 2, returned: 1, next_offset: 1 });
    expect(p.body.items[0]).toMatchObject({ sku: 'P1', price: 985, price_from: 'repricer', own_price: null, pp1: '5', preorder_days: 7 });
    const rest = await call('GET', '/api/v1/kaspi/stores/M1/preorders?offset=1', aliceRead);
    expect(rest.body.items[0]).toMatchObject({ sku: 'X9', price: 2500, price_from: 'own', own_price: '2500' });
    expect((await call('GET', '/api/v1/kaspi/stores/M1/preorders?limit=x', aliceRead)).body.code).toBe('BAD_LIMIT');
    expect((await call('GET', '/api/v1/kaspi/stores/M1/preorders', bob)).status).toBe(403);
  });
});

describe('coverage', () => {
  it('every documented /api/v1/kaspi operation and status was exercised', () => {
    expect(uncoveredOfTag(doc, spec, 'kaspi')).toEqual([]);
  });
});
