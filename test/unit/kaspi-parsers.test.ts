// Pure parsers on our variants in fixtures/kaspi (real shapes; the real captures themselves are in
// kaspi-real-captures.test.ts): the product page (embedded item JSON → JSON-LD → DOM), offers, reviews.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractAssignedJson, matchBraces } from '../../src/kaspi/embedded-json.js';
import { htmlToText } from '../../src/kaspi/html-text.js';
import { dedupeOffers, parseOffersPage } from '../../src/kaspi/offers.parser.js';
import { classifyNonProductPage, parseProductPage } from '../../src/kaspi/product-page.parser.js';
import { parseReviews } from '../../src/kaspi/reviews.parser.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/kaspi/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name)) as unknown;

describe('string-aware brace matcher', () => {
  it('skips braces, `};`, escaped quotes and <\\/script> inside strings', () => {
    const text = 'x = {"a":"} }; {","b":"say \\"}\\" ok","c":{"d":"<\\/script>"},"e":\'}\'} tail';
    const start = text.indexOf('{');
    const end = matchBraces(text, start);
    expect(text.slice(end)).toBe(' tail');
  });

  it('stops at a real </script> outside strings (a cut object)', () => {
    expect(matchBraces('{"a":{"b":1}</script><script>}', 0)).toBe(-1);
  });

  it('ignores mentions that are not assignments and takes the assigned object', () => {
    const html = '<script>if (BACKEND.components.item == null) {}</script><script>BACKEND.components.item = {"card":{"title":"A };"}};\n</script>';
    expect(extractAssignedJson(html, 'BACKEND.components.item')).toEqual({ card: { title: 'A };' } });
  });
});

describe('product page parser', () => {
  it('reads the phone page from the embedded item state', () => {
    const page = parseProductPage(fixture('product-phone.html'))!;
    expect(page.source).toBe('backend');
    expect(page.id).toBe('113137790');
    expect(page.name).toBe('Смартфон Apple iPhone 15 128Gb черный');
    expect(page.brand).toBe('Apple');
    expect(page.categoryPath).toEqual(['Телефоны и гаджеты', 'Смартфоны и гаджеты', 'Смартфоны']);
    expect(page.category).toBe('Смартфоны');
    expect(page.photos).toHaveLength(6);
    expect(page.photos[0]).toMatch(/^https:\/\/resources\.cdn-kaspi\.kz\/img\/m\/p\/.*gallery-large$/);
    expect(page.descriptionText).toBe('iPhone 15 с Dynamic Island и камерой 48 Мп.\nЧип A16 Bionic, USB-C.');
    // Real item states carry no seller count and no rating: the rating block of the markup does.
    expect(page.pageSellerCount).toBeNull();
    expect(page.pagePrice).toBe(379_990);
    expect(page).toMatchObject({ pageRating: 4.9, pageReviewCount: 10_727, missing: [], weak: [] });
    expect(page.url).toBe('https://kaspi.kz/shop/p/smartfon-apple-iphone-15-128gb-chernyi-113137790/');
  });

  it('gives the same result from the raw bytes (the fast path decodes only the JSON)', () => {
    for (const name of ['product-phone.html', 'product-description-html.html', 'product-jsonld-only.html', 'product-dom-only.html']) {
      const bytes = readFileSync(new URL(`../../fixtures/kaspi/${name}`, import.meta.url));
      expect(parseProductPage(bytes)).toEqual(parseProductPage(bytes.toString('utf8')));
    }
    expect(classifyNonProductPage(Buffer.from(fixture('antibot.html')))).toBe('blocked');
  });

  it('keeps description HTML with braces, `};`, quotes and a script tag intact', () => {
    const page = parseProductPage(fixture('product-description-html.html'))!;
    expect(page.source).toBe('backend');
    expect(page.name).toBe('Футболка Nike Dri-FIT Miler {Run} мужская черная');
    expect(page.descriptionHtml).toContain('<code>if (run) { pace(); };</code> и строка </script> в тексте.');
    expect(page.descriptionHtml).toContain('Технология "Dri-FIT"');
    expect(page.descriptionText).toBe(
      [
        'Футболка для бега. Размеры: {S, M, L, XL}.',
        '• Материал: 100% полиэстер',
        '• Технология "Dri-FIT" отводит влагу',
        // As markup, a stray closing tag is a tag, not text.
        'Пример кода: if (run) { pace(); }; и строка в тексте.',
        'Цвет: \\чёрный\\ & белый логотип',
      ].join('\n'),
    );
  });

  it('falls back to JSON-LD when the item state is missing', () => {
    const page = parseProductPage(fixture('product-jsonld-only.html'))!;
    expect(page.source).toBe('json-ld');
    expect(page.id).toBe('120987654');
    expect(page.name).toBe('Холодильник LG GA-B509CQSL серебристый');
    expect(page.brand).toBe('LG');
    // From the BreadcrumbList block (the Product's own `category` is only the leaf).
    expect(page.categoryPath).toEqual(['Бытовая техника', 'Крупная техника для кухни', 'Холодильники']);
    // JSON-LD has one image; its offers start with an empty AggregateOffer, the price is in the Offer.
    expect(page.photos).toHaveLength(1);
    expect(page.pagePrice).toBe(389_990);
    expect(page.pageRating).toBeNull();
    expect(page.descriptionText).toMatch(/^Двухкамерный холодильник/);
    expect(page).toMatchObject({ missing: ['item'], weak: ['description', 'category', 'photos', 'brand'] });
  });

  it('falls back to DOM selectors when neither JSON source exists', () => {
    const page = parseProductPage(fixture('product-dom-only.html'))!;
    expect(page.source).toBe('dom');
    expect(page.name).toBe('Пылесос Dyson V15 Detect Absolute');
    expect(page.categoryPath).toEqual(['Бытовая техника', 'Техника для дома', 'Пылесосы']);
    expect(page.pageRating).toBe(4.5);
    expect(page.pageReviewCount).toBe(96);
    expect(page.photos).toHaveLength(3);
    expect(page.descriptionText).toBe('Беспроводной пылесос с лазерной подсветкой пыли.');
  });

  it('reads a page with no sellers (no card price, JSON-LD price "undefined", nobody has rated it)', () => {
    const page = parseProductPage(fixture('product-no-sellers.html'))!;
    expect(page.name).toBe('Чехол для Samsung Galaxy A15 силиконовый прозрачный');
    expect(page.pagePrice).toBeNull();
    expect(page).toMatchObject({ pageRating: 0, pageReviewCount: 0 });
  });

  it('reads the single-seller page', () => {
    const page = parseProductPage(fixture('product-single-seller.html'))!;
    expect(page.name).toBe('Аккумуляторная отвертка Bosch GO 2 06019H2100');
    expect(page).toMatchObject({ pagePrice: 34_990, pageRating: 4.7, pageReviewCount: 312 });
  });

  it('finds no product on the anti-bot and 404 pages and tells them apart', () => {
    expect(parseProductPage(fixture('antibot.html'))).toBeNull();
    expect(classifyNonProductPage(fixture('antibot.html'))).toBe('blocked');
    expect(parseProductPage(fixture('not-found.html'))).toBeNull();
    expect(classifyNonProductPage(fixture('not-found.html'))).toBe('not-found');
    expect(classifyNonProductPage('<html><body><div id="app"></div></body></html>')).toBe('unknown');
  });
});

describe('description HTML to text', () => {
  it('keeps "a < b", decodes entities, drops scripts and comments, ignores > inside attributes', () => {
    expect(
      htmlToText(
        '<p class="x>y">a < b &amp; c&nbsp;d &laquo;e&raquo; &#8470;1 &#x20AC; &unknown;</p><script>var x = "<p>";</script><!-- <p>hidden</p> --><br/>end',
      ),
    ).toBe('a < b & c d «e» №1 € &unknown;\nend');
    expect(htmlToText('plain text,   no markup ')).toBe('plain text, no markup');
    expect(htmlToText('<ul><li>one</li><li></li><li>two</li></ul>')).toBe('• one\n• two');
  });
});

describe('offers parser', () => {
  it('reads a recorded-shape response: string ids, absent ratings, float prices, preorder', () => {
    const page = parseOffersPage(json('offers-page-response.json'));
    expect(page.total).toBe(20);
    expect(page.offers).toHaveLength(4);
    expect(page.offers[0]).toEqual({
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
    expect(page.offers[1]).toMatchObject({ merchantId: 'Satel', merchantRating: 0, preorderDays: 5, deliveryType: 'EXPRESS' });
    expect(page.offers[2]).toMatchObject({ merchantId: '30463420', merchantRating: null, merchantReviewCount: null });
  });

  it('de-duplicates by merchant keeping the lowest price', () => {
    const offers = dedupeOffers(parseOffersPage(json('offers-page-response.json')).offers);
    expect(offers.map((o) => [o.merchantId, o.price])).toEqual([
      ['11271005', '359990'],
      ['Satel', '362500'],
      ['30463420', '365000'],
    ]);
  });

  it('an empty list is fine; a list where nothing parses is a format change', () => {
    expect(parseOffersPage({ offers: [], total: 0 }).offers).toEqual([]);
    expect(() => parseOffersPage({ offers: [{ seller: 'x', cost: 1 }] })).toThrow(/changed its format/);
    expect(() => parseOffersPage({ items: 'no' })).toThrow(expect.objectContaining({ code: 'KASPI_LAYOUT_CHANGED' }));
  });
});

describe('reviews parser', () => {
  it('takes the COMMENT group by id wherever it sits', () => {
    expect(parseReviews(json('reviews/113137790.json'))).toEqual({ rating: 4.9, reviewCount: 10_727 });
    expect(parseReviews(json('reviews/100412340.json'))).toEqual({ rating: 4.7, reviewCount: 312 });
    expect(parseReviews({ summary: {}, groupSummary: [{ id: 'ALL', total: 3 }] })).toEqual({ rating: null, reviewCount: null });
  });
});
