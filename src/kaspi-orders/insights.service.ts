// `mp kaspi insights`: an ESTIMATE of a product's monthly sales from how fast its review count grows
// (the number sellers use to size a niche), next to its price position among the current offers.
// Kaspi publishes neither sales nor the share of buyers who review: both are assumptions, stated.
import type { Kysely } from 'kysely';
import { compareDecimal, fromMinor, normalizeDecimal, toMinor } from '../core/money.js';
import { settingDefault } from '../core/settings.js';
import type { Database } from '../db/schema.js';
import { productHistory } from '../history/history.repository.js';
import { resolveStoredProduct } from '../history/history.service.js';
import { cityName } from '../kaspi/cities.js';
import { activeOffers } from './offers-read.repository.js';

const DAY = 86_400_000;
export const DEFAULT_REVIEW_RATE: number = settingDefault('kaspi.reviewRate');
/** Under a week of review history the velocity is mostly noise. */
const MIN_SPAN_DAYS = 7;

export interface InsightsQuery {
  input: string;
  city?: string;
  reviewRate: number;
  days: number;
  now: Date;
  /** Our merchant id, to place our offer among the others. */
  merchantId?: string;
}

/** The review-velocity sales estimate with its basis and assumptions, and the price position. */
export async function productInsights(db: Kysely<Database>, q: InsightsQuery) {
  const product = await resolveStoredProduct(db, q.input, q.city);
  const since = new Date(q.now.getTime() - q.days * DAY);
  const points = (await productHistory(db, product.id, since))
    .filter((h) => h.review_count !== null)
    .map((h) => ({ at: h.checked_at, reviews: h.review_count as number }));
  if (product.review_count !== null && (points.length === 0 || points[points.length - 1]!.at < product.last_checked_at)) {
    points.push({ at: product.last_checked_at, reviews: product.review_count });
  }
  const first = points[0];
  const last = points[points.length - 1];
  const spanDays = first && last ? (last.at.getTime() - first.at.getTime()) / DAY : 0;
  const assumptions = [
    `${(q.reviewRate * 100).toFixed(1).replace(/\.0$/, '')}% of buyers leave a review (--review-rate ${q.reviewRate}); Kaspi does not publish this — niches differ (cheap consumables review less, electronics more)`,
    'review growth over the window reflects sales in the same window (reviews lag purchases by days to weeks)',
    'all sellers of the product together: the estimate is for the whole product card, not one seller',
    'deleted or moderated reviews and imported reviews are not visible, so growth may be understated or overstated',
  ];
  let estimate: Record<string, unknown>;
  if (!first || !last || spanDays < MIN_SPAN_DAYS) {
    estimate = {
      label: 'ESTIMATE',
      available: false,
      reason: `needs review counts at least ${MIN_SPAN_DAYS} days apart (have ${points.length} point(s) over ${spanDays.toFixed(1)} days): keep it tracked (\`mp kaspi track add ${product.kaspi_id}\`) and scraped (\`mp kaspi scrape --tracked\`) daily`,
      assumptions,
    };
  } else {
    const growth = last.reviews - first.reviews;
    const reviewsPerMonth = (Math.max(0, growth) / spanDays) * 30;
    const monthlySales = Math.round(reviewsPerMonth / q.reviewRate);
    estimate = {
      label: 'ESTIMATE',
      available: true,
      monthlySales,
      monthlyRevenueAtMinPrice: product.min_price ? normalizeDecimal(fromMinor(toMinor(normalizeDecimal(product.min_price, 2)) * BigInt(monthlySales))) : null,
      reviewsPerMonth: Math.round(reviewsPerMonth * 10) / 10,
      reviewRate: q.reviewRate,
      basis: { from: first.at, to: last.at, days: Math.round(spanDays * 10) / 10, reviewsFrom: first.reviews, reviewsTo: last.reviews, points: points.length },
      ...(growth < 0 ? { warning: 'the review count went down (reviews removed): treated as no growth' } : {}),
      assumptions,
    };
  }
  return {
    product: {
      kaspiId: product.kaspi_id,
      name: product.name,
      city: cityName(product.city_id),
      cityId: product.city_id,
      url: product.url,
      rating: product.rating,
      reviews: product.review_count,
      lastChecked: product.last_checked_at,
    },
    estimate,
    price: await pricePosition(db, product.id, q.merchantId),
  };
}

async function pricePosition(db: Kysely<Database>, productId: string, merchantId: string | undefined) {
  const offers = await activeOffers(db, productId);
  if (offers.length === 0) return { offers: 0, note: 'no active offers stored: run `mp kaspi scrape` for this product' };
  const prices = offers.map((o) => normalizeDecimal(o.price));
  const mid = median(prices);
  const ours = merchantId ? offers.find((o) => o.merchant_id === merchantId) : undefined;
  const ourPrice = ours ? normalizeDecimal(ours.price) : undefined;
  return {
    offers: offers.length,
    min: prices[0],
    median: mid,
    max: prices[prices.length - 1],
    sellers: offers.slice(0, 10).map((o, i) => ({ rank: i + 1, merchant: o.merchant_name, merchantId: o.merchant_id, price: normalizeDecimal(o.price) })),
    ...(ourPrice !== undefined
      ? {
          ours: {
            merchantId,
            price: ourPrice,
            // Rank 1 = cheapest; sellers at the same price share a rank.
            rank: 1 + prices.filter((p) => compareDecimal(p, ourPrice) < 0).length,
            aboveMin: normalizeDecimal(fromMinor(toMinor(normalizeDecimal(ourPrice, 2)) - toMinor(normalizeDecimal(prices[0]!, 2)))),
          },
        }
      : {}),
  };
}

/** The median of prices sorted ascending: the middle one, or the mean of the two middle ones (to the tiyn, half up). */
export function median(sorted: string[]): string {
  const n = sorted.length;
  const m = Math.floor(n / 2);
  if (n % 2 === 1) return sorted[m]!;
  const sum = toMinor(normalizeDecimal(sorted[m - 1]!, 2)) + toMinor(normalizeDecimal(sorted[m]!, 2));
  return normalizeDecimal(fromMinor((sum + 1n) / 2n));
}
