// What `mp kaspi scrape` accepts as a product: a product URL in any of its forms, or a bare id.
import { isCityId } from './cities.js';

export interface ProductRef {
  /** The Kaspi master product id (a string: some carry a letter suffix, e.g. 11636226b). */
  id: string;
  /** The city from the URL's `?c=`, when it has one. */
  city?: string;
}

const BARE_ID = /^(\d{3,})([a-z]?)$/i;
// `/shop/p/<slug>-<id>/`, `/shop/p/-<id>/`, `/shop/p/<id>/`; the slug itself may contain digits and dashes.
const PRODUCT_PATH = /\/shop\/p\/(?:[^/?#]*-)?(\d{3,}[a-z]?)(?:\/|$)/i;

/** Parses one input into an id (and the URL's city); null when it is not a Kaspi product reference. */
export function parseProductRef(input: string): ProductRef | null {
  const text = input.trim();
  if (!text) return null;
  const bare = BARE_ID.exec(text);
  if (bare) return { id: `${bare[1]}${bare[2]!.toLowerCase()}` };
  let url: URL;
  try {
    // Accept `kaspi.kz/shop/p/...` and `/shop/p/...` as people paste them.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : text.startsWith('/') ? `https://kaspi.kz${text}` : `https://${text}`);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const match = PRODUCT_PATH.exec(url.pathname);
  if (!match) return null;
  const city = url.searchParams.get('c') ?? undefined;
  return { id: match[1]!.toLowerCase(), ...(city && isCityId(city) ? { city } : {}) };
}

const KASPI_SHOP = 'https://kaspi.kz/shop/p/';
// A product link as Kaspi writes it: `card.shopLink` is relative to /shop/ (`/p/<slug>-<id>/`, maybe
// with `?c=`), og:url and the canonical link are absolute (`https://kaspi.kz/shop/p/<slug>-<id>/`).
const PRODUCT_LINK = /^(?:https?:\/\/(?:www\.)?kaspi\.kz)?(?:\/shop)?\/p\/([A-Za-z0-9._~%-]+)\/?(?:[?#].*)?$/i;

/**
 * The canonical product page URL, `https://kaspi.kz/shop/p/<slug>-<id>/` (what og:url says), from
 * the first of `links` that is a product link naming this id; `https://kaspi.kz/shop/p/-<id>/` (the
 * slug is optional for Kaspi) when none is. Always kaspi.kz, whatever base URL mp fetched from, and
 * always a URL `parseProductRef` reads back as `id`.
 */
export function canonicalProductUrl(id: string, ...links: (string | null | undefined)[]): string {
  return links.map((link) => productLinkPath(link, id)).find((p) => p !== undefined) ?? `${KASPI_SHOP}-${id}/`;
}

function productLinkPath(link: string | null | undefined, id: string): string | undefined {
  const segment = link ? PRODUCT_LINK.exec(link.trim())?.[1] : undefined;
  if (!segment) return undefined;
  const lower = segment.toLowerCase();
  if (lower !== id.toLowerCase() && !lower.endsWith(`-${id.toLowerCase()}`)) return undefined;
  return `${KASPI_SHOP}${segment}/`;
}

/** Reads `--file`: one reference per line, `#` starts a comment, blank lines ignored. */
export function refsFromText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}
