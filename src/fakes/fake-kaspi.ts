// A fake kaspi.kz on 127.0.0.1: product pages, the offers API (POST only, pages of ≤ 64, unknown
// ids → 200 []), the reviews API — from fixtures/kaspi: the real captures in fixtures/kaspi/real/
// (trimmed pages served as they are; the short offers answer of 102298404 served verbatim) and our
// variants in their shapes, plus generated products for the benchmark. test/kaspi/fake-conformance
// holds its answers against the real captures. Tests change prices, remove sellers and inject faults
// (anti-bot pages, 403, 429, delays).
import { existsSync, readFileSync } from 'node:fs';
import { FakeServer, type Fault } from './fake-server.js';
import { FIXTURE_PRODUCTS, type FixtureProduct, REAL_PAGE_PRODUCTS, SHORT_OFFERS_PRODUCT } from './kaspi-fixture-specs.js';
import { buildOffers, type RawOffer } from './kaspi-offers-builder.js';
import { buildProductPage } from './kaspi-page-builder.js';

// From src/fakes (vitest) or dist/src/fakes (the built CLI, the demo and the benchmarks).
const fixtureDir = ['../../fixtures/kaspi/', '../../../fixtures/kaspi/'].map((rel) => new URL(rel, import.meta.url)).find((u) => existsSync(u))!;
export const readKaspiFixture = (name: string): string => readFileSync(new URL(name, fixtureDir), 'utf8');

export const KASPI_IDS = Object.fromEntries(FIXTURE_PRODUCTS.map((p) => [p.key, p.id])) as Record<FixtureProduct['key'], string>;
/** Products whose page is a real capture (fixtures/kaspi/real/product-<id>.html). */
export const REAL_PAGE_IDS = REAL_PAGE_PRODUCTS.map((p) => p.id);
/** The product whose offers answer is the real short capture: `total` 20, 4 rows. */
export const SHORT_OFFERS_ID = SHORT_OFFERS_PRODUCT.id;

/** Generated (benchmark) product ids start here: 9-digit ids no fixture uses. */
export const GENERATED_ID_BASE = 900_000_000;

interface Product {
  /** The page, or its pieces in order (a generated page: the template's parts around the id, never joined). */
  page: Buffer | Buffer[];
  offers: RawOffer[];
  reviews: unknown;
  /** A captured answer served verbatim for page 0 (later pages: no rows, the same total). */
  capturedOffers?: { offers: unknown[]; total: number; offersCount: number };
  /**
   * A generated product's offers answer for one page of 64, rendered from pre-serialized offers: the
   * same text as JSON.stringify of the answer built from `offers`. Dropped once a test changes the offers.
   */
  offersBody?: (page: number) => Buffer;
}

/** Markers in the generated template's offers, replaced per product (the price marker with its quotes). */
const ID_MARK = '@@ID@@';
const PRICE_MARK = '@@PRICE@@';
const MARKS = /(@@ID@@|"@@PRICE@@")/;

export interface FakeKaspiOptions {
  /** Serve generated products with ids GENERATED_ID_BASE … +count-1 (~400 KB pages, `generatedOffers` offers each). */
  generated?: number;
  generatedOffers?: number;
}

export class FakeKaspi {
  readonly server = new FakeServer();
  private readonly products = new Map<string, Product>();
  private readonly notFound = Buffer.from(readKaspiFixture('not-found.html'));
  private readonly antibot = readKaspiFixture('antibot.html');
  private generatedTemplate?: {
    parts: Buffer[];
    offers: RawOffer[];
    /** Each template offer as JSON split at the markers: literal text at even indexes, a marker at odd ones. */
    offerJson: string[][];
  };
  private readonly generatedCache = new Map<string, Product>();
  private readonly originalPages = new Map<string, Buffer | Buffer[]>();

  constructor(private readonly options: FakeKaspiOptions = {}) {
    for (const p of FIXTURE_PRODUCTS) {
      this.products.set(p.id, {
        page: Buffer.from(readKaspiFixture(p.page)),
        offers: JSON.parse(readKaspiFixture(`offers/${p.id}.json`)) as RawOffer[],
        reviews: JSON.parse(readKaspiFixture(`reviews/${p.id}.json`)),
      });
    }
    for (const p of REAL_PAGE_PRODUCTS) {
      this.products.set(p.id, {
        page: Buffer.from(readKaspiFixture(`real/product-${p.id}.html`)),
        offers: buildOffers(p.id, p.title, p.category, p.offers, p.price, Number(p.id) % 1000),
        reviews: reviewsAnswer(p.rating, p.reviewCount),
      });
    }
    const captured = JSON.parse(readKaspiFixture(SHORT_OFFERS_PRODUCT.offers));
    this.products.set(SHORT_OFFERS_PRODUCT.id, {
      page: Buffer.from(readKaspiFixture(SHORT_OFFERS_PRODUCT.page)),
      offers: captured.offers,
      reviews: reviewsAnswer(SHORT_OFFERS_PRODUCT.spec.rating, SHORT_OFFERS_PRODUCT.spec.reviewCount),
      capturedOffers: captured,
    });
    // Built before the first request, so serving a generated product costs only what serving it takes.
    if (options.generated) this.buildGeneratedTemplate();
    this.server.route('GET', '/shop/p/:slug', (req) => {
      const id = /(?:^|-)(\d+[a-z]?)$/i.exec(req.params.slug ?? '')?.[1] ?? '';
      const page = this.product(id)?.page;
      if (!page) return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: this.notFound };
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
    });
    this.server.route('POST', '/yml/offer-view/offers/:id', (req) => {
      let body: { page?: number; limit?: number; cityId?: string };
      try {
        body = JSON.parse(req.body);
      } catch {
        return { status: 400, body: { error: 'bad body' } };
      }
      const limit = body.limit ?? 64;
      if (limit > 64) return { status: 400, body: { error: 'limit must be at most 64' } };
      const product = this.product(req.params.id!);
      const page = body.page ?? 0;
      const captured = product?.capturedOffers;
      if (captured) return { body: page === 0 ? captured : { ...captured, offers: [] } };
      if (product?.offersBody && limit === 64) return { headers: { 'content-type': 'application/json; charset=utf-8' }, body: product.offersBody(page) };
      const offers = product?.offers ?? [];
      return { body: { offers: offers.slice(page * limit, (page + 1) * limit), total: offers.length, offersCount: offers.length, pcmResponsePresent: false } };
    });
    this.server.route('GET', '/yml/review-view/api/v1/reviews/product/:id', (req) => {
      const reviews = this.product(req.params.id!)?.reviews ?? { summary: { global: 0, statistic: [] }, groupSummary: [], data: [] };
      return { body: reviews };
    });
  }

  get url(): string {
    return this.server.url;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** Fails (throws) on a request no route answered or an injected fault not used up: for a test's afterEach. */
  verify(): void {
    this.server.verify();
  }

  /** From now on the offers answer of this product gives only its first `rows` rows while `total` says all of them. */
  shortOffers(productId: string, rows: number): void {
    const offers = this.mutableOffers(productId);
    const total = offers.length;
    this.products.get(productId)!.capturedOffers = { offers: offers.slice(0, rows), total, offersCount: total };
  }

  /** The page of this product as it is served now (text). */
  pageOf(productId: string): string {
    const page = this.product(productId)!.page;
    return (Array.isArray(page) ? Buffer.concat(page) : page).toString('utf8');
  }

  /** From now on this product's page is `html` (a layout change); `restorePage` undoes it. */
  replacePage(productId: string, html: string): void {
    this.mutableOffers(productId);
    const product = this.products.get(productId)!;
    this.originalPages.set(productId, this.originalPages.get(productId) ?? product.page);
    product.page = Buffer.from(html);
  }

  restorePage(productId: string): void {
    const original = this.originalPages.get(productId);
    if (original) this.products.get(productId)!.page = original;
    this.originalPages.delete(productId);
  }

  /** The offers answer is whole again. */
  wholeOffers(productId: string): void {
    delete this.products.get(productId)!.capturedOffers;
  }

  /** Sets one merchant's price (the offer list stays sorted as Kaspi's sortOption PRICE returns it). */
  setPrice(productId: string, merchantId: string, price: number): void {
    const offers = this.mutableOffers(productId);
    for (const o of offers) if (o.merchantId === merchantId) o.price = price;
    offers.sort((a, b) => a.price - b.price);
  }

  removeSeller(productId: string, merchantId: string): void {
    const offers = this.mutableOffers(productId);
    this.products.get(productId)!.offers = offers.filter((o) => o.merchantId !== merchantId);
  }

  /** The offers API answers [] for this product while its page still lists sellers. */
  emptyOffers(productId: string): void {
    this.mutableOffers(productId);
    this.products.get(productId)!.offers = [];
  }

  offersOf(productId: string): RawOffer[] {
    return this.product(productId)?.offers ?? [];
  }

  /** The next `times` requests to `path` get an anti-bot page with status 200. */
  antiBot(path: string, times = 1, method?: string): void {
    this.server.fault(path, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: this.antibot, times }, method);
  }

  fault(path: string, fault: Fault, method?: string): void {
    this.server.fault(path, fault, method);
  }

  private mutableOffers(productId: string): RawOffer[] {
    const product = this.product(productId);
    if (!product) throw new Error(`the fake Kaspi has no product ${productId}`);
    if (!this.products.has(productId)) this.products.set(productId, product);
    delete product.offersBody; // the offers change: serve them from `offers` from now on
    return product.offers;
  }

  private product(id: string): Product | undefined {
    const known = this.products.get(id);
    if (known) return known;
    const n = Number(id) - GENERATED_ID_BASE;
    if (!Number.isInteger(n) || n < 0 || n >= (this.options.generated ?? 0)) return undefined;
    return this.generatedProduct(id, n);
  }

  private buildGeneratedTemplate(): NonNullable<FakeKaspi['generatedTemplate']> {
    if (this.generatedTemplate) return this.generatedTemplate;
    const phone = FIXTURE_PRODUCTS.find((p) => p.key === 'phone')!;
    const html = buildProductPage({
      id: '__ID__',
      title: 'Смартфон Samsung Galaxy A55 8/256Gb синий',
      brand: 'Samsung',
      categoryPath: phone.categoryPath,
      categoryCodes: phone.categoryCodes,
      descriptionHtml: '<p>Galaxy A55 с камерой 50 Мп и защитой IP67.</p><ul><li>Экран 6.6"</li><li>Батарея 5000 мА·ч</li></ul>',
      photos: [1, 2, 3, 4, 5].map((i) => `https://resources.cdn-kaspi.kz/img/m/p/h${i}c/h${i}d/__ID__${i}.jpg?format=gallery-large`),
      price: 199_990,
      rating: 4.8,
      reviewCount: 2_310,
      sellerCount: this.options.generatedOffers ?? 150,
    });
    const offers = buildOffers('__ID__', 'Смартфон Samsung Galaxy A55 8/256Gb синий', 'Smartphones', this.options.generatedOffers ?? 150, 199_990, 7);
    const offerJson = offers.map((o) =>
      JSON.stringify({ ...o, masterSku: ID_MARK, merchantSku: `${ID_MARK}_${o.merchantId}`, price: PRICE_MARK }).split(MARKS),
    );
    this.generatedTemplate = { parts: html.split('__ID__').map((s) => Buffer.from(s)), offers, offerJson };
    return this.generatedTemplate;
  }

  /**
   * Generated products share one page template split at the id, served as its pieces (no 400 KB
   * copy per page), and one list of offers serialized once with markers for the id and the price,
   * so serving a product costs the fake server no HTML or JSON building.
   */
  private generatedProduct(id: string, n: number): Product {
    // A product's requests (page, three offer pages) come close together: what they share is made
    // once and kept for a while.
    const cached = this.generatedCache.get(id);
    if (cached) return cached;
    const { parts, offers, offerJson } = this.buildGeneratedTemplate();
    const idBuf = Buffer.from(id);
    const priceOf = (base: number, i: number) => base + ((n * 31 + i) % 7) * 10;
    let materialized: RawOffer[] | undefined;
    const product: Product = {
      page: parts.flatMap((p, i) => (i === 0 ? [p] : [idBuf, p])),
      get offers() {
        materialized ??= offers.map((o, i) => ({ ...o, masterSku: id, merchantSku: `${id}_${o.merchantId}`, price: priceOf(o.price, i) }));
        return materialized;
      },
      set offers(value: RawOffer[]) {
        materialized = value;
      },
      offersBody(page) {
        const from = page * 64;
        const to = Math.min(offers.length, from + 64);
        let text = '{"offers":[';
        for (let i = from; i < to; i++) {
          const pieces = offerJson[i]!;
          if (i > from) text += ',';
          for (let k = 0; k < pieces.length; k++) {
            const piece = pieces[k]!;
            text += k % 2 === 0 ? piece : piece === ID_MARK ? id : String(priceOf(offers[i]!.price, i));
          }
        }
        return Buffer.from(`${text}],"total":${offers.length},"offersCount":${offers.length},"pcmResponsePresent":false}`);
      },
      reviews: {
        summary: { global: 4.8 },
        groupSummary: [
          { id: 'ALL', total: 2_500 },
          { id: 'COMMENT', total: 2_310 },
        ],
      },
    };
    this.generatedCache.set(id, product);
    if (this.generatedCache.size > 256) this.generatedCache.delete(this.generatedCache.keys().next().value!);
    return product;
  }
}

/** A reviews answer in the shape of reference/kaspi.md §1.6 (no real one was captured). */
function reviewsAnswer(rating: number, comments: number): unknown {
  return {
    summary: { global: rating, statistic: [] },
    groupSummary: [
      { id: 'ALL', total: comments },
      { id: 'COMMENT', total: comments },
    ],
    data: [],
  };
}

export async function startFakeKaspi(options: FakeKaspiOptions = {}): Promise<FakeKaspi> {
  return new FakeKaspi(options).start();
}
