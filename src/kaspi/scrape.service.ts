// `mp kaspi scrape`: page → offers + reviews → one transaction per product. A product's failure
// is recorded with its code and never stops the others.
import type { Kysely } from 'kysely';
import pLimit from 'p-limit';
import { errorCode, errorMessage, isMpError } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import type { HttpClient } from '../http/client.js';
import { fetchAllOffers, fetchProductPage, fetchReviews, pageWithoutProductError } from './kaspi.client.js';
import type { KaspiOffer } from './offers.parser.js';
import { parseProductPage } from './product-page.parser.js';
import { productUrl } from './product-ref.js';
import { type SavedSnapshot, saveProductSnapshot } from './snapshot.service.js';

export interface ScrapeTarget {
  /** What the user typed (for messages). */
  input: string;
  id: string;
  city: string;
}

export interface ScrapeSuccess {
  ok: true;
  target: ScrapeTarget;
  saved: SavedSnapshot;
  /** The offers read (null when unknown). */
  offers: KaspiOffer[] | null;
  source: 'backend' | 'json-ld' | 'dom';
  warnings: string[];
}

export interface ScrapeFailure {
  ok: false;
  target: Partial<ScrapeTarget> & { input: string };
  code: string;
  message: string;
}

export type ScrapeResult = ScrapeSuccess | ScrapeFailure;

export interface ScrapeDeps {
  db: Kysely<Database>;
  client: HttpClient;
  /** The base URL product links are built from when the page has none. */
  baseUrl: string;
  now: () => Date;
}

/** Scrapes one product and stores it; returns a success with what changed, or a coded failure. */
export async function scrapeProduct(deps: ScrapeDeps, target: ScrapeTarget): Promise<ScrapeResult> {
  const { id, city } = target;
  const warnings: string[] = [];
  try {
    const html = await fetchProductPage(deps.client, id, city);
    const page = parseProductPage(html);
    if (!page) throw pageWithoutProductError(html, id);
    const [offersResult, reviewsResult] = await Promise.allSettled([fetchAllOffers(deps.client, id, city), fetchReviews(deps.client, id, city)]);
    if (offersResult.status === 'rejected') throw offersResult.reason;
    const offers = offersResult.value.offers;
    const pageListsSellers = (page.pageSellerCount ?? 0) > 0 || (page.pagePrice ?? 0) > 0;
    const offersStatus = offers.length ? 'ok' : pageListsSellers ? 'unknown' : 'none';
    if (offersStatus === 'unknown') warnings.push('the offers API returned no offers although the page lists sellers: offers unknown, last known prices kept');
    let rating: number | null | undefined;
    let reviewCount: number | null | undefined;
    if (reviewsResult.status === 'fulfilled') {
      rating = reviewsResult.value.rating ?? page.pageRating;
      reviewCount = reviewsResult.value.reviewCount ?? page.pageReviewCount;
    } else {
      warnings.push(`reviews unavailable (${errorMessage(reviewsResult.reason)})`);
      rating = page.pageRating ?? undefined;
      reviewCount = page.pageReviewCount ?? undefined;
    }
    const url = page.url ? absoluteUrl(deps.baseUrl, page.url, city) : productUrl(deps.baseUrl, id, city);
    const saved = await saveProductSnapshot(
      deps.db,
      {
        kaspiId: id,
        cityId: city,
        url,
        name: page.name,
        descriptionText: page.descriptionText,
        descriptionHtml: page.descriptionHtml,
        category: page.category,
        categoryPath: page.categoryPath,
        brand: page.brand,
        photos: page.photos,
        offers: offersStatus === 'unknown' ? null : offers,
        offersStatus,
        rating,
        reviewCount,
      },
      deps.now(),
    );
    return { ok: true, target, saved, offers: offersStatus === 'unknown' ? null : offers, source: page.source, warnings };
  } catch (error) {
    if (!isMpError(error)) throw error; // a bug or a database failure: not a per-product outcome
    return { ok: false, target, code: errorCode(error) ?? 'KASPI_ERROR', message: errorMessage(error) };
  }
}

export interface ScrapeManyOptions<T = ScrapeResult> {
  concurrency: number;
  /**
   * Called as each product finishes (progress, streaming output, its export file); what it returns
   * is what the run keeps. Returning a small summary keeps a long run's memory flat: a product's
   * offers are not held once they are written. Without it the full results are kept.
   */
  onResult?: (result: ScrapeResult) => T;
  /** Once aborted, products not started yet are skipped (left for the next run); those in flight finish. */
  signal?: AbortSignal;
}

/**
 * Scrapes targets with bounded concurrency; returns what `onResult` made of each product that ran,
 * in input order. A thrown error (a database failure, a bug, `onResult` failing) rejects the run
 * and no further product is started.
 */
export async function scrapeProducts<T = ScrapeResult>(deps: ScrapeDeps, targets: readonly ScrapeTarget[], options: ScrapeManyOptions<T>): Promise<T[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const keep = options.onResult ?? ((r: ScrapeResult) => r as T);
  let broken = false;
  const results = await Promise.all(
    targets.map((t) =>
      limit(async (): Promise<{ kept: T } | null> => {
        if (broken || options.signal?.aborted) return null; // skipped
        try {
          return { kept: keep(await scrapeProduct(deps, t)) };
        } catch (error) {
          broken = true;
          throw error;
        }
      }),
    ),
  );
  return results.flatMap((r) => (r ? [r.kept] : []));
}

/** The page's own link (`/shop/p/<slug>-<id>/`) made absolute, with the city. */
function absoluteUrl(baseUrl: string, link: string, city: string): string {
  const url = new URL(link, `${baseUrl.replace(/\/+$/, '')}/`);
  url.searchParams.set('c', city);
  return url.toString();
}
