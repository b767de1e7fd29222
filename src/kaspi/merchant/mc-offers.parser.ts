// The merchant cabinet's offers (reference/kaspi.md §3.2): one page of `GET /bff/offer-view/list` →
// the merchant's offers with their price, and every row that could not be read with the reason; and
// one offer's `bff/offer-view/details` the same way. Pure. A real list row carries `"price": 0` with
// the price in `allCityPrices` (city id → {price}) and `minPrice`/`maxPrice`; details carry it in
// `cities[]`/`cityInfo[]` (fixtures/kaspi-mc/). The price is the store's city's (allCityPrices,
// cityPrices, cities, cityInfo), then a non-zero `price`, then `minPrice`. Nothing is rounded: a price
// that is not whole tenge ≥ 10 is a skipped row, never a guess.
import { UserError } from '../../core/errors.js';

export interface CabinetOffer {
  sku: string;
  /** The Kaspi master product id (`masterSku`, or the id at the end of `shopLink`). */
  productId: string;
  name: string;
  brand: string;
  /** Whole tenge ≥ 10. */
  price: number;
  /** Where the price was read: the store's city in one of the per-city lists, `price` or `minPrice`. */
  priceFrom: 'allCityPrices' | 'cityPrices' | 'cities' | 'cityInfo' | 'price' | 'minPrice';
  /** `available` as the cabinet says it (false: removed from sale); null when absent. */
  available: boolean | null;
}

export interface SkippedOffer {
  /** The row's SKU, or how to find the row when it has none (`offerId …`, `row 3`). */
  sku: string;
  reason: string;
}

export interface CabinetOfferPage {
  offers: CabinetOffer[];
  skipped: SkippedOffer[];
  /** Rows in the answer (read or skipped). */
  rows: number;
  /** `total` as the cabinet reports it, when it does. */
  total: number | null;
}

/** Kaspi's smallest price, in tenge. */
const MIN_PRICE = 10;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/** A price as the cabinet writes it (a number, or a numeric string); undefined when absent or not a number. */
function amount(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/**
 * Parses one page. `cityId` is the store's city. Throws KASPI_MC_BAD_RESPONSE when the answer has no
 * list at all (a changed layout, not "no offers"); a row that cannot be read is skipped with its reason.
 */
export function parseCabinetOfferPage(body: unknown, cityId: string, rowOffset = 0): CabinetOfferPage {
  if (!isObj(body)) throw badResponse(`the answer is ${Array.isArray(body) ? 'an array' : typeof body}, not an object`);
  // The list has been seen under data, items and content.
  const list = body.data ?? body.items ?? body.content;
  if (!Array.isArray(list)) {
    const keys = Object.keys(body).slice(0, 8).join(', ') || 'none';
    throw badResponse(`the answer has no data array (keys: ${keys})`);
  }
  const offers: CabinetOffer[] = [];
  const skipped: SkippedOffer[] = [];
  list.forEach((row, i) => {
    const read = parseRow(row, cityId, rowOffset + i + 1);
    if ('reason' in read) skipped.push(read);
    else offers.push(read);
  });
  const total = amount(body.total);
  return { offers, skipped, rows: list.length, total: total !== undefined && Number.isInteger(total) ? total : null };
}

function parseRow(row: unknown, cityId: string, n: number): CabinetOffer | SkippedOffer {
  if (!isObj(row)) return { sku: `row ${n}`, reason: 'the row is not an object' };
  const sku = text(row.sku);
  const ref = sku ?? (text(row.offerId) ? `offerId ${text(row.offerId)}` : `row ${n}`);
  if (!sku) return { sku: ref, reason: 'no sku' };
  const productId = text(row.masterSku) ?? /-(\d+[a-z]?)\/?(?:\?|#|$)/i.exec(text(row.shopLink) ?? '')?.[1];
  if (!productId) return { sku, reason: 'no Kaspi product id (neither masterSku nor a shopLink ending in one)' };
  const found = priceOf(row, cityId);
  if (!found) {
    return { sku, reason: `no price: none for city ${cityId} in allCityPrices, cityPrices, cities or cityInfo, and price and minPrice are 0 or absent` };
  }
  if (!Number.isInteger(found.price)) return { sku, reason: `${found.from} ${found.price} is not whole tenge` };
  if (found.price < MIN_PRICE) return { sku, reason: `${found.from} ${found.price} is below Kaspi's minimum of ${MIN_PRICE} tenge` };
  return {
    sku,
    productId,
    name: text(row.masterTitle) ?? text(row.title) ?? text(row.masterName) ?? text(row.model) ?? '',
    brand: text(row.brand) ?? text(row.brandName) ?? '',
    price: found.price,
    priceFrom: found.from,
    available: typeof row.available === 'boolean' ? row.available : null,
  };
}

/** The offer's price in the store's city, by the order the module comment gives; undefined when none is stated. */
function priceOf(row: Obj, cityId: string): { price: number; from: CabinetOffer['priceFrom'] } | undefined {
  const positive = (v: unknown) => {
    const a = amount(v);
    return a !== undefined && a > 0 ? a : undefined;
  };
  const all = row.allCityPrices;
  if (isObj(all)) {
    const entry = all[cityId];
    const p = positive(isObj(entry) ? entry.price : entry);
    if (p !== undefined) return { price: p, from: 'allCityPrices' };
  }
  for (const key of ['cityPrices', 'cities', 'cityInfo'] as const) {
    const city = cityPrice(row[key], cityId);
    if (city !== undefined) return { price: city, from: key };
  }
  const base = positive(row.price);
  if (base !== undefined) return { price: base, from: 'price' };
  const min = positive(row.minPrice);
  if (min !== undefined) return { price: min, from: 'minPrice' };
  return undefined;
}

/** A per-city list (`[{cityId|id, value|price}]`: cityPrices in the write format, details' cities and cityInfo) or map (city id → price or {price}). */
function cityPrice(prices: unknown, cityId: string): number | undefined {
  let raw: unknown;
  if (Array.isArray(prices)) {
    const hit = prices.find((p) => isObj(p) && text(p.cityId ?? p.city ?? p.id) === cityId);
    raw = isObj(hit) ? (hit.value ?? hit.price) : undefined;
  } else if (isObj(prices)) {
    const hit = prices[cityId];
    raw = isObj(hit) ? (hit.price ?? hit.value) : hit;
  }
  const a = amount(raw);
  return a !== undefined && a > 0 ? a : undefined;
}

/**
 * One offer's `bff/offer-view/details` (an object with `sku`, `masterSku`, `cities[]`, `cityInfo[]`),
 * priced for the store's city like a list row; a skipped offer says why.
 */
export function parseCabinetOfferDetails(body: unknown, cityId: string): CabinetOffer | SkippedOffer {
  if (!isObj(body)) throw badResponse(`the answer is ${Array.isArray(body) ? 'an array' : typeof body}, not an object`, 'offer details');
  return parseRow(body, cityId, 1);
}

function badResponse(why: string, what = 'offer list (/bff/offer-view/list)'): UserError {
  return new UserError('KASPI_MC_BAD_RESPONSE', `the merchant cabinet's ${what} looks changed: ${why}; nothing was imported`);
}
