// The Kaspi catalog parsers on trimmed REAL captures (fixtures/kaspi/real/, provenance in its
// SOURCES.md): product pages saved from kaspi.kz and offers answers, plus the same pages with what a
// layout change would take away (the item state, renamed keys), so the fallbacks are tested on real
// shapes too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fetchAllOffers } from '../../src/kaspi/kaspi.client.js';
import { parseOffersPage } from '../../src/kaspi/offers.parser.js';
import { parseProductPage } from '../../src/kaspi/product-page.parser.js';
import { canonicalProductUrl, parseProductRef } from '../../src/kaspi/product-ref.js';
import { renameItemKeys, withItemState as withItem } from '../support/kaspi-layout.js';

const real = (name: string) => readFileSync(new URL(`../../fixtures/kaspi/real/${name}`, import.meta.url), 'utf8');
const page = (id: string) => real(`product-${id}.html`);
const ogUrl = (html: string) => /<meta property="og:url" content="([^"]+)"/.exec(html)![1]!;
describe('real product pages', () => {
  it.each([
    ['121207970', 'Рашгард черный', 2810, 4.9, 85, 6],
    ['102529963', 'Комплект ALPIKA черный', 8763, 4.8, 709, 4],
    ['121934234', 'Рашгард черный', 3499, 4.9, 85, 6],
  ])('%s: every field from the item state, rating and count from the rating block', (id, name, price, rating, reviews, photos) => {
    const html = page(id);
    const p = parseProductPage(html)!;
    expect(p).toMatchObject({ source: 'backend', id, name, pagePrice: price, pageRating: rating, pageReviewCount: reviews, missing: [], weak: [] });
    expect(p.categoryPath).toEqual(['Одежда', 'Мужчинам', 'Мужское нижнее белье', 'Мужское термобелье']);
    expect(p.category).toBe('Мужское термобелье');
    expect(p.photos).toHaveLength(photos);
    expect(p.photos.every((u) => u.startsWith('https://resources.cdn-kaspi.kz/img/m/p/') && u.endsWith('format=gallery-large'))).toBe(true);
    // shopLink is relative to /shop/ ("/p/…"): the stored URL is the canonical one og:url gives.
    expect(p.url).toBe(ogUrl(html));
    expect(parseProductRef(p.url!)).toEqual({ id });
    // The same from the raw bytes (the fast path decodes only the JSON it parses).
    expect(parseProductPage(Buffer.from(html))).toEqual(p);
  });

  it('a product nobody has rated (`rating _0`, no review link): rating 0 and 0 reviews, as the reviews API says', () => {
    expect(parseProductPage(page('135502195'))).toMatchObject({ pageRating: 0, pageReviewCount: 0, pagePrice: 4990, brand: 'Без бренда' });
  });

  it('an out-of-stock product: no card price and a JSON-LD price of "undefined" are no price', () => {
    const p = parseProductPage(page('120765717'))!;
    expect(p).toMatchObject({ pagePrice: null, pageRating: 4.8, pageReviewCount: 7, missing: [] });
  });

  it('"description": null is the page saying "no description"; an HTML description is read with its text', () => {
    expect(parseProductPage(page('121207970'))).toMatchObject({ descriptionHtml: null, descriptionText: null, weak: [] });
    const p = parseProductPage(page('121934234'))!;
    expect(p.descriptionHtml).toMatch(/^<p>Этот стильный рашгард/);
    expect(p.descriptionText).toMatch(/^Этот стильный рашгард изготовлен/);
  });
});

describe('JSON-LD fallback on a real page (no item state)', () => {
  const html = withItem(page('121207970'), () => null);

  it('takes the price from the first Offer with one (the AggregateOffer before it is empty)', () => {
    const p = parseProductPage(html)!;
    expect(p).toMatchObject({ source: 'json-ld', id: '121207970', name: 'Рашгард черный', brand: 'Без бренда', pagePrice: 2810 });
    // The path from the BreadcrumbList block, the one image, the canonical URL from og:url.
    expect(p.categoryPath).toEqual(['Одежда', 'Мужчинам', 'Мужское нижнее белье', 'Мужское термобелье']);
    expect(p.photos).toEqual(['https://resources.cdn-kaspi.kz/img/m/p/pbd/pb3/4320080.jpg?format=gallery-large']);
    expect(p.url).toBe(ogUrl(html));
    // The rating still comes from the markup.
    expect(p).toMatchObject({ pageRating: 4.9, pageReviewCount: 85 });
    expect(p).toMatchObject({ missing: ['item'], weak: ['description', 'category', 'photos', 'brand'] });
  });

  it('takes offerCount when the JSON-LD gives one, and skips an out-of-stock offer', () => {
    const ld = html.replace('"lowPrice": null', '"lowPrice": null, "offerCount": 7');
    expect(ld).not.toBe(html);
    expect(parseProductPage(ld)).toMatchObject({ pagePrice: 2810, pageSellerCount: 7 });
    expect(parseProductPage(withItem(page('120765717'), () => null))).toMatchObject({ source: 'json-ld', pagePrice: null });
  });
});

describe('layout drift on a real page (the name is still found)', () => {
  it('names the containers that are gone and marks their fields weak', () => {
    const html = withItem(page('121934234'), renameItemKeys);
    const p = parseProductPage(html)!;
    expect(p.source).toBe('backend');
    expect(p.name).toBe('Рашгард черный');
    expect(p.missing).toEqual(['card.promoConditions.categoryCodes', 'breadcrumbs', 'galleryImages', 'description']);
    expect(p.weak).toEqual(['description', 'category', 'photos']);
    // What the weaker places still give (JSON-LD: the text description, the BreadcrumbList path, one image).
    expect(p.photos).toHaveLength(1);
    expect(p.descriptionText).toMatch(/^Этот стильный/);
  });

  it('a real page as it is has nothing missing', () => {
    for (const id of ['121207970', '102529963', '135502195', '121934234', '120765717']) {
      expect(parseProductPage(page(id))).toMatchObject({ missing: [], weak: [] });
    }
  });
});

describe('real offers answers', () => {
  it('xbatyr 102298404: 4 rows of the 20 its total says (a short list)', () => {
    const p = parseOffersPage(JSON.parse(real('offers-102298404.json')));
    expect(p.total).toBe(20);
    expect(p.offers).toHaveLength(4);
    expect(p.offers[0]).toEqual({
      merchantId: '11271005',
      merchantName: 'Tehno Trade',
      price: '361788',
      merchantRating: 4.8,
      merchantReviewCount: 231,
      deliveryType: 'TO_DOOR',
      deliveryDuration: 'TILL_5_DAYS',
      kaspiDelivery: true,
      preorderDays: 0,
    });
    // A brand-new shop: no rating, no review count.
    expect(p.offers[1]).toMatchObject({ merchantId: '30463420', merchantRating: null, merchantReviewCount: null, preorderDays: 5 });
  });

  it('the 2022 shape (non-numeric ids, unitSalePrice) and a one-offer sample of 27', () => {
    const legacy = parseOffersPage(JSON.parse(real('offers-100692388-legacy.json')));
    expect(legacy.offers.map((o) => o.merchantId)).toContain('Konovalov');
    expect(legacy.offers.find((o) => o.merchantId === '964027')).toMatchObject({ merchantName: 'Dora', price: '339700', merchantRating: 5 });
    expect(parseOffersPage(JSON.parse(real('offers-121806358.json')))).toMatchObject({ total: 27, offers: [{ merchantId: '30358551', price: '179990' }] });
  });

  it('fetchAllOffers asks for the next page after the short one, then calls the list incomplete', async () => {
    const answer = JSON.parse(real('offers-102298404.json'));
    const pages: number[] = [];
    const client = {
      async request({ body }: { body: string }) {
        const page = JSON.parse(body).page as number;
        pages.push(page);
        return { body: page === 0 ? answer : { ...answer, offers: [] } };
      },
    };
    const all = await fetchAllOffers(client as never, '102298404', '750000000');
    expect(pages).toEqual([0, 1]);
    expect(all).toMatchObject({ total: 20, rows: 4, complete: false });
    expect(all.offers).toHaveLength(4);
  });
});

describe('product URLs', () => {
  it('the canonical form is kaspi.kz/shop/p/<slug>-<id>/ from any link form, and reads back as the id', () => {
    const id = '121207970';
    const want = 'https://kaspi.kz/shop/p/rashgard-635798142-chernyi-xl-121207970/';
    for (const link of [
      '/p/rashgard-635798142-chernyi-xl-121207970/',
      '/p/rashgard-635798142-chernyi-xl-121207970/?c=750000000',
      '/shop/p/rashgard-635798142-chernyi-xl-121207970/?c=710000000&v=reviews',
      want,
    ]) {
      expect(canonicalProductUrl(id, link)).toBe(want);
    }
    // A link to another product, or none: the slug-less form Kaspi also serves.
    expect(canonicalProductUrl(id, '/p/other-121207971/')).toBe(`https://kaspi.kz/shop/p/-${id}/`);
    expect(canonicalProductUrl('11636226b', undefined)).toBe('https://kaspi.kz/shop/p/-11636226b/');
    for (const url of [want, `https://kaspi.kz/shop/p/-${id}/`, canonicalProductUrl('11636226b')]) expect(parseProductRef(url)).not.toBeNull();
  });
});
