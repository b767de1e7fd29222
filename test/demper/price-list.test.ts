// The price list Kaspi receives (issue 20), on a real migrated database and the fake cabinet + offers
// server: planning per city from each city's competitors, the list served over HTTP (basic auth,
// secret path, ETag / Last-Modified / 304, 503 with no plan or past the shrink guard, the fetch log),
// availability (disabled, stock import, preorder rows), brand, and the preorder file agreeing with it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { readTableFile } from '../../src/core/table-file.js';
import { setCost } from '../../src/costs/costs.service.js';
import { createOffersClient, kaspiOffersFetcher } from '../../src/demper/offers-source.js';
import { planRecord, planRepricing } from '../../src/demper/plan.service.js';
import { assembleStorePriceList } from '../../src/demper/price-list.service.js';
import { lastFetches, recentFetches } from '../../src/demper/price-list-log.repository.js';
import { patchProducts, upsertProducts } from '../../src/demper/products.repository.js';
import { importCabinetOffers } from '../../src/demper/products.service.js';
import { type RunOptions, runRepricing } from '../../src/demper/run.service.js';
import { acceptPriceList, priceListToken } from '../../src/demper/served-price-list.service.js';
import { importStockFile } from '../../src/demper/stock.service.js';
import { type FakeKaspiMc, startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import type { HttpClient } from '../../src/http/client.js';
import { createMcClient, listCabinetOffers } from '../../src/kaspi/merchant/mc-client.js';
import { findStore, type StoreRow } from '../../src/kaspi/merchant/stores.repository.js';
import { addStore, setStoreCities } from '../../src/kaspi/merchant/stores.service.js';
import { upsertPreorders } from '../../src/preorders/preorders.repository.js';
import { exportPreorders } from '../../src/preorders/preorders.service.js';
import { marginRules } from '../../src/profit/floor.service.js';
import { createApiServer } from '../../src/serve/server.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const ALMATY = '750000000';
const ASTANA = '710000000';
const key = randomBytes(32);
const CREDENTIALS = { user: 'kaspi', password: 'correct horse battery' };
const auth = (user = CREDENTIALS.user, password = CREDENTIALS.password) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

let handle: TestDatabase;
let fake: FakeKaspiMc;
let offersClient: HttpClient;
let mc: HttpClient;
let dir: string;
let base: string;
let closeServer: () => Promise<void>;
const accessLog: string[] = [];
let store: StoreRow;
let other: StoreRow;

beforeAll(async () => {
  handle = await createTestDatabase();
  fake = await startFakeKaspiMc({
    merchants: [
      {
        uid: 'M1',
        name: 'My Shop',
        offers: [{ sku: 'P1', masterSku: '100001', title: 'Phone, black', brand: 'Apple', price: 1000 }],
      },
    ],
    // Cities other than these two fall back to the same offers; each test city has its own.
    offers: {},
  });
  // Each city's sellers and prices are its own, as Kaspi answers per cityId.
  fake.cityOffers = {
    [ALMATY]: {
      '100001': [
        { merchantId: 'M1', price: 1000 },
        { merchantId: 'A', merchantName: 'Alpha', price: 990 },
      ],
      '100002': [
        { merchantId: 'M1', price: 500 },
        { merchantId: 'A', merchantName: 'Alpha', price: 480 },
      ],
    },
    [ASTANA]: {
      '100001': [
        { merchantId: 'M1', price: 1000 },
        { merchantId: 'B', merchantName: 'Beta', price: 950 },
      ],
      '100002': [
        { merchantId: 'M1', price: 500 },
        { merchantId: 'C', merchantName: 'Gamma', price: 450 },
      ],
    },
  };
  fake.productOf = { P1: '100001', P2: '100002' };
  dir = mkdtempSync(join(tmpdir(), 'mp-price-list-'));
  const config = resolveConfig({ home: dir }, { MP_KASPI_URL: fake.url });
  offersClient = createOffersClient(config, 0);
  mc = createMcClient(fake.url);

  store = await addStore(handle.db, key, { merchantId: 'M1', name: 'My Shop', session: fake.newSession(['M1']) });
  store = await setStoreCities(handle.db, 'M1', [ALMATY, ASTANA]);
  other = await addStore(handle.db, key, { merchantId: 'M2', name: 'Other Shop' });
  const hold = (sku: string, price: number) => ({
    sku,
    productId: `20000${sku.slice(1)}`,
    name: `Item ${sku}`,
    price,
    minPrice: 100,
    maxPrice: 5000,
    step: 1,
    strategy: 'hold' as const,
    topN: null,
  });
  await upsertProducts(handle.db, store.id, [
    { sku: 'P1', productId: '100001', name: 'Phone, black', price: 1000, minPrice: 800, maxPrice: 1500, step: 5, strategy: 'undercut', topN: null },
    { sku: 'P2', productId: '100002', name: 'Case', price: 500, minPrice: 300, maxPrice: 700, step: 1, strategy: 'match', topN: null },
    hold('P3', 3000),
    hold('P4', 4000),
    hold('P5', 2500),
    hold('P6', 1200),
  ]);
  await upsertProducts(handle.db, other.id, [hold('Q1', 700)]);

  const server = createApiServer(handle.db, {
    secretKey: key,
    accessLog: new Writable({
      write(chunk, _e, cb) {
        accessLog.push(...String(chunk).trim().split('\n'));
        cb();
      },
    }),
    priceLists: { credentials: CREDENTIALS, maxFailures: 6 },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeServer = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
});

afterEach(() => fake?.verify());
afterAll(async () => {
  await closeServer?.();
  await offersClient?.close();
  await mc?.close();
  await fake?.stop();
  await handle?.close();
});

function options(stores: StoreRow[], extra: Partial<RunOptions> = {}): RunOptions {
  return { stores, rules: {}, concurrency: 4, now: new Date(), apply: false, via: 'api', writeRate: 1.5, exportDir: dir, ...extra };
}

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => fetch(`${base}${path}`, { method, headers });

/** The cityprice entries of one offer of a price list. */
function cityPrices(xml: string, sku: string): Record<string, number> {
  const offer = new RegExp(`<offer sku="${sku}">([\\s\\S]*?)</offer>`).exec(xml)?.[1] ?? '';
  return Object.fromEntries([...offer.matchAll(/<cityprice cityId="(\d+)">(\d+)<\/cityprice>/g)].map((m) => [m[1], Number(m[2])]));
}

function offerOf(xml: string, sku: string): string {
  return new RegExp(`<offer sku="${sku}">([\\s\\S]*?)</offer>`).exec(xml)?.[1] ?? '';
}

describe('the price list Kaspi receives', () => {
  it('before any plan, the list is 503 (not an unplanned or empty list)', async () => {
    const res = await get('/kaspi/price-lists/M1.xml', auth());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('600');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PRICE_LIST_NO_PLAN');
  });

  it('plans per city from that city’s competitors, and the list carries one cityprice per city', async () => {
    const plan = await planRepricing(handle.db, kaspiOffersFetcher(offersClient), options([store]));
    const decided = plan
      .filter((i) => ['P1', 'P2'].includes(i.product.sku))
      .map(planRecord)
      .map((r) => [r.sku, r.city, r.competitor, r.new_price, r.reason])
      .sort();
    expect(decided).toEqual([
      ['P1', ASTANA, 'Beta', 945, 'UNDERCUT'],
      ['P1', ALMATY, 'Alpha', 985, 'UNDERCUT'],
      ['P2', ASTANA, 'Gamma', 450, 'MATCH'],
      ['P2', ALMATY, 'Alpha', 480, 'MATCH'],
    ]);
    // Every product is decided in both cities: 6 products × 2.
    expect(plan).toHaveLength(12);

    const report = await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), key }, options([store], { apply: true, via: 'xml' }));
    const xml = readFileSync(report.stores[0]!.xml!, 'utf8');
    expect(cityPrices(xml, 'P1')).toEqual({ [ALMATY]: 985, [ASTANA]: 945 });
    expect(cityPrices(xml, 'P2')).toEqual({ [ALMATY]: 480, [ASTANA]: 450 });
    expect(cityPrices(xml, 'P3')).toEqual({ [ALMATY]: 3000, [ASTANA]: 3000 });
    // <price> is the home city's.
    expect(offerOf(xml, 'P1')).toContain('<price>985</price>');
    // The audit table has the city of each decision.
    const rows = await handle.db
      .selectFrom('price_changes')
      .select(['sku', 'city_id', 'new_price', 'mode'])
      .where('sku', '=', 'P1')
      .orderBy('city_id')
      .execute();
    expect(rows).toEqual([
      { sku: 'P1', city_id: ASTANA, new_price: '945', mode: 'xml' },
      { sku: 'P1', city_id: ALMATY, new_price: '985', mode: 'xml' },
    ]);
    // Astana's price is kept per city; Almaty's is the product's own.
    const astana = await handle.db
      .selectFrom('demper_city_prices as c')
      .innerJoin('demper_products as p', 'p.id', 'c.demper_product_id')
      .select(['c.price', 'c.last_reason'])
      .where('p.sku', '=', 'P1')
      .where('c.city_id', '=', ASTANA)
      .executeTakeFirstOrThrow();
    expect(astana).toEqual({ price: '945', last_reason: 'UNDERCUT' });
    const [p1] = await handle.db.selectFrom('demper_products').select('price').where('sku', '=', 'P1').execute();
    expect(p1!.price).toBe('985');
  });

  it('an api run decides in each city from the price known there and writes each city with its own id', async () => {
    // Kaspi now shows what the xml run set (as if its loader had fetched the list).
    fake.cityOffers[ALMATY]!['100001']![0]!.price = 985;
    fake.cityOffers[ASTANA]!['100001']![0]!.price = 945;
    fake.cityOffers[ASTANA]!['100001']![1]!.price = 930;
    const writes = fake.requestsTo('/pricefeed/upload/merchant/process').length;
    const report = await runRepricing(
      handle.db,
      { offers: kaspiOffersFetcher(offersClient), mc, key },
      options([store], { apply: true, via: 'api', writeRate: 1.5, now: new Date() }),
    );
    const p1 = report.items.filter((i) => i.product.sku === 'P1').map((i) => [i.cityId, i.stored, i.decision.newPrice, i.mode]);
    expect(p1.sort()).toEqual([
      [ASTANA, 945, 925, 'applied'],
      [ALMATY, 985, 985, 'unchanged'],
    ]);
    const sent = fake
      .requestsTo('/pricefeed/upload/merchant/process')
      .slice(writes)
      .map((r) => JSON.parse(r.body) as { sku: string; cityPrices: { cityId: string; value: number }[] });
    expect(sent.filter((b) => b.sku === 'P1').map((b) => b.cityPrices)).toEqual([[{ cityId: ASTANA, value: 925 }]]);
    // The list follows an applied price too.
    const list = await assembleStorePriceList(handle.db, store, new Date());
    expect(list.feed.offers.find((o) => o.sku === 'P1')!.cityPrices).toEqual([
      { cityId: ALMATY, price: 985 },
      { cityId: ASTANA, price: 925 },
    ]);
  });

  it('serves the list: 401 without credentials, 200 with, 304 on a conditional GET, read-only, never another store’s', async () => {
    const none = await get('/kaspi/price-lists/M1.xml');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(await none.text()).not.toContain('<kaspi_catalog');
    expect((await get('/kaspi/price-lists/M1.xml', auth('kaspi', 'wrong password!'))).status).toBe(401);

    const ok = await get('/kaspi/price-lists/M1.xml', auth());
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const etag = ok.headers.get('etag')!;
    const lastModified = ok.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const xml = await ok.text();
    expect(xml).toContain('<merchantid>M1</merchantid>');
    expect(xml).not.toContain('Q1');
    expect(cityPrices(xml, 'P2')).toEqual({ [ALMATY]: 480, [ASTANA]: 450 });

    const again = await get('/kaspi/price-lists/M1.xml', { ...auth(), 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await get('/kaspi/price-lists/M1.xml', { ...auth(), 'if-modified-since': lastModified })).status).toBe(304);
    // The same content keeps its Last-Modified; a stale ETag gets the list.
    const stale = await get('/kaspi/price-lists/M1.xml', { ...auth(), 'if-none-match': '"0000"' });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('last-modified')).toBe(lastModified);
    expect(await stale.text()).toBe(xml);
    const head = await get('/kaspi/price-lists/M1.xml', auth(), 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    const post = await get('/kaspi/price-lists/M1.xml', auth(), 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');

    // Another store: its own list only (here: none planned yet), and an unknown one is 404.
    expect((await get('/kaspi/price-lists/M2.xml', auth())).status).toBe(503);
    expect((await get('/kaspi/price-lists/M9.xml', auth())).status).toBe(404);
    // By name is not an address (only the merchant id is).
    expect((await get(`/kaspi/price-lists/${encodeURIComponent('My Shop')}.xml`, auth())).status).toBe(404);
    // The rest of mp serve is as it was: /healthz, and the payouts API behind its API token.
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/api/payouts')).status).toBe(401);
  });

  it('the secret path serves the same list without credentials; it never appears in a log', async () => {
    const token = await priceListToken(handle.db, key, (await findStore(handle.db, 'M1'))!);
    const res = await get(`/kaspi/price-lists/s/${token}.xml`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<merchantid>M1</merchantid>');
    expect((await get(`/kaspi/price-lists/s/${token.slice(0, -2)}xx.xml`)).status).toBe(404);
    // The same token again is the same path; another store's token is its own.
    expect(await priceListToken(handle.db, key, (await findStore(handle.db, 'M1'))!)).toBe(token);
    const otherToken = await priceListToken(handle.db, key, other);
    expect(otherToken).not.toBe(token);
    expect((await get(`/kaspi/price-lists/s/${otherToken}.xml`)).status).toBe(503);
    expect(accessLog.join('\n')).not.toContain(token);
    expect(accessLog.join('\n')).toContain('/kaspi/price-lists/s/****.xml');
    const logged = await handle.db.selectFrom('kaspi_price_list_fetches').selectAll().execute();
    expect(JSON.stringify(logged)).not.toContain(token);
    expect(JSON.stringify(logged)).not.toContain(CREDENTIALS.password);
  });

  it('each fetch is logged (who, when, status) and the store list shows when Kaspi last fetched', async () => {
    const before = new Date(Date.now() - 60_000);
    await get('/kaspi/price-lists/M1.xml', { ...auth(), 'user-agent': 'KaspiLoader/1.0' });
    // The fetch is logged once the answer is out: the client does not wait for it.
    let fetches = await recentFetches(handle.db, store.id, 50);
    for (let i = 0; i < 100 && fetches[0]?.user_agent !== 'KaspiLoader/1.0'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      fetches = await recentFetches(handle.db, store.id, 50);
    }
    expect(fetches[0]).toMatchObject({ status: 200, via: 'basic', client: expect.stringMatching(/127\.0\.0\.1/), user_agent: 'KaspiLoader/1.0' });
    expect(fetches[0]!.at.getTime()).toBeGreaterThan(before.getTime());
    const statuses = new Set(fetches.map((f) => `${f.status} ${f.via}`));
    for (const s of ['401 basic', '200 basic', '304 basic', '200 secret', '503 basic', '405 basic']) expect(statuses).toContain(s);
    expect(fetches.find((f) => f.status === 401)!.detail).toMatch(/credentials/);
    const last = (await lastFetches(handle.db, [store.id, other.id])).get(store.id)!;
    expect(last.fetched_at!.getTime()).toBeGreaterThan(before.getTime());
    expect(last.last_status).toBe(200);
    expect((await lastFetches(handle.db, [other.id])).get(other.id)).toEqual({ fetched_at: null, last_at: expect.any(Date), last_status: 503 });
  });

  it('a disabled product stays listed, off sale: available="no" at each point', async () => {
    const first = await get('/kaspi/price-lists/M1.xml', auth());
    const etag = first.headers.get('etag');
    const [p6] = await handle.db.selectFrom('demper_products').select('id').where('sku', '=', 'P6').execute();
    await patchProducts(handle.db, [p6!.id], { enabled: false });
    const res = await get('/kaspi/price-lists/M1.xml', { ...auth(), 'if-none-match': etag! });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).not.toBe(etag);
    const xml = await res.text();
    expect(offerOf(xml, 'P6')).toMatch(/<availabilities>\s*<availability available="no" storeId="PP1"\/>\s*<\/availabilities>/);
    expect(offerOf(xml, 'P5')).toContain('<availability available="yes" storeId="PP1"/>');
    // The catalogue's date is the time this content first went out (Last-Modified), in Almaty time.
    const lastModified = new Date(res.headers.get('last-modified')!);
    const date = new Date(/<kaspi_catalog date="([^"]+)"/.exec(xml)![1]!);
    expect(Math.floor(date.getTime() / 1000)).toBe(lastModified.getTime() / 1000);
  });

  it('503 when the list shrinks past the guard (offers, or offers on sale), until the seller accepts it', async () => {
    // Three more of five on sale taken off sale: 60% fewer on sale.
    const off = await handle.db.selectFrom('demper_products').select('id').where('sku', 'in', ['P3', 'P4', 'P5']).execute();
    await patchProducts(
      handle.db,
      off.map((r) => r.id),
      { enabled: false },
    );
    const held = await get('/kaspi/price-lists/M1.xml', auth());
    expect(held.status).toBe(503);
    const body = (await held.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('PRICE_LIST_SHRUNK');
    expect(body.error.message).toMatch(/2 offers on sale, 60% fewer .*mp demper price-list accept --store M1/);
    const accepted = await acceptPriceList(handle.db, (await findStore(handle.db, 'M1'))!, new Date());
    expect(accepted).toMatchObject({ offers: 6, available: 2 });
    const res = await get('/kaspi/price-lists/M1.xml', auth());
    expect(res.status).toBe(200);
    expect((await res.text()).match(/available="yes"/g)).toHaveLength(2);

    // A product that disappears from the list (its row gone): 6 → 4 offers is more than 20% fewer.
    const gone = await handle.db.selectFrom('demper_products').select('id').where('sku', 'in', ['P4', 'P5']).execute();
    await handle.db
      .deleteFrom('demper_products')
      .where(
        'id',
        'in',
        gone.map((r) => r.id),
      )
      .execute();
    const shrunk = await get('/kaspi/price-lists/M1.xml', auth());
    expect(shrunk.status).toBe(503);
    expect(((await shrunk.json()) as { error: { message: string } }).error.message).toMatch(/4 offers, 33% fewer than the list last served \(6\)/);
    await acceptPriceList(handle.db, (await findStore(handle.db, 'M1'))!, new Date());
    expect((await get('/kaspi/price-lists/M1.xml', auth())).status).toBe(200);
  });

  it('stock import: all or nothing; stock per point becomes stockCount, no stock available="no"', async () => {
    const good = join(dir, 'stock.csv');
    writeFileSync(good, 'SKU,model,price,PP1,PP2\nP1,Phone,985,5,0\nP3,Item,3000,,2\nZ9,Not managed,100,1,\n');
    const result = await importStockFile(handle.db, store, good, new Date());
    expect(result).toMatchObject({ skus: 3, points: 4, not_managed: ['Z9'] });
    const bad = join(dir, 'bad-stock.csv');
    writeFileSync(bad, 'sku,point,stock\nP1,PP1,7\nP2,PP9,x\nP2,Q1,1\n');
    await expect(importStockFile(handle.db, store, bad, new Date())).rejects.toMatchObject({
      code: 'DEMPER_STOCK_INVALID',
      message: expect.stringMatching(/row 3: stock must be a whole stock count.*row 4: point must be a point of sale like PP1/),
    });
    // Nothing from the bad file was written: P1 still has 5 at PP1.
    const list = await assembleStorePriceList(handle.db, store, new Date());
    const p1 = list.feed.offers.find((o) => o.sku === 'P1')!;
    expect(p1.availabilities).toEqual([
      { storeId: 'PP1', available: 'yes', stockCount: 5 },
      { storeId: 'PP2', available: 'no' },
    ]);
    // P3 is disabled: its stock does not put it back on sale.
    expect(list.feed.offers.find((o) => o.sku === 'P3')!.availabilities).toEqual([{ storeId: 'PP2', available: 'no' }]);
    // Long form replaces P1's points.
    writeFileSync(good, 'sku,point,stock\nP1,pp2,3\n');
    await importStockFile(handle.db, store, good, new Date());
    const after = await assembleStorePriceList(handle.db, store, new Date());
    expect(after.feed.offers.find((o) => o.sku === 'P1')!.availabilities).toEqual([{ storeId: 'PP2', available: 'yes', stockCount: 3 }]);
    expect(after.problems).toEqual([]);
  });

  it('brand from the cabinet, else from the scraped page; the list passes the format check', async () => {
    const list0 = await assembleStorePriceList(handle.db, store, new Date());
    expect(list0.feed.offers.find((o) => o.sku === 'P1')!.brand).toBe('');
    const cabinet = await listCabinetOffers(mc, fake.newSession(['M1']), 'M1', 'renew', ALMATY);
    await importCabinetOffers(handle.db, store, cabinet);
    await handle.db
      .insertInto('kaspi_products')
      .values({ kaspi_id: '100002', city_id: ALMATY, name: 'Чехол', brand: 'Spigen', url: 'https://kaspi.kz/shop/p/-100002/' })
      .execute();
    const list = await assembleStorePriceList(handle.db, store, new Date());
    expect(list.feed.offers.find((o) => o.sku === 'P1')!.brand).toBe('Apple');
    expect(list.feed.offers.find((o) => o.sku === 'P2')!.brand).toBe('Spigen');
    expect(list.problems).toEqual([]);
  });

  it('the preorder file states the price the list carries in the home city, even after a dry run', async () => {
    await upsertPreorders(handle.db, store.id, [
      { sku: 'P2', model: 'Case', brand: 'Spigen', price: null, pp: ['3', null, null, null, null], preorderDays: 5 },
    ]);
    // Kaspi shows 500 for P2 in Almaty again (its loader has not fetched the list yet): a dry run stores that.
    fake.cityOffers[ALMATY]!['100002']![0]!.price = 500;
    await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), key }, options([store]));
    const [p2] = await handle.db.selectFrom('demper_products').select('price').where('sku', '=', 'P2').execute();
    expect(p2!.price).toBe('500');
    const path = join(dir, 'preorders.xlsx');
    await exportPreorders(handle.db, store, path);
    const row = (await readTableFile(path)).records.find((r) => r.values.sku === 'P2')!;
    const list = await assembleStorePriceList(handle.db, store, new Date());
    const offer = list.feed.offers.find((o) => o.sku === 'P2')!;
    expect(Number(row.values.price)).toBe(480);
    expect(offer.price).toBe(480);
    expect(offer.cityPrices!.find((c) => c.cityId === ALMATY)!.price).toBe(480);
    // Its points come from the stock import when there is one, else the preorder row (3 at PP1, 5 days).
    expect(offer.availabilities).toEqual([{ storeId: 'PP1', available: 'yes', preOrder: 5, stockCount: 3 }]);
  });

  it('no price goes out below the product’s floor: a cost set after the decision lifts the listed price to the margin floor', async () => {
    // P2 was decided at 480 / 450; a unit cost of 400 with 10 % commission and a 5 % minimum margin: 400 / 0.85 → 471.
    await setCost(handle.db, 'kaspi', '100002', { cost: '400', commissionPct: '10', validFrom: '2026-01-01' }, new Date());
    const margin = { ...marginRules(undefined), defaultMinMarginPct: '5' };
    const list = await assembleStorePriceList(handle.db, store, new Date(), { margin });
    expect(list.feed.offers.find((o) => o.sku === 'P2')!.cityPrices).toEqual([
      { cityId: ALMATY, price: 480 },
      { cityId: ASTANA, price: 471 },
    ]);
    expect(list.raisedToFloor).toBe(1);
    // Without a margin rule the plain floor (min 300) holds: nothing changes.
    expect((await assembleStorePriceList(handle.db, store, new Date())).raisedToFloor).toBe(0);
  });

  it('after too many failed sign-ins from one address, 429 until the window ends', async () => {
    let status = 0;
    for (let i = 0; i < 8 && status !== 429; i++) status = (await get('/kaspi/price-lists/M1.xml', auth('kaspi', `guess number ${i}`))).status;
    expect(status).toBe(429);
    // Even the right credentials wait: a guesser learns nothing more.
    expect((await get('/kaspi/price-lists/M1.xml', auth())).status).toBe(429);
    // The secret path is not a sign-in.
    const token = await priceListToken(handle.db, key, (await findStore(handle.db, 'M1'))!);
    expect((await get(`/kaspi/price-lists/s/${token}.xml`)).status).toBe(200);
  });
});
