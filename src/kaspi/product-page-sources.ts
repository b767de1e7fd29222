// The two fast sources of a product page (reference/kaspi.md §1.2–1.3), each read into the same
// partial shape, plus what the embedded state lacks compared with the layout of real pages
// (fixtures/kaspi/real/): the containers mp reads each field from.

/** Fields a page can lose while its name is still found (layout drift). */
export const LAYOUT_FIELDS = ['description', 'category', 'photos', 'brand'] as const;
export type LayoutField = (typeof LAYOUT_FIELDS)[number];

export interface PageFields {
  id: string | null;
  name: string;
  descriptionHtml: string;
  categoryPath: string[];
  category: string;
  brand: string;
  photos: string[];
  /** A product link as the page gives it (not yet canonical). */
  link: string;
  pagePrice: number;
  pageRating: number;
  pageReviewCount: number;
  pageSellerCount: number;
}
export type PartialFields = Partial<PageFields>;

export interface ItemLayout {
  /** Known containers of the embedded state that are absent (`card.promoConditions.categoryCodes`, `galleryImages`, …). */
  missing: string[];
  /** Layout fields whose own container is absent: their value (if any) comes from a weaker place. */
  weak: LayoutField[];
}

type Obj = Record<string, unknown>;

/** `BACKEND.components.item`: the richest source. */
export function fromBackendItem(item: Obj): { fields: PartialFields; layout: ItemLayout } {
  const card = isObj(item.card) ? item.card : undefined;
  const c = card ?? {};
  const promo = isObj(c.promoConditions) ? c.promoConditions : {};
  const descriptions = Array.isArray(item.descriptions) ? item.descriptions : undefined;
  const firstDescription = descriptions && isObj(descriptions[0]) ? str(descriptions[0].text) : undefined;
  const crumbs = Array.isArray(item.breadcrumbs) ? item.breadcrumbs.map((b) => (isObj(b) ? str(b.title) : undefined)) : undefined;
  const codes = Array.isArray(promo.categoryCodes) ? promo.categoryCodes.map(str) : undefined;
  const gallery = Array.isArray(item.galleryImages) ? item.galleryImages.map((g) => (isObj(g) ? (g.large ?? g.medium) : undefined)) : undefined;
  const primary = isObj(item.primaryImage) ? item.primaryImage.large : undefined;
  // `"description": null` is the page saying "no description"; a missing key says nothing.
  const hasDescription = 'description' in item || descriptions !== undefined || 'description' in c;
  const hasBrand = typeof promo.brand === 'string' || typeof c.brand === 'string';

  const missing: string[] = [];
  if (!card) missing.push('card');
  else {
    if (str(c.title) === undefined) missing.push('card.title');
    if (!('promoConditions' in c)) missing.push('card.promoConditions');
    else {
      if (!hasBrand) missing.push('card.promoConditions.brand');
      if (codes === undefined) missing.push('card.promoConditions.categoryCodes');
    }
  }
  if (crumbs === undefined) missing.push('breadcrumbs');
  if (gallery === undefined && primary === undefined) missing.push('galleryImages');
  if (!hasDescription) missing.push('description');
  const weak: LayoutField[] = [];
  if (!hasDescription) weak.push('description');
  // Category codes are English ids ("Men fashion"), not the titles breadcrumbs give: they are a
  // fallback for a first scrape, never a replacement for stored titles.
  if (crumbs === undefined) weak.push('category');
  if (gallery === undefined && primary === undefined) weak.push('photos');
  if (!hasBrand) weak.push('brand');

  const path = crumbs ?? (codes ? [...codes].reverse().filter((code) => code !== 'Categories') : []);
  return {
    fields: {
      id: str(c.id) ?? null,
      name: str(c.title),
      descriptionHtml: str(item.description) ?? firstDescription ?? str(c.description),
      categoryPath: categoryPath(path),
      brand: str(promo.brand) ?? str(c.brand),
      photos: photoList(gallery?.length ? gallery : [primary]),
      link: str(c.shopLink),
      pagePrice: positive(c.price) ?? positive(c.unitPrice),
      pageRating: num(c.rating),
      pageReviewCount: num(c.reviewsQuantity) ?? num(c.reviewsCount),
      pageSellerCount: num(c.offersCount) ?? num(item.offersCount),
    },
    layout: { missing, weak },
  };
}

/**
 * A JSON-LD Product. Real pages list `offers` as `[{AggregateOffer, lowPrice: null}, {Offer, price:
 * "2810"}]` (an out-of-stock page says `price: "undefined"`): the price is the first offer that has
 * one and is not out of stock, the seller count the first `offerCount` given.
 */
export function fromJsonLd(ld: Obj, breadcrumbs?: Obj): PartialFields {
  const brand = isObj(ld.brand) ? str(ld.brand.name) : str(ld.brand);
  const images = Array.isArray(ld.image) ? ld.image : [ld.image];
  const offers = (Array.isArray(ld.offers) ? ld.offers : [ld.offers]).filter(isObj);
  const inStock = offers.filter((o) => !/OutOfStock|SoldOut|Discontinued/i.test(String(o.availability ?? '')));
  const priced = inStock.map((o) => positive(o.lowPrice) ?? positive(o.price)).find((p) => p !== undefined);
  const rating = isObj(ld.aggregateRating) ? ld.aggregateRating : {};
  const category = str(ld.category);
  const crumbs = breadcrumbs ? breadcrumbList(breadcrumbs) : [];
  return {
    id: str(ld.sku) ?? str(ld.productID) ?? null,
    name: str(ld.name),
    descriptionHtml: str(ld.description),
    // The BreadcrumbList block gives the whole path; the Product's `category` only the leaf.
    categoryPath: crumbs.length ? crumbs : category ? categoryPath(category.split(/\s*(?:\/|>|›|»)\s*/)) : undefined,
    brand,
    photos: photoList(images.map((i) => (isObj(i) ? (i.contentUrl ?? i.url) : i))),
    link: str(ld.url),
    pagePrice: priced,
    pageRating: num(rating.ratingValue),
    pageReviewCount: num(rating.reviewCount) ?? num(rating.ratingCount),
    pageSellerCount: offers.map((o) => num(o.offerCount)).find((n) => n !== undefined),
  };
}

/** A JSON-LD BreadcrumbList → titles root → leaf (by `position`), without the shop's root. */
function breadcrumbList(list: Obj): string[] {
  const items = Array.isArray(list.itemListElement) ? list.itemListElement.filter(isObj) : [];
  const sorted = [...items].sort((a, b) => (num(a.position) ?? 0) - (num(b.position) ?? 0));
  return categoryPath(sorted.map((e) => str(e.name) ?? (isObj(e.item) ? str(e.item.name) : undefined)));
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

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** A price: a positive number (0 and "undefined" are "no price"). */
function positive(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && n > 0 ? n : undefined;
}
