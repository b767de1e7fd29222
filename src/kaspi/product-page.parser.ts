// The product page → typed fields. Order of sources (reference/kaspi.md §1): the embedded
// `BACKEND.components.item = {…}` state (richest; found by a string-aware brace matcher, no DOM),
// then the JSON-LD Product, then DOM selectors (cheerio, only when both fast paths fail).
import { extractAssignedJson, extractJsonLd, metaContent, type PageSource } from './embedded-json.js';
import { htmlToText } from './html-text.js';
import { parseProductDom } from './product-page-dom.js';

export interface ParsedProductPage {
  /** Which source gave the name: the fast paths are 'backend' and 'json-ld'. */
  source: 'backend' | 'json-ld' | 'dom';
  id: string | null;
  name: string;
  descriptionHtml: string | null;
  descriptionText: string | null;
  /** Leaf category and the path root → leaf. */
  category: string | null;
  categoryPath: string[];
  brand: string | null;
  photos: string[];
  url: string | null;
  /** What the page itself says (the APIs are authoritative; these are fallbacks and cross-checks). */
  pagePrice: number | null;
  pageRating: number | null;
  pageReviewCount: number | null;
  pageSellerCount: number | null;
}

type Obj = Record<string, unknown>;
type Partial2 = Partial<ParsedProductPage>;

/**
 * Parses a product page; null when no source yields a product name (the layout changed). Given the
 * raw bytes, the fast paths decode only the JSON they parse; the whole page is decoded only for
 * the DOM fallback.
 */
export function parseProductPage(html: PageSource): ParsedProductPage | null {
  let decoded: string | undefined;
  const text = () => (typeof html === 'string' ? html : (decoded ??= html.toString('utf8')));
  const item = extractAssignedJson(html, 'BACKEND.components.item');
  const fromItem = isObj(item) ? fromBackendItem(item) : {};
  const ld = extractJsonLd(html).find((o) => typeIs(o, 'Product'));
  const fromLd = ld ? fromJsonLd(ld) : {};
  let source: ParsedProductPage['source'] = fromItem.name ? 'backend' : 'json-ld';
  let merged = merge(fromItem, fromLd);
  if (!merged.name) {
    source = 'dom';
    merged = merge(merged, parseProductDom(text()));
  }
  if (!merged.name) return null;
  const descriptionHtml = merged.descriptionHtml ?? null;
  const path = categoryPath(merged.categoryPath ?? []);
  return {
    source,
    id: merged.id ?? null,
    name: merged.name,
    descriptionHtml,
    descriptionText: descriptionHtml === null ? null : htmlToText(descriptionHtml),
    category: path.at(-1) ?? merged.category ?? null,
    categoryPath: path.length ? path : merged.category ? [merged.category] : [],
    brand: merged.brand ?? null,
    photos: merged.photos?.length ? merged.photos : photoList([metaContent(text(), 'og:image')]),
    url: merged.url ?? null,
    pagePrice: merged.pagePrice ?? null,
    pageRating: merged.pageRating ?? null,
    pageReviewCount: merged.pageReviewCount ?? null,
    pageSellerCount: merged.pageSellerCount ?? null,
  };
}

/** Fields of the first source win; later sources fill what is missing. */
function merge(first: Partial2, second: Partial2): Partial2 {
  const out: Partial2 = { ...second };
  for (const [key, value] of Object.entries(first) as [keyof Partial2, unknown][]) {
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) (out as Obj)[key] = value;
  }
  return out;
}

function fromBackendItem(item: Obj): Partial2 {
  const card = isObj(item.card) ? item.card : {};
  const promo = isObj(card.promoConditions) ? card.promoConditions : {};
  const descriptions = Array.isArray(item.descriptions) ? item.descriptions : [];
  const firstDescription = isObj(descriptions[0]) ? str(descriptions[0].text) : undefined;
  const crumbs = Array.isArray(item.breadcrumbs) ? item.breadcrumbs.map((b) => (isObj(b) ? str(b.title) : undefined)) : [];
  const codes = Array.isArray(promo.categoryCodes) ? promo.categoryCodes.map(str) : [];
  const gallery = Array.isArray(item.galleryImages) ? item.galleryImages.map((g) => (isObj(g) ? (g.large ?? g.medium) : undefined)) : [];
  const primary = isObj(item.primaryImage) ? item.primaryImage.large : undefined;
  return {
    id: str(card.id) ?? null,
    name: str(card.title),
    descriptionHtml: str(item.description) ?? firstDescription ?? str(card.description),
    categoryPath: categoryPath(crumbs.length ? crumbs : [...codes].reverse().filter((c) => c !== 'Categories')),
    brand: str(promo.brand) ?? str(card.brand),
    photos: photoList(gallery.length ? gallery : [primary]),
    url: str(card.shopLink),
    pagePrice: num(card.price) ?? num(card.unitPrice),
    pageRating: num(card.rating),
    pageReviewCount: num(card.reviewsQuantity) ?? num(card.reviewsCount),
    pageSellerCount: num(card.offersCount) ?? num(item.offersCount),
  };
}

function fromJsonLd(ld: Obj): Partial2 {
  const brand = isObj(ld.brand) ? str(ld.brand.name) : str(ld.brand);
  const images = Array.isArray(ld.image) ? ld.image : [ld.image];
  const offers = isObj(ld.offers) ? ld.offers : Array.isArray(ld.offers) && isObj(ld.offers[0]) ? ld.offers[0] : {};
  const rating = isObj(ld.aggregateRating) ? ld.aggregateRating : {};
  const category = str(ld.category);
  return {
    id: str(ld.sku) ?? str(ld.productID) ?? null,
    name: str(ld.name),
    descriptionHtml: str(ld.description),
    categoryPath: category ? categoryPath(category.split(/\s*(?:\/|>|›|»)\s*/)) : undefined,
    brand,
    photos: photoList(images.map((i) => (isObj(i) ? (i.contentUrl ?? i.url) : i))),
    url: str(ld.url),
    pagePrice: num(offers.lowPrice) ?? num(offers.price),
    pageRating: num(rating.ratingValue),
    pageReviewCount: num(rating.reviewCount) ?? num(rating.ratingCount),
    pageSellerCount: num(offers.offerCount),
  };
}

const ROOT_CRUMB = /^(kaspi\s*магазин|kaspi\.kz|главная|магазин|home)$/i;

export function categoryPath(titles: (string | undefined)[]): string[] {
  return titles.map((t) => t?.trim()).filter((t): t is string => Boolean(t) && !ROOT_CRUMB.test(t!));
}

/** Absolute, de-duplicated image URLs; site assets (ks-static) are not product photos. */
export function photoList(urls: unknown[]): string[] {
  const out: string[] = [];
  for (const u of urls) {
    if (typeof u !== 'string' || !u.trim()) continue;
    const url = u.trim().startsWith('//') ? `https:${u.trim()}` : u.trim();
    if (url.includes('ks-static.cdn-kaspi.kz') || out.includes(url)) continue;
    out.push(url);
  }
  return out;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeIs(o: Obj, type: string): boolean {
  const t = o['@type'];
  return t === type || (Array.isArray(t) && t.includes(type));
}

function str(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** For a 200 page with no product: an anti-bot interstitial, a "not found" page, or neither. */
export function classifyNonProductPage(html: PageSource): 'blocked' | 'not-found' | 'unknown' {
  const head = typeof html === 'string' ? html.slice(0, 200_000) : html.toString('utf8', 0, 200_000);
  if (/captcha|не робот|not a robot|проверка браузера|checking your browser|access denied|доступ ограничен/i.test(head)) return 'blocked';
  if (/страница не найдена|товар не найден|page not found|<title>[^<]*404/i.test(head)) return 'not-found';
  return 'unknown';
}
