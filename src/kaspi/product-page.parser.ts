// The product page → typed fields. Order of sources (reference/kaspi.md §1): the embedded
// `BACKEND.components.item = {…}` state (richest; found by a string-aware brace matcher, no DOM),
// then the JSON-LD Product, then the rating block of the markup, then DOM selectors (cheerio, only
// when no JSON source names the product). Also says what the page lacks compared with the layout of
// real pages, so a page that lost a field is never read as "the field is now empty".
import { extractAssignedJson, extractJsonLd, metaContent, type PageSource } from './embedded-json.js';
import { htmlToText } from './html-text.js';
import { parseProductDom, scanRatingBlock } from './product-page-dom.js';
import { fromBackendItem, fromJsonLd, type ItemLayout, isObj, LAYOUT_FIELDS, type LayoutField, type PartialFields, photoList } from './product-page-sources.js';
import { canonicalProductUrl, parseProductRef } from './product-ref.js';

export { categoryPath, type LayoutField, photoList } from './product-page-sources.js';

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
  /** The canonical `https://kaspi.kz/shop/p/<slug>-<id>/` from the page's own links; null when it has none. */
  url: string | null;
  /** What the page itself says (a positive price only; null = the page does not say). */
  pagePrice: number | null;
  pageRating: number | null;
  pageReviewCount: number | null;
  pageSellerCount: number | null;
  /**
   * Known containers the page lacks: 'item' (no embedded state at all) or a container of it
   * ('galleryImages', 'breadcrumbs', 'card.promoConditions.categoryCodes', …). Empty on a page laid out
   * like the real captures.
   */
  missing: string[];
  /** Fields whose own container is absent: a value here (or none) is not evidence that the field changed. */
  weak: LayoutField[];
}

/**
 * Parses a product page; null when no source yields a product name (the layout changed). Given the
 * raw bytes, the fast paths decode only the JSON they parse; the whole page is decoded only for
 * the DOM fallback and for og:url when the item state has no link.
 */
export function parseProductPage(html: PageSource): ParsedProductPage | null {
  let decoded: string | undefined;
  const text = () => (typeof html === 'string' ? html : (decoded ??= html.toString('utf8')));
  const item = extractAssignedJson(html, 'BACKEND.components.item');
  const backend = isObj(item) ? fromBackendItem(item) : undefined;
  const lds = extractJsonLd(html);
  const ld = lds.find((o) => typeIs(o, 'Product'));
  const crumbs = lds.find((o) => typeIs(o, 'BreadcrumbList'));
  const layout: ItemLayout = backend?.layout ?? { missing: ['item'], weak: [...LAYOUT_FIELDS] };
  let source: ParsedProductPage['source'] = backend?.fields.name ? 'backend' : 'json-ld';
  let merged = merge(backend?.fields ?? {}, ld ? fromJsonLd(ld, crumbs) : {});
  if (!merged.name) {
    source = 'dom';
    merged = merge(merged, parseProductDom(text()));
  }
  const name = merged.name;
  if (!name) return null;
  if (merged.pageRating === undefined || merged.pageReviewCount === undefined) merged = merge(merged, scanRatingBlock(html));
  const id = merged.id ?? idFromLinks(text) ?? null;
  const descriptionHtml = merged.descriptionHtml ?? null;
  const path = merged.categoryPath ?? [];
  return {
    source,
    id,
    name,
    descriptionHtml,
    descriptionText: descriptionHtml === null ? null : htmlToText(descriptionHtml) || null,
    category: path.at(-1) ?? null,
    categoryPath: path,
    brand: merged.brand ?? null,
    photos: merged.photos?.length ? merged.photos : photoList([metaContent(text(), 'og:image')]),
    url: id === null ? null : pageUrl(id, merged.link, text),
    pagePrice: merged.pagePrice ?? null,
    pageRating: merged.pageRating ?? null,
    pageReviewCount: merged.pageReviewCount ?? null,
    pageSellerCount: merged.pageSellerCount ?? null,
    missing: layout.missing,
    weak: layout.weak,
  };
}

/** The page's link (`card.shopLink`, JSON-LD url), else og:url or the canonical link, made canonical. */
function pageUrl(id: string, link: string | undefined, text: () => string): string {
  const fromLink = link === undefined ? undefined : canonicalProductUrl(id, link);
  if (fromLink && !fromLink.endsWith(`/p/-${id}/`)) return fromLink;
  return canonicalProductUrl(id, link, metaContent(text(), 'og:url'), canonicalLink(text()));
}

/** The id in og:url or the canonical link (a page whose JSON sources are gone). */
function idFromLinks(text: () => string): string | undefined {
  const link = metaContent(text(), 'og:url') ?? canonicalLink(text());
  return link ? parseProductRef(link)?.id : undefined;
}

function canonicalLink(html: string): string | undefined {
  return /<link[^>]+rel=["']canonical["'][^>]*href=["']([^"']+)["']/i.exec(html)?.[1];
}

/** Fields of the first source win; later sources fill what is missing. */
function merge(first: PartialFields, second: PartialFields): PartialFields {
  const out: PartialFields = { ...second };
  for (const [key, value] of Object.entries(first) as [keyof PartialFields, unknown][]) {
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

function typeIs(o: Record<string, unknown>, type: string): boolean {
  const t = o['@type'];
  return t === type || (Array.isArray(t) && t.includes(type));
}

/** For a 200 page with no product: an anti-bot interstitial, a "not found" page, or neither. */
export function classifyNonProductPage(html: PageSource): 'blocked' | 'not-found' | 'unknown' {
  const head = typeof html === 'string' ? html.slice(0, 200_000) : html.toString('utf8', 0, 200_000);
  if (/captcha|не робот|not a robot|проверка браузера|checking your browser|access denied|доступ ограничен/i.test(head)) return 'blocked';
  if (/страница не найдена|товар не найден|page not found|<title>[^<]*404/i.test(head)) return 'not-found';
  return 'unknown';
}
