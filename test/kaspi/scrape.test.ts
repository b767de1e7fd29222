// The scrape service against the fake Kaspi and a real migrated database (PGlite and PostgreSQL):
// offers paging and de-duplication, history semantics, unknown offers, failures that write nothing.
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeKaspi, KASPI_IDS, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import type { HttpClient } from '../../src/http/client.js';
import { createKaspiClient } from '../../src/kaspi/kaspi.client.js';
import { type ScrapeDeps, type ScrapeResult, type ScrapeSuccess, scrapeProduct } from '../../src/kaspi/scrape.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const ALMATY = '750000000';
let handle: TestDatabase;
let kaspi: FakeKaspi;
let client: HttpClient;
let deps: ScrapeDeps;
let clock = new Date('2026-11-21T10:00:00Z');

beforeAll(async () => {
  handle = await createTestDatabase();
  kaspi = await startFakeKaspi();
  // Unlimited here; the rate limit has its own test in rate-limit.test.ts.
  client = createKaspiClient(kaspi.url, { rateLimit: null, retries: 1 });
  deps = { db: handle.db, client, baseUrl: kaspi.url, now: () => clock };
});
afterEach(() => kaspi?.verify());
afterAll(async () => {
  await client?.close();
  await kaspi?.stop();
  await handle?.close();
});
beforeEach(() => {
  clock = new Date(clock.getTime() + 3_600_000);
});

const scrape = (id: string, city = ALMATY): Promise<ScrapeResult> => scrapeProduct(deps, { input: id, id, city });
async function scrapeOk(id: string): Promise<ScrapeSuccess> {
  const result = await scrape(id);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result;
}
const count = async (table: 'kaspi_products' | 'kaspi_product_history' | 'kaspi_offers' | 'kaspi_offer_history', kaspiId?: string) => {
  const q = kaspiId
    ? sql<{
        n: string;
      }>`select count(*) as n from ${sql.table(table)} t join kaspi_products p on p.id = ${sql.ref(table === 'kaspi_products' ? 't.id' : 't.product_id')} where p.kaspi_id = ${kaspiId}`
    : sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`;
  return Number((await q.execute(handle.db)).rows[0]!.n);
};
const product = (kaspiId: string) => handle.db.selectFrom('kaspi_products').selectAll().where('kaspi_id', '=', kaspiId).executeTakeFirstOrThrow();

describe('kaspi scrape: the phone with 150 offers over three pages', () => {
  it('reads every page, de-duplicates merchants keeping the lowest price, and stores everything', async () => {
    const before = kaspi.server.requestsTo('/yml/offer-view/offers/:id', 'POST').length;
    const result = await scrapeOk(KASPI_IDS.phone);
    const offerRequests = kaspi.server.requestsTo('/yml/offer-view/offers/:id', 'POST').slice(before);
    expect(offerRequests.map((r) => JSON.parse(r.body).page)).toEqual([0, 1, 2]);
    expect(offerRequests.every((r) => JSON.parse(r.body).limit === 64 && r.headers['x-ks-city'] === ALMATY)).toBe(true);

    const raw = kaspi.offersOf(KASPI_IDS.phone);
    expect(raw).toHaveLength(150);
    expect(result.offers).toHaveLength(148);
    // Merchant 10 is listed again on page 2 at a lower price; merchant 20 on page 3 at a higher one.
    const m10 = raw[10]!.merchantId;
    const m20 = raw[20]!.merchantId;
    expect(result.offers!.find((o) => o.merchantId === m10)!.price).toBe(String(raw[0]!.price - 1000));
    expect(result.offers!.find((o) => o.merchantId === m20)!.price).toBe(String(raw[20]!.price));

    const row = await product(KASPI_IDS.phone);
    expect(row).toMatchObject({
      name: 'Смартфон Apple iPhone 15 128Gb черный',
      brand: 'Apple',
      category: 'Смартфоны',
      category_path: ['Телефоны и гаджеты', 'Смартфоны и гаджеты', 'Смартфоны'],
      min_price: String(raw[0]!.price - 1000),
      max_price: String(Math.max(...result.offers!.map((o) => Number(o.price)))),
      rating: '4.9',
      review_count: 10_727,
      seller_count: 148,
      offers_status: 'ok',
    });
    expect(Number(row.max_price)).toBeLessThan(Math.max(...raw.map((o) => o.price))); // the dearer duplicate was dropped
    expect(row.photos).toHaveLength(6);
    // Canonical, as og:url says: kaspi.kz whatever base URL mp fetched from, no city.
    expect(row.url).toBe('https://kaspi.kz/shop/p/smartfon-apple-iphone-15-128gb-chernyi-113137790/');
    expect(row.description_text).toBe('iPhone 15 с Dynamic Island и камерой 48 Мп.\nЧип A16 Bionic, USB-C.');
    expect(result.saved.created).toBe(true);
    expect(await count('kaspi_offers', KASPI_IDS.phone)).toBe(148);
    expect(await count('kaspi_product_history', KASPI_IDS.phone)).toBe(1);
    // The first history row (written by the same statement as the product) holds the tracked fields.
    const first = await handle.db.selectFrom('kaspi_product_history').selectAll().where('product_id', '=', row.id).executeTakeFirstOrThrow();
    expect(first).toMatchObject({
      checked_at: clock,
      name: row.name,
      description_text: row.description_text,
      category: row.category,
      category_path: row.category_path,
      brand: row.brand,
      min_price: row.min_price,
      max_price: row.max_price,
      rating: row.rating,
      review_count: row.review_count,
      seller_count: 148,
      offers_status: 'ok',
      photos: row.photos,
    });
    expect([...first.changed_fields].sort()).toEqual([...result.saved.changed].sort());
    expect(await count('kaspi_offer_history', KASPI_IDS.phone)).toBe(148);
    const satel = await handle.db.selectFrom('kaspi_offers').selectAll().where('merchant_id', '=', 'Satel').executeTakeFirstOrThrow();
    expect(satel.merchant_name).toBe(raw.find((o) => o.merchantId === 'Satel')!.merchantName);
  });

  it('a re-scrape with nothing changed adds no history rows but moves last_checked_at', async () => {
    const before = await product(KASPI_IDS.phone);
    const result = await scrapeOk(KASPI_IDS.phone);
    expect(result.saved.changed).toEqual([]);
    expect(result.saved.offerEvents).toEqual([]);
    const after = await product(KASPI_IDS.phone);
    expect(after.last_checked_at.getTime()).toBe(clock.getTime());
    expect(after.last_changed_at).toEqual(before.last_changed_at);
    expect(await count('kaspi_product_history', KASPI_IDS.phone)).toBe(1);
    expect(await count('kaspi_offer_history', KASPI_IDS.phone)).toBe(148);
    const seen = await handle.db.selectFrom('kaspi_offers').select('last_seen_at').where('active', '=', true).execute();
    expect(seen.every((o) => o.last_seen_at.getTime() === clock.getTime())).toBe(true);
  });

  it('a price change writes one product-history row and one price_changed row', async () => {
    const cheapest = await handle.db.selectFrom('kaspi_offers').selectAll().orderBy('price').limit(1).executeTakeFirstOrThrow();
    const oldMin = (await product(KASPI_IDS.phone)).min_price!;
    expect(cheapest.price).toBe(oldMin);
    kaspi.setPrice(KASPI_IDS.phone, cheapest.merchant_id, Number(oldMin) - 5_000);
    const result = await scrapeOk(KASPI_IDS.phone);
    expect(result.saved.changed).toEqual(['min_price']);
    expect(result.saved.offerEvents).toEqual([
      { event: 'price_changed', merchantId: cheapest.merchant_id, oldPrice: oldMin, newPrice: String(Number(oldMin) - 5_000) },
    ]);
    expect(await count('kaspi_product_history', KASPI_IDS.phone)).toBe(2);
    const latest = await handle.db
      .selectFrom('kaspi_product_history as h')
      .innerJoin('kaspi_products as p', 'p.id', 'h.product_id')
      .select(['h.changed_fields', 'h.min_price', 'h.max_price', 'h.checked_at', 'h.name'])
      .where('p.kaspi_id', '=', KASPI_IDS.phone)
      .orderBy('h.id', 'desc')
      .executeTakeFirstOrThrow();
    expect(latest).toMatchObject({ changed_fields: ['min_price'], min_price: String(Number(oldMin) - 5_000), checked_at: clock });
    const history = await handle.db.selectFrom('kaspi_offer_history').selectAll().where('event', '=', 'price_changed').execute();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ merchant_id: cheapest.merchant_id, old_price: oldMin, new_price: String(Number(oldMin) - 5_000) });
    expect((await product(KASPI_IDS.phone)).min_price).toBe(String(Number(oldMin) - 5_000));
  });

  it('a seller who leaves is recorded as disappeared and its offer goes inactive', async () => {
    const leaving = kaspi.offersOf(KASPI_IDS.phone)[5]!.merchantId;
    kaspi.removeSeller(KASPI_IDS.phone, leaving);
    const result = await scrapeOk(KASPI_IDS.phone);
    expect(result.saved.changed).toEqual(['seller_count']);
    expect(result.saved.offerEvents).toEqual([expect.objectContaining({ event: 'disappeared', merchantId: leaving, newPrice: null })]);
    const offer = await handle.db.selectFrom('kaspi_offers').selectAll().where('merchant_id', '=', leaving).executeTakeFirstOrThrow();
    expect(offer.active).toBe(false);
    expect((await product(KASPI_IDS.phone)).seller_count).toBe(147);
  });
});

describe('kaspi scrape: other page shapes', () => {
  it('a single seller: min = max, one offer', async () => {
    await scrapeOk(KASPI_IDS.single);
    const row = await product(KASPI_IDS.single);
    expect(row).toMatchObject({ seller_count: 1, min_price: '34990', max_price: '34990', offers_status: 'ok', rating: '4.7', review_count: 312 });
  });

  it('no sellers: "none", not unknown', async () => {
    const result = await scrapeOk(KASPI_IDS.none);
    expect(result.warnings).toEqual([]);
    expect(await product(KASPI_IDS.none)).toMatchObject({ seller_count: 0, min_price: null, max_price: null, offers_status: 'none' });
  });

  it('description HTML with braces survives into the database', async () => {
    await scrapeOk(KASPI_IDS.description);
    const row = await product(KASPI_IDS.description);
    expect(row.name).toBe('Футболка Nike Dri-FIT Miler {Run} мужская черная');
    expect(row.description_html).toContain('{ pace(); };');
    expect(row.description_text).toContain('• Технология "Dri-FIT" отводит влагу');
  });

  it('JSON-LD-only and DOM-only pages are scraped through their fallbacks', async () => {
    expect((await scrapeOk(KASPI_IDS.jsonld)).source).toBe('json-ld');
    expect((await scrapeOk(KASPI_IDS.dom)).source).toBe('dom');
    expect(await product(KASPI_IDS.jsonld)).toMatchObject({ category: 'Холодильники', seller_count: 3, brand: 'LG' });
    expect(await product(KASPI_IDS.dom)).toMatchObject({ category: 'Пылесосы', seller_count: 2 });
  });

  it('offers [] while the page lists sellers is "unknown": prices kept, no offer disappears', async () => {
    const before = await product(KASPI_IDS.single);
    const events = await count('kaspi_offer_history', KASPI_IDS.single);
    kaspi.emptyOffers(KASPI_IDS.single);
    const result = await scrapeOk(KASPI_IDS.single);
    expect(result.offers).toBeNull();
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'KASPI_OFFERS_UNKNOWN', message: expect.stringMatching(/offers unknown/) })]);
    expect(result.complete).toBe(false);
    const after = await product(KASPI_IDS.single);
    expect(after).toMatchObject({ offers_status: 'unknown', min_price: before.min_price, seller_count: before.seller_count });
    expect(await count('kaspi_offer_history', KASPI_IDS.single)).toBe(events);
    const offers = await handle.db
      .selectFrom('kaspi_offers as o')
      .innerJoin('kaspi_products as p', 'p.id', 'o.product_id')
      .select('o.active')
      .where('p.kaspi_id', '=', KASPI_IDS.single)
      .execute();
    expect(offers).toEqual([{ active: true }]);
  });
});

describe('kaspi scrape: failures write nothing', () => {
  const fresh = KASPI_IDS.phone;
  const city = '710000000'; // Astana: not scraped by the tests above

  it('an anti-bot page instead of the product → KASPI_BLOCKED', async () => {
    kaspi.antiBot('/shop/p/:slug');
    const result = await scrape(fresh, city);
    expect(result).toMatchObject({ ok: false, code: 'KASPI_BLOCKED' });
    expect(result.ok || result.message).toMatch(/--rate|--proxy/);
    expect(await handle.db.selectFrom('kaspi_products').select('id').where('city_id', '=', city).execute()).toEqual([]);
  });

  it('403 from the offers API → KASPI_BLOCKED, no product row', async () => {
    kaspi.fault('/yml/offer-view/offers/:id', { status: 403, body: { error: 'forbidden' } }, 'POST');
    expect(await scrape(fresh, city)).toMatchObject({ ok: false, code: 'KASPI_BLOCKED' });
    expect(await handle.db.selectFrom('kaspi_products').select('id').where('city_id', '=', city).execute()).toEqual([]);
  });

  it('HTML from the offers API on a later page → KASPI_BLOCKED, nothing half-written', async () => {
    kaspi.server.fault('/yml/offer-view/offers/:id', { status: 200, body: { offers: kaspi.offersOf(fresh).slice(0, 64), total: 150 } }, 'POST');
    kaspi.antiBot('/yml/offer-view/offers/:id', 1, 'POST');
    expect(await scrape(fresh, city)).toMatchObject({ ok: false, code: 'KASPI_BLOCKED' });
    expect(await handle.db.selectFrom('kaspi_products').select('id').where('city_id', '=', city).execute()).toEqual([]);
  });

  it('an unknown product → KASPI_NOT_FOUND', async () => {
    expect(await scrape('999999')).toMatchObject({ ok: false, code: 'KASPI_NOT_FOUND' });
  });

  it('a page with no product name anywhere → KASPI_LAYOUT_CHANGED', async () => {
    kaspi.fault('/shop/p/:slug', { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body><div id="app">Загрузка…</div></body></html>' });
    expect(await scrape(fresh, city)).toMatchObject({ ok: false, code: 'KASPI_LAYOUT_CHANGED' });
    expect(await handle.db.selectFrom('kaspi_products').select('id').where('city_id', '=', city).execute()).toEqual([]);
  });

  it('429 with Retry-After is honoured, then the scrape succeeds', async () => {
    // The reviews API is asked only for a page that shows no rating: the JSON-LD-only one.
    kaspi.fault('/yml/review-view/api/v1/reviews/product/:id', { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } });
    const start = kaspi.server.requests.length;
    const result = await scrape(KASPI_IDS.jsonld, city);
    expect(result.ok).toBe(true);
    const reviews = kaspi.server.requests.slice(start).filter((r) => r.path.startsWith('/yml/review-view/'));
    expect(reviews).toHaveLength(2);
    expect(reviews[1]!.at - reviews[0]!.at).toBeGreaterThanOrEqual(950);
  });
});

describe('kaspi scrape: the same new product scraped twice at once', () => {
  it('is stored once: one writer inserts product, history and offers in one statement, the other finds it and changes nothing', async () => {
    const SHYMKENT = '511010000'; // a city no other test here scrapes: the product is new
    const kaspiId = KASPI_IDS.phone;
    const [a, b] = await Promise.all([scrape(kaspiId, SHYMKENT), scrape(kaspiId, SHYMKENT)]);
    if (!a.ok || !b.ok) throw new Error('both scrapes should succeed');
    expect([a.saved.created, b.saved.created].sort()).toEqual([false, true]);
    const [first, second] = a.saved.created ? [a, b] : [b, a];
    const offers = first.offers!.length; // the fake's phone lost a seller in an earlier test
    expect(offers).toBeGreaterThan(100);
    expect(second.saved.changed).toEqual([]);
    expect(second.saved.offerEvents).toEqual([]);
    const productIds = await handle.db.selectFrom('kaspi_products').select('id').where('kaspi_id', '=', kaspiId).where('city_id', '=', SHYMKENT).execute();
    expect(productIds).toHaveLength(1);
    const id = productIds[0]!.id;
    const n = async (table: 'kaspi_product_history' | 'kaspi_offers' | 'kaspi_offer_history') =>
      Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where product_id = ${id}`.execute(handle.db)).rows[0]!.n);
    expect(await n('kaspi_product_history')).toBe(1);
    expect(await n('kaspi_offers')).toBe(offers);
    expect(await n('kaspi_offer_history')).toBe(offers);
  });
});
