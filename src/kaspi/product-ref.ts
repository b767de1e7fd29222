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

/** The canonical product page URL (the slug is optional for Kaspi). */
export function productUrl(baseUrl: string, id: string, city: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/shop/p/-${id}/?c=${city}`;
}

/** Reads `--file`: one reference per line, `#` starts a comment, blank lines ignored. */
export function refsFromText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}
