// `mp kaspi scrape`: page → offers (+ reviews when the page lacks a rating) → stored in one transaction
// with the products read just before it (a batch). A product's failure is recorded with its code and
// never stops the others; what a product that succeeded could not see is a coded warning
// (scrape-warnings.ts), never stored as fact.
import type { Kysely } from 'kysely';
import pLimit from 'p-limit';
import { errorCode, errorMessage, isMpError } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import { WriteBatcher } from '../db/write-batcher.js';
import type { HttpClient } from '../http/client.js';
import { endScrapeStreaks, onlyEndsStreak, recordScrapeAlerts } from '../notify/scrape-alerts.js';
import { type AllOffers, fetchAllOffers, fetchProductPage, fetchReviews, pageWithoutProductError } from './kaspi.client.js';
import type { KaspiOffer } from './offers.parser.js';
import { type ParsedProductPage, parseProductPage } from './product-page.parser.js';
import { canonicalProductUrl } from './product-ref.js';
import type { ReviewsSummary } from './reviews.parser.js';
import { isComplete, type ScrapeWarning, WARNING } from './scrape-warnings.js';
import { type ProductObservation, type SavedSnapshot, writeProductSnapshots } from './snapshot.service.js';
import type { OffersStatus } from './snapshot-diff.js';

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
  /** The offers read: null when unknown; Kaspi's partial list when `offersStatus` is 'incomplete'. */
  offers: KaspiOffer[] | null;
  /** What Kaspi said the offer total was (null when it did not). */
  offersTotal: number | null;
  source: 'backend' | 'json-ld' | 'dom';
  warnings: ScrapeWarning[];
  /** False when a warning says part of the product was not observed (then it was kept, not overwritten). */
  complete: boolean;
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
  /** The base URL mp fetches from (kaspi.kz, a relay, a test server); stored URLs are always kaspi.kz. */
  baseUrl: string;
  now: () => Date;
}

/** Scrapes one product and stores it; returns a success with what changed, or a coded failure. */
export async function scrapeProduct(deps: ScrapeDeps, target: ScrapeTarget): Promise<ScrapeResult> {
  const fetched = await fetchProduct(deps, target);
  if (!fetched.ok) return fetched.failure;
  return (await storeProducts(deps, [fetched]))[0]!;
}

/** A product read and resolved, not stored yet. */
interface FetchedProduct {
  ok: true;
  target: ScrapeTarget;
  obs: ProductObservation;
  /** When it was read (the snapshot's time). */
  now: Date;
  page: ParsedProductPage;
  offers: KaspiOffer[] | null;
  offersTotal: number | null;
  warnings: ScrapeWarning[];
}

/** Reads a product (page, offers, reviews when needed); a product's failure is a coded result (its alerts recorded). */
async function fetchProduct(deps: ScrapeDeps, target: ScrapeTarget): Promise<FetchedProduct | { ok: false; failure: ScrapeFailure }> {
  const { id, city } = target;
  const warnings: ScrapeWarning[] = [];
  try {
    const html = await fetchProductPage(deps.client, id, city);
    const page = parseProductPage(html);
    if (!page) throw pageWithoutProductError(html, id);
    // The page's own rating block is the source; the reviews API (often 404/429 from datacenter IPs)
    // is asked only for what the page does not show.
    const needReviews = page.pageRating === null || page.pageReviewCount === null;
    const [offersResult, reviewsResult] = await Promise.allSettled([
      fetchAllOffers(deps.client, id, city),
      needReviews ? fetchReviews(deps.client, id, city) : Promise.resolve(undefined),
    ]);
    if (offersResult.status === 'rejected') throw offersResult.reason;
    if (page.source !== 'backend') warnings.push(fallbackWarning(page));
    const offers = offersStatus(page, offersResult.value, warnings);
    const { rating, reviewCount } = ratingOf(page, reviewsResult, warnings);
    const obs: ProductObservation = {
      kaspiId: id,
      cityId: city,
      url: canonicalProductUrl(id, page.url),
      name: page.name,
      descriptionText: page.descriptionText,
      descriptionHtml: page.descriptionHtml,
      category: page.category,
      categoryPath: page.categoryPath,
      brand: page.brand,
      photos: page.photos,
      weak: page.weak,
      offers: offers.status === 'ok' || offers.status === 'none' ? offers.list : null,
      offersStatus: offers.status,
      rating,
      reviewCount,
    };
    return {
      ok: true,
      target,
      obs,
      now: deps.now(),
      page,
      offers: offers.status === 'unknown' ? null : offers.list,
      offersTotal: offersResult.value.total,
      warnings,
    };
  } catch (error) {
    if (!isMpError(error)) throw error; // a bug: not a per-product outcome
    const failure: ScrapeFailure = { ok: false, target, code: errorCode(error) ?? 'KASPI_ERROR', message: errorMessage(error) };
    // The stores repricing the product hear of it after SCRAPE_FAILING_RUNS failures in a row.
    await recordScrapeAlerts(deps.db, failure, deps.now());
    return { ok: false, failure };
  }
}

/**
 * Stores products read by fetchProduct in one transaction (their snapshots, and the end of the failing
 * streaks of those scraped cleanly); then records the alerts of the others (a layout change). Returns
 * each product's result in the order given. A database failure rejects: none of them was stored.
 */
async function storeProducts(deps: ScrapeDeps, products: readonly FetchedProduct[]): Promise<ScrapeSuccess[]> {
  const now = deps.now();
  const results = await deps.db.transaction().execute(async (trx) => {
    const saved = await writeProductSnapshots(
      trx,
      products.map((p) => ({ obs: p.obs, now: p.now })),
    );
    const done = products.map((p, i) => success(p, saved[i]!));
    await endScrapeStreaks(
      trx,
      done.filter(onlyEndsStreak).map((r) => r.target),
      now,
    );
    return done;
  });
  // Tells the stores repricing a product about a layout change (and ends its failing streak).
  for (const r of results) if (!onlyEndsStreak(r)) await recordScrapeAlerts(deps.db, r, now);
  return results;
}

function success(p: FetchedProduct, saved: SavedSnapshot): ScrapeSuccess {
  const warnings = [...p.warnings];
  const layout = layoutWarning(p.page, saved);
  if (layout) warnings.push(layout);
  return {
    ok: true,
    target: p.target,
    saved,
    offers: p.offers,
    offersTotal: p.offersTotal,
    source: p.page.source,
    warnings,
    complete: isComplete(warnings),
  };
}

/** 'ok' / 'none' from a complete list; 'incomplete' when Kaspi gave less than its total; 'unknown' for [] on a page that sells. */
function offersStatus(page: ParsedProductPage, all: AllOffers, warnings: ScrapeWarning[]): { status: OffersStatus; list: KaspiOffer[] } {
  if (!all.complete) {
    warnings.push({
      code: WARNING.offersIncomplete,
      message:
        `Kaspi listed ${all.rows} of the ${all.total} offers it reports (${all.pages} page(s)): the stored offers were kept ` +
        'and no seller was marked gone; scrape again later',
    });
    return { status: 'incomplete', list: all.offers };
  }
  if (all.offers.length) return { status: 'ok', list: all.offers };
  const pageListsSellers = (page.pageSellerCount ?? 0) > 0 || (page.pagePrice ?? 0) > 0;
  if (!pageListsSellers) return { status: 'none', list: [] };
  warnings.push({
    code: WARNING.offersUnknown,
    message: 'the offers API returned no offers although the page lists sellers: offers unknown, last known prices kept',
  });
  return { status: 'unknown', list: [] };
}

/** The page's rating and count, the reviews API filling what it lacks; undefined = keep the stored value. */
function ratingOf(
  page: ParsedProductPage,
  reviews: PromiseSettledResult<ReviewsSummary | undefined>,
  warnings: ScrapeWarning[],
): { rating: number | undefined; reviewCount: number | undefined } {
  const api = reviews.status === 'fulfilled' ? reviews.value : undefined;
  const rating = page.pageRating ?? api?.rating ?? undefined;
  const reviewCount = page.pageReviewCount ?? api?.reviewCount ?? undefined;
  if (reviews.status === 'rejected' && (rating === undefined || reviewCount === undefined)) {
    warnings.push({
      code: WARNING.reviewsUnavailable,
      message: `the page shows no rating and the reviews API failed (${errorMessage(reviews.reason)}): the stored rating and review count were kept`,
    });
  }
  return { rating, reviewCount };
}

function fallbackWarning(page: ParsedProductPage): ScrapeWarning {
  const from = page.source === 'json-ld' ? 'the JSON-LD block' : 'the page markup (DOM)';
  return {
    code: WARNING.pageFallback,
    message: `the page has no embedded item state (BACKEND.components.item): name${page.pagePrice !== null ? ', price' : ''} and the rest were read from ${from}`,
  };
}

/** KASPI_LAYOUT_CHANGED when a known container is missing or a stored field was kept because the page lost it. */
function layoutWarning(page: ParsedProductPage, saved: SavedSnapshot): ScrapeWarning | undefined {
  const missing = page.missing.filter((m) => m !== 'item'); // a missing item state is the fallback warning
  const fields = [...new Set([...saved.kept, ...(page.missing.includes('item') ? [] : page.weak)])];
  if (!fields.length && !missing.length) return undefined;
  const keptText = saved.kept.length ? ` (kept from the last scrape: ${saved.kept.join(', ')})` : '';
  const missingText = missing.length ? `: ${missing.join(', ')} missing` : '';
  const fieldsText = fields.length ? `; ${fields.join(', ')} not read where mp expects ${fields.length > 1 ? 'them' : 'it'}${keptText}` : '';
  return {
    code: WARNING.layoutChanged,
    message: `the product page changed its layout${missingText}${fieldsText}; update mp`,
    fields,
  };
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
  /**
   * Receives the function that writes now the products read and not stored yet, resolving once
   * they are committed (and their onResult ran): for a command that exits on Ctrl-C.
   */
  onStoreDrain?: (drain: () => Promise<void>) => void;
}

/** Products stored per transaction, and how long the first of a batch waits for the rest. */
const STORE_BATCH = 16;
const STORE_WAIT_MS = 50;

/**
 * Scrapes targets with bounded concurrency; returns what `onResult` made of each product that ran,
 * in input order. Products read are stored in batches (one transaction, a few round trips, for up to
 * STORE_BATCH products) while the next ones are read; `onResult` sees a product once its batch has
 * committed. A thrown error (a database failure, a bug, `onResult` failing) rejects the run and no
 * further product is started.
 */
export async function scrapeProducts<T = ScrapeResult>(deps: ScrapeDeps, targets: readonly ScrapeTarget[], options: ScrapeManyOptions<T>): Promise<T[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const keep = options.onResult ?? ((r: ScrapeResult) => r as T);
  const store = new WriteBatcher<FetchedProduct, ScrapeSuccess>((products) => storeProducts(deps, products), {
    maxItems: STORE_BATCH,
    maxWaitMs: STORE_WAIT_MS,
    key: (p) => `${p.target.id}|${p.target.city}`,
  });
  options.onStoreDrain?.(() => store.drain());
  let reading = 0;
  // Nothing can join the open batch until another product is read: write it now.
  const flushWhenIdle = () => {
    if (reading === 0 && limit.pendingCount === 0) store.flush();
  };
  let broken = false;
  const results = await Promise.all(
    targets.map(async (t): Promise<{ kept: T } | null> => {
      try {
        const outcome = await limit(async (): Promise<{ result: Promise<ScrapeResult> } | null> => {
          if (broken || options.signal?.aborted) {
            flushWhenIdle();
            return null; // skipped
          }
          reading += 1;
          try {
            const fetched = await fetchProduct(deps, t);
            if (!fetched.ok) return { result: Promise.resolve(fetched.failure) };
            const result = store.add(fetched);
            result.catch(() => {}); // awaited below
            // A database slower than Kaspi: stop reading until the queue shrinks.
            await store.waitForRoom();
            return { result };
          } finally {
            reading -= 1;
            flushWhenIdle();
          }
        });
        if (!outcome) return null;
        return { kept: keep(await outcome.result) };
      } catch (error) {
        broken = true;
        throw error;
      }
    }),
  );
  return results.flatMap((r) => (r ? [r.kept] : []));
}
