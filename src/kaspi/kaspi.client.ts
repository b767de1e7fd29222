// Kaspi's public storefront over the project's HTTP client: the product page, the offers API
// (POST, 64 per page) and the reviews API, with the browser headers they need (reference/kaspi.md
// §1.1, §2, §9). HTTP failures become KASPI_* errors that say what to do.
import type { Config } from '../core/config.js';
import { RateLimitedError, UserError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { readSetting, settingDefault } from '../core/settings.js';
import { HttpClient, type HttpError, isHttpError, type RateLimit } from '../http/client.js';
import type { PageSource } from './embedded-json.js';
import { dedupeOffers, type KaspiOffer, parseOffersPage } from './offers.parser.js';
import { classifyNonProductPage } from './product-page.parser.js';
import { parseReviews, type ReviewsSummary } from './reviews.parser.js';

/** 4 requests/s with a burst of 4 per exit IP: well under the ~10 rps where Kaspi starts answering 403. */
export const KASPI_DEFAULT_RATE: RateLimit = { perSecond: settingDefault('kaspi.rate'), burst: 4 };
export const OFFERS_PAGE_SIZE = 64; // 100 is rejected with 400
const MAX_OFFER_PAGES = 60;

const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const BROWSER_HEADERS = {
  'user-agent': CHROME_UA,
  'accept-language': 'ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7',
};

export function kaspiBaseUrl(config: Config): string {
  return readSetting(config, 'kaspi.baseUrl');
}

export interface KaspiClientOptions {
  /** undefined = KASPI_DEFAULT_RATE; null = unlimited. */
  rateLimit?: RateLimit | null;
  proxies?: string[];
  log?: Logger;
  timeoutMs?: number;
  retries?: number;
}

/** An HTTP client for kaspi.kz (or `kaspiBaseUrl(config)`) with browser headers and the default rate limit. */
export function createKaspiClient(baseUrl: string, options: KaspiClientOptions = {}): HttpClient {
  return new HttpClient({
    baseUrl,
    service: 'Kaspi',
    rateLimit: options.rateLimit === null ? undefined : (options.rateLimit ?? KASPI_DEFAULT_RATE),
    proxies: options.proxies,
    headers: BROWSER_HEADERS,
    log: options.log,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
  });
}

// Origin and Referer are always kaspi.kz, as the browser sends them, even through a relay or MP_KASPI_URL.
const ORIGIN = 'https://kaspi.kz';

function referer(productId: string, cityId: string): string {
  return `${ORIGIN}/shop/p/-${productId}/?c=${cityId}`;
}

/**
 * The product page as UTF-8 bytes (the parser decodes only the JSON it needs: decoding a whole
 * 400 KB page costs more than parsing it). 404 → KASPI_NOT_FOUND; 403/429 → KASPI_BLOCKED.
 */
export async function fetchProductPage(client: HttpClient, productId: string, cityId: string): Promise<Buffer> {
  try {
    const res = await client.request<Buffer>({
      path: `/shop/p/-${encodeURIComponent(productId)}/`,
      query: { c: cityId },
      expect: 'buffer',
      headers: {
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
        cookie: `kaspi.storefront.cookie.city=${cityId}`,
        'sec-fetch-site': 'none',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-dest': 'document',
      },
    });
    return res.body;
  } catch (error) {
    throw kaspiError(error, `product ${productId}`);
  }
}

/** One page (0-based) of a product's offers in a city. */
export async function fetchOffersPage(client: HttpClient, productId: string, cityId: string, page: number) {
  try {
    const res = await client.request<unknown>({
      method: 'POST',
      path: `/yml/offer-view/offers/${encodeURIComponent(productId)}`,
      headers: {
        accept: 'application/json, text/*',
        'content-type': 'application/json; charset=UTF-8',
        origin: ORIGIN,
        referer: referer(productId, cityId),
        'x-ks-city': cityId,
        cookie: `kaspi.storefront.cookie.city=${cityId}`,
        'sec-fetch-site': 'same-origin',
        'sec-fetch-mode': 'cors',
        'sec-fetch-dest': 'empty',
      },
      body: JSON.stringify({
        cityId,
        id: productId,
        merchantUID: [],
        limit: OFFERS_PAGE_SIZE,
        page,
        sortOption: 'PRICE',
        highRating: null,
        searchText: null,
        isExcellentMerchant: false,
        installationId: '-1',
      }),
    });
    return parseOffersPage(res.body);
  } catch (error) {
    throw kaspiError(error, `offers of product ${productId}`);
  }
}

export interface AllOffers {
  /** One per merchant (its lowest price), sorted by price. */
  offers: KaspiOffer[];
  /** What Kaspi said the total was, when it did. */
  total: number | null;
  /** Rows received before de-duplication. */
  rows: number;
  pages: number;
  /**
   * False when Kaspi's own `total` says more rows exist than its pages gave, even after asking for
   * the next page: the list is partial, and a merchant missing from it has not necessarily left.
   */
  complete: boolean;
}

/**
 * Every offer of a product in a city: pages of 64 until Kaspi's `total` is reached (or, when it
 * reports none, until a short page), de-duplicated by merchant keeping the lowest price (prices move
 * between pages). A page shorter than asked for while rows are still missing is followed by the next
 * page; the list is `complete: false` when that page adds nothing. Shared with the repricer. An
 * empty complete list means Kaspi returned none, which is also what an unknown id gets.
 */
export async function fetchAllOffers(client: HttpClient, productId: string, cityId: string): Promise<AllOffers> {
  const all: KaspiOffer[] = [];
  let total: number | null = null;
  let rows = 0;
  let pages = 0;
  while (pages < MAX_OFFER_PAGES) {
    const got = await fetchOffersPage(client, productId, cityId, pages++);
    total ??= got.total;
    const n = got.offers.length + got.skipped;
    rows += n;
    all.push(...got.offers);
    if (total !== null && rows >= total) break;
    if (n === 0) break;
    // Without a total, a short page is the last one; with one, rows are still missing: ask again.
    if (n < OFFERS_PAGE_SIZE && total === null) break;
  }
  return { offers: dedupeOffers(all), total, rows, pages, complete: total === null || rows >= total };
}

/** Rating (`summary.global`) and review count (the COMMENT group) from the reviews API. */
export async function fetchReviews(client: HttpClient, productId: string, cityId: string): Promise<ReviewsSummary> {
  try {
    const res = await client.request<unknown>({
      path: `/yml/review-view/api/v1/reviews/product/${encodeURIComponent(productId)}`,
      query: { baseProductCode: '', orderCode: '', filter: 'COMMENT', sort: 'POPULARITY', limit: 9, merchantCodes: '', withAgg: true },
      headers: { accept: 'application/json, text/*', referer: referer(productId, cityId), 'x-ks-city': cityId },
    });
    return parseReviews(res.body);
  } catch (error) {
    throw kaspiError(error, `reviews of product ${productId}`);
  }
}

const BLOCKED_ADVICE = 'lower --rate, or use --proxy with a Kazakhstan address';

/** HttpError (or an anti-bot page) → a KASPI_* UserError naming what failed and what to do. */
export function kaspiError(error: unknown, what: string): unknown {
  if (!isHttpError(error)) return error;
  const e = error as HttpError;
  if (e.status === 404) return new UserError('KASPI_NOT_FOUND', `Kaspi has no ${what} (404): check the id and the city`, { cause: e });
  if (e.status === 403 || e.status === 405 || e.status === 429 || e.code === 'HTTP_RATE_LIMITED') {
    return new RateLimitedError('KASPI_BLOCKED', `Kaspi refused ${what} (HTTP ${e.status ?? 429}): ${BLOCKED_ADVICE}`, {
      cause: e,
      details: { retryAfterMs: e.retryAfterMs },
    });
  }
  if (e.code === 'HTTP_NOT_JSON') {
    return new RateLimitedError('KASPI_BLOCKED', `Kaspi sent an HTML page instead of ${what} (an anti-bot check): ${BLOCKED_ADVICE}`, { cause: e });
  }
  if (e.code === 'HTTP_BAD_JSON') return new UserError('KASPI_BAD_RESPONSE', `Kaspi sent broken JSON for ${what}: try again later`, { cause: e });
  // The HTTP client's message already names the URL, the attempts and what to do.
  return new UserError('KASPI_UNAVAILABLE', e.message, { cause: e });
}

/** A 200 page without a product: blocked, gone, or a layout mp no longer understands. */
export function pageWithoutProductError(html: PageSource, productId: string): UserError {
  const kind = classifyNonProductPage(html);
  if (kind === 'blocked') return new RateLimitedError('KASPI_BLOCKED', `Kaspi sent an anti-bot page instead of product ${productId}: ${BLOCKED_ADVICE}`);
  if (kind === 'not-found') return new UserError('KASPI_NOT_FOUND', `Kaspi has no product ${productId}: check the id and the city`);
  return new UserError('KASPI_LAYOUT_CHANGED', `the page of product ${productId} has no name in any known place (item JSON, JSON-LD, DOM): update mp`);
}
