// The fake Kaspi held against the real captures (fixtures/kaspi/real/), the way test/wb/openapi.test.ts
// holds the fake WB against WB's OpenAPI: at every place mp reads, the fake's pages and answers have
// the types the real ones have there — and nothing where real ones have nothing (a fake that put a
// rating in the item card, as real pages never do, would let mp pass tests it fails on kaspi.kz).
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspi, GENERATED_ID_BASE, KASPI_IDS, REAL_PAGE_IDS, SHORT_OFFERS_ID, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { extractAssignedJson, extractJsonLd } from '../../src/kaspi/embedded-json.js';

type Json = unknown;

/** The JSON types found at `path` ('a.b', '[]' = every element), 'absent' where there is nothing. */
function typesAt(value: Json, path: string): Set<string> {
  const out = new Set<string>();
  const walk = (v: Json, parts: string[]) => {
    if (parts.length === 0) {
      out.add(v === undefined ? 'absent' : v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
      return;
    }
    const [head, ...rest] = parts;
    if (head === '[]') {
      if (Array.isArray(v)) for (const e of v) walk(e, rest);
      else out.add(v === undefined ? 'absent' : 'not-an-array');
      return;
    }
    walk(v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>)[head!] : undefined, rest);
  };
  walk(value, path.split(/\.|(?=\[\])|(?<=\[\])\./).filter(Boolean));
  return out;
}

/** Every path mp reads in a shape; the fake's types must be among the real ones at each. */
function expectConforms(fakes: [string, Json][], reals: Json[], paths: readonly string[]): void {
  for (const path of paths) {
    const real = new Set(reals.flatMap((r) => [...typesAt(r, path)]));
    for (const [name, fake] of fakes) {
      const got = [...typesAt(fake, path)].filter((t) => !real.has(t));
      expect(got, `${name}: ${path} is ${got.join('|')} in the fake, ${[...real].join('|')} on real pages`).toEqual([]);
    }
  }
}

// What mp reads of BACKEND.components.item (src/kaspi/product-page-sources.ts), including the keys
// it would take if Kaspi sent them (real pages do not: the fake must not either).
const ITEM_PATHS = [
  'card',
  'card.id',
  'card.title',
  'card.shopLink',
  'card.price',
  'card.unitPrice',
  'card.rating',
  'card.reviewsQuantity',
  'card.reviewsCount',
  'card.offersCount',
  'card.description',
  'card.brand',
  'card.promoConditions',
  'card.promoConditions.brand',
  'card.promoConditions.categoryCodes',
  'card.promoConditions.categoryCodes.[]',
  'breadcrumbs',
  'breadcrumbs.[].title',
  'galleryImages',
  'galleryImages.[].large',
  'galleryImages.[].medium',
  'primaryImage',
  'description',
  'descriptions',
  'offersCount',
] as const;

const PRODUCT_LD_PATHS = [
  'name',
  'sku',
  'productID',
  'description',
  'category',
  'brand',
  'image',
  'url',
  'aggregateRating',
  'offers',
  'offers.[].@type',
  'offers.[].price',
  'offers.[].lowPrice',
  'offers.[].offerCount',
  'offers.[].availability',
] as const;

const BREADCRUMB_LD_PATHS = ['itemListElement', 'itemListElement.[].position', 'itemListElement.[].name', 'itemListElement.[].item.name'] as const;

// What src/kaspi/offers.parser.ts reads of one offers answer (the current shape; the 2022 one is only parsed).
const OFFERS_PATHS = [
  'offers',
  'data',
  'items',
  'total',
  'offersCount',
  'offers.[].merchantId',
  'offers.[].id',
  'offers.[].merchantName',
  'offers.[].name',
  'offers.[].price',
  'offers.[].unitSalePrice',
  'offers.[].merchantRating',
  'offers.[].rating',
  'offers.[].merchantReviewsQuantity',
  'offers.[].reviewsQuantity',
  'offers.[].deliveryType',
  'offers.[].deliveryDuration',
  'offers.[].kaspiDelivery',
  'offers.[].preorder',
  'offers.[].deliveryOptions',
] as const;

// The markup mp reads when the JSON lacks something: the rating block, heading, price, og:url.
const MARKUP = {
  ratingBlock:
    /<div class="item__rating"><span class="rating _\d{1,2}"><\/span>&nbsp;(?:<a class="item__rating-link"><span>\(\d+ отзыв(?:а|ов)?\)<\/span><\/a>)?<\/div>/,
  heading: /<h1 class="item__heading">[^<]+<\/h1>/,
  price:
    /<div class="item__price-once">\d{1,3}(?:&nbsp;\d{3})* ₸<\/div>|<div class="item__out-of-stock"><span class="icon _large _out-of-stock"><\/span><\/div>/,
  ogUrl: /<meta property="og:url" content="https:\/\/kaspi\.kz\/shop\/p\/[a-z0-9-]+-\d+\/">/,
  canonical: /<link rel="canonical" href="https:\/\/kaspi\.kz\/shop\/p\/[a-z0-9-]+-\d+\/">/,
};

const realText = (name: string) => readFileSync(new URL(`../../fixtures/kaspi/real/${name}`, import.meta.url), 'utf8');
const realPages = REAL_PAGE_IDS.map((id) => realText(`product-${id}.html`));
const ldOf = (html: string, type: string) => extractJsonLd(html).find((o) => o['@type'] === type);

let kaspi: FakeKaspi;
const fakePages: [string, string][] = [];

beforeAll(async () => {
  kaspi = await startFakeKaspi({ generated: 1, generatedOffers: 3 });
  const ids = { ...KASPI_IDS, short: SHORT_OFFERS_ID, generated: String(GENERATED_ID_BASE) };
  for (const [name, id] of Object.entries(ids)) {
    const res = await fetch(`${kaspi.url}/shop/p/-${id}/?c=750000000`);
    expect(res.status).toBe(200);
    fakePages.push([`${name} (${id})`, await res.text()]);
  }
});
afterEach(() => kaspi?.verify());
afterAll(async () => {
  await kaspi?.stop();
});

describe('the fake Kaspi against real captures', () => {
  it('the embedded item state: the same types where mp reads, nothing where real pages have nothing', () => {
    const reals = realPages.map((h) => extractAssignedJson(h, 'BACKEND.components.item'));
    expect(reals.every((r) => r && typeof r === 'object')).toBe(true);
    const fakes = fakePages.map(([n, h]) => [n, extractAssignedJson(h, 'BACKEND.components.item')] as [string, Json]).filter(([, item]) => item !== undefined);
    // Every variant but the JSON-LD-only and DOM-only pages has the item state.
    expect(fakes.map(([n]) => n.split(' ')[0])).toEqual(['phone', 'single', 'none', 'description', 'short', 'generated']);
    expectConforms(fakes, reals, ITEM_PATHS);
    for (const [name, item] of fakes) {
      // shopLink is relative to /shop/ on real pages.
      expect((item as { card: { shopLink: string } }).card.shopLink, name).toMatch(/^\/p\/[a-z0-9-]+-\d+[a-z]?\/$/);
    }
  });

  it('the JSON-LD blocks: a Product whose offers start with an empty AggregateOffer, and a BreadcrumbList', () => {
    const reals = realPages.map((h) => ldOf(h, 'Product'));
    const fakes = fakePages.map(([n, h]) => [n, ldOf(h, 'Product')] as [string, Json]).filter(([, ld]) => ld !== undefined);
    expect(fakes.length).toBe(fakePages.length - 1); // all but the DOM-only page
    expectConforms(fakes, reals, PRODUCT_LD_PATHS);
    for (const [name, ld] of fakes) expect((ld as { offers: { '@type': string }[] }).offers[0], name).toEqual({ '@type': 'AggregateOffer', lowPrice: null });
    expectConforms(
      fakePages.map(([n, h]) => [n, ldOf(h, 'BreadcrumbList')]),
      realPages.map((h) => ldOf(h, 'BreadcrumbList')),
      BREADCRUMB_LD_PATHS,
    );
  });

  it('the markup mp reads: the rating block, heading, price, og:url and canonical link as real pages write them', () => {
    for (const [key, re] of Object.entries(MARKUP)) {
      for (const html of realPages) expect(html, `real page: ${key}`).toMatch(re);
      for (const [name, html] of fakePages) {
        if (name.startsWith('jsonld') && key !== 'ogUrl' && key !== 'canonical') continue; // that variant has no item markup
        expect(html, `${name}: ${key}`).toMatch(re);
      }
    }
  });

  it('the offers answer: the same types per offer and the same total keys as the real capture', async () => {
    const reals = [JSON.parse(realText('offers-102298404.json')), JSON.parse(realText('offers-121806358.json'))];
    const fakes: [string, Json][] = [];
    for (const [name, id, page] of [
      ['phone page 0', KASPI_IDS.phone, 0],
      ['phone page 2', KASPI_IDS.phone, 2],
      ['single', KASPI_IDS.single, 0],
      ['real page product', REAL_PAGE_IDS[0]!, 0],
      ['generated', String(GENERATED_ID_BASE), 0],
      ['unknown id', '999999999', 0],
    ] as const) {
      const res = await fetch(`${kaspi.url}/yml/offer-view/offers/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cityId: '750000000', id, limit: 64, page }),
      });
      expect(res.status).toBe(200);
      fakes.push([name, await res.json()]);
    }
    expectConforms(fakes, reals, OFFERS_PATHS);
    // The short product's answer is the real capture itself.
    const short = await fetch(`${kaspi.url}/yml/offer-view/offers/${SHORT_OFFERS_ID}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cityId: '750000000', id: SHORT_OFFERS_ID, limit: 64, page: 0 }),
    });
    expect(await short.json()).toEqual(reals[0]);
  });

  it('a generated product is served from pre-rendered pieces: the same bytes as its page and offers built whole', async () => {
    const fake = await startFakeKaspi({ generated: 3, generatedOffers: 150 });
    try {
      for (const n of [0, 2]) {
        const id = String(GENERATED_ID_BASE + n);
        const page = await fetch(`${fake.url}/shop/p/-${id}/?c=750000000`);
        expect(await page.text()).toBe(fake.pageOf(id));
        const offers = fake.offersOf(id);
        for (const p of [0, 1, 2, 3]) {
          const res = await fetch(`${fake.url}/yml/offer-view/offers/${id}`, { method: 'POST', body: JSON.stringify({ limit: 64, page: p }) });
          const whole = { offers: offers.slice(p * 64, (p + 1) * 64), total: 150, offersCount: 150, pcmResponsePresent: false };
          expect(await res.text()).toBe(JSON.stringify(whole));
        }
      }
      // A changed price is served from the offers as they are now.
      const id = String(GENERATED_ID_BASE + 1);
      const { merchantId, price } = fake.offersOf(id)[0]!;
      fake.setPrice(id, merchantId, price + 5);
      const res = await fetch(`${fake.url}/yml/offer-view/offers/${id}`, { method: 'POST', body: JSON.stringify({ limit: 64, page: 0 }) });
      const body = (await res.json()) as { offers: { merchantId: string; price: number }[] };
      expect(body.offers.find((o) => o.merchantId === merchantId)!.price).toBe(price + 5);
      fake.verify();
    } finally {
      await fake.stop();
    }
  });
});
