// What changed between the stored state and a new observation — pure, so the history rules
// ("a row on first sight and on every change, never for an unchanged re-check") are testable alone.
import type { Selectable } from 'kysely';
import { compareDecimal, normalizeDecimal } from '../core/money.js';
import type { KaspiOffersTable, KaspiProductsTable } from '../db/schema/kaspi.js';
import type { KaspiOffer } from './offers.parser.js';

export type ProductRow = Selectable<KaspiProductsTable>;
export type OfferRow = Selectable<KaspiOffersTable>;
/** What the diff needs of a stored offer. */
export type StoredOffer = Pick<
  OfferRow,
  | 'id'
  | 'merchant_id'
  | 'merchant_name'
  | 'price'
  | 'merchant_rating'
  | 'merchant_review_count'
  | 'delivery_type'
  | 'delivery_duration'
  | 'kaspi_delivery'
  | 'preorder_days'
  | 'active'
>;

/** The stored fields of a product as one scrape resolved them. */
export interface ProductFields {
  name: string;
  descriptionText: string | null;
  descriptionHtml: string | null;
  category: string | null;
  categoryPath: string[];
  brand: string | null;
  minPrice: string | null;
  maxPrice: string | null;
  rating: string | null;
  reviewCount: number | null;
  sellerCount: number | null;
  offersStatus: OffersStatus;
  photos: string[];
  url: string;
  /** What the scrape could not observe and kept from the stored row ('offers', layout fields); [] when complete. */
  incompleteFields: string[];
}

/**
 * 'ok': offers read; 'none': no sellers; 'unknown': the offers API said [] although the page lists
 * sellers; 'incomplete': Kaspi gave fewer rows than its own total. In the last two the stored offers,
 * prices and seller count are the last complete ones.
 */
export type OffersStatus = 'ok' | 'none' | 'unknown' | 'incomplete';

/** The fields whose change writes a product-history row (brand, URL and status do not). */
export const TRACKED_FIELDS = ['name', 'description', 'category', 'min_price', 'max_price', 'rating', 'review_count', 'seller_count', 'photos'] as const;
export type TrackedField = (typeof TRACKED_FIELDS)[number];

export function changedProductFields(prev: ProductRow, next: ProductFields): TrackedField[] {
  const changed: TrackedField[] = [];
  if (prev.name !== next.name) changed.push('name');
  if (prev.description_text !== next.descriptionText || prev.description_html !== next.descriptionHtml) changed.push('description');
  if (prev.category !== next.category || !sameList(prev.category_path, next.categoryPath)) changed.push('category');
  if (!sameDecimal(prev.min_price, next.minPrice)) changed.push('min_price');
  if (!sameDecimal(prev.max_price, next.maxPrice)) changed.push('max_price');
  if (!sameDecimal(prev.rating, next.rating)) changed.push('rating');
  if (prev.review_count !== next.reviewCount) changed.push('review_count');
  if (prev.seller_count !== next.sellerCount) changed.push('seller_count');
  if (!sameList(prev.photos, next.photos)) changed.push('photos');
  return changed;
}

export interface OfferEvent {
  event: 'appeared' | 'price_changed' | 'disappeared';
  merchantId: string;
  oldPrice: string | null;
  newPrice: string | null;
}

export interface OffersDiff {
  events: OfferEvent[];
  /** New, re-appeared or changed offers: the only rows that need an upsert. */
  upsert: KaspiOffer[];
  /** Ids of active offers whose merchant is no longer listed. */
  disappearedIds: string[];
  /** Stored offer ids by merchant (for the history rows of offers that are not upserted). */
  storedIds: Map<string, string>;
}

/** Compares the stored offers (active and inactive) with the de-duplicated offers just read. */
export function diffOffers(stored: readonly StoredOffer[], offers: readonly KaspiOffer[]): OffersDiff {
  const byMerchant = new Map(stored.map((o) => [o.merchant_id, o]));
  const events: OfferEvent[] = [];
  const upsert: KaspiOffer[] = [];
  const listed = new Set<string>();
  for (const offer of offers) {
    listed.add(offer.merchantId);
    const row = byMerchant.get(offer.merchantId);
    if (!row?.active) {
      events.push({ event: 'appeared', merchantId: offer.merchantId, oldPrice: null, newPrice: offer.price });
      upsert.push(offer);
      continue;
    }
    if (!sameDecimal(row.price, offer.price)) {
      events.push({ event: 'price_changed', merchantId: offer.merchantId, oldPrice: normalizeDecimal(row.price), newPrice: offer.price });
      upsert.push(offer);
    } else if (!sameOfferDetails(row, offer)) upsert.push(offer);
  }
  const disappearedIds: string[] = [];
  for (const row of stored) {
    if (row.active && !listed.has(row.merchant_id)) {
      disappearedIds.push(row.id);
      events.push({ event: 'disappeared', merchantId: row.merchant_id, oldPrice: normalizeDecimal(row.price), newPrice: null });
    }
  }
  return { events, upsert, disappearedIds, storedIds: new Map(stored.map((o) => [o.merchant_id, o.id])) };
}

function sameOfferDetails(row: StoredOffer, o: KaspiOffer): boolean {
  return (
    row.merchant_name === o.merchantName &&
    sameDecimal(row.merchant_rating, o.merchantRating === null ? null : String(o.merchantRating)) &&
    row.merchant_review_count === o.merchantReviewCount &&
    row.delivery_type === o.deliveryType &&
    row.delivery_duration === o.deliveryDuration &&
    row.kaspi_delivery === o.kaspiDelivery &&
    row.preorder_days === o.preorderDays
  );
}

export function sameDecimal(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return compareDecimal(normalizeDecimal(a), normalizeDecimal(b)) === 0;
}

function sameList(a: readonly string[] | null, b: readonly string[]): boolean {
  const x = a ?? [];
  return x.length === b.length && x.every((v, i) => v === b[i]);
}
