// One page of `POST /yml/offer-view/offers/<id>` → typed offers (reference/kaspi.md §2).
import { UserError } from '../core/errors.js';
import { normalizeDecimal } from '../core/money.js';

export interface KaspiOffer {
  /** A string: some merchant ids are not numeric ("Satel"). */
  merchantId: string;
  merchantName: string;
  /** Decimal string, whole tenge in practice. */
  price: string;
  merchantRating: number | null;
  merchantReviewCount: number | null;
  deliveryType: string | null;
  deliveryDuration: string | null;
  kaspiDelivery: boolean | null;
  preorderDays: number | null;
  /**
   * Ships to the buyer's city only from another city (every `deliveryOptions.*.interCity` that is
   * stated is true); false when some option is local; absent when Kaspi does not say.
   */
  interCity?: boolean;
}

export interface OffersPage {
  offers: KaspiOffer[];
  /** `total` (or `offersCount`) as Kaspi reports it, when present. */
  total: number | null;
  /** Items of the raw array that could not be read (no merchant id or price). */
  skipped: number;
}

type Obj = Record<string, unknown>;

/** Parses one response body; a non-empty list in which no offer parses means the format changed. */
export function parseOffersPage(body: unknown): OffersPage {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw layoutChanged('the response is not an object');
  const b = body as Obj;
  const raw = b.offers ?? b.data ?? b.items;
  if (!Array.isArray(raw)) throw layoutChanged('the response has no offers array');
  const offers: KaspiOffer[] = [];
  for (const item of raw) {
    const offer = item && typeof item === 'object' ? parseOffer(item as Obj) : null;
    if (offer) offers.push(offer);
  }
  if (raw.length > 0 && offers.length === 0) throw layoutChanged(`none of ${raw.length} offers has a merchant id and a price`);
  const total = int(b.total) ?? int(b.offersCount);
  return { offers, total, skipped: raw.length - offers.length };
}

function parseOffer(o: Obj): KaspiOffer | null {
  const merchantId = text(o.merchantId) ?? text(o.id);
  const price = typeof o.price === 'number' || typeof o.price === 'string' ? o.price : o.unitSalePrice;
  let priceText: string;
  try {
    priceText = normalizeDecimal(price as string | number);
  } catch {
    return null;
  }
  if (!merchantId || priceText.startsWith('-')) return null;
  return {
    merchantId,
    merchantName: text(o.merchantName) ?? text(o.name) ?? merchantId,
    price: priceText,
    merchantRating: numberOrNull(o.merchantRating ?? o.rating),
    merchantReviewCount: int(o.merchantReviewsQuantity ?? o.reviewsQuantity),
    deliveryType: text(o.deliveryType) ?? null,
    deliveryDuration: text(o.deliveryDuration) ?? null,
    kaspiDelivery: typeof o.kaspiDelivery === 'boolean' ? o.kaspiDelivery : null,
    preorderDays: int(o.preorder),
    ...interCityOf(o.deliveryOptions),
  };
}

function interCityOf(options: unknown): { interCity?: boolean } {
  if (!options || typeof options !== 'object') return {};
  const stated = Object.values(options as Obj)
    .map((v) => (v && typeof v === 'object' ? (v as Obj).interCity : undefined))
    .filter((v): v is boolean => typeof v === 'boolean');
  return stated.length === 0 ? {} : { interCity: stated.every(Boolean) };
}

/** Keeps one offer per merchant, the lowest price (prices can move between pages); sorted by price. */
export function dedupeOffers(offers: Iterable<KaspiOffer>): KaspiOffer[] {
  const best = new Map<string, KaspiOffer>();
  for (const offer of offers) {
    const seen = best.get(offer.merchantId);
    if (!seen || Number(offer.price) < Number(seen.price)) best.set(offer.merchantId, offer);
  }
  return [...best.values()].sort((a, b) => Number(a.price) - Number(b.price) || a.merchantId.localeCompare(b.merchantId));
}

function layoutChanged(why: string): UserError {
  return new UserError('KASPI_LAYOUT_CHANGED', `Kaspi offers response changed its format (${why}): update mp`);
}

function text(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function int(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}
