// The Kaspi merchant cabinet (mc.shop.kaspi.kz) as the repricer uses it: which shops a session sees,
// the merchant's own offers, the price endpoint and the price-list file upload (reference kaspi.md §3).
// Every call carries the session cookies; 401/403 means the session expired.
import type { Config } from '../../core/config.js';
import { AuthError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { readSetting } from '../../core/settings.js';
import { HttpClient, isHttpError } from '../../http/client.js';
import { type CabinetOffer, parseCabinetOfferPage, type SkippedOffer } from './mc-offers.parser.js';

export const MC_DEFAULT_URL = 'https://mc.shop.kaspi.kz';
export const IDMC_DEFAULT_URL = 'https://idmc.shop.kaspi.kz';

export function mcBaseUrl(config: Config): string {
  return readSetting(config, 'kaspi.mcUrl');
}

export function idmcBaseUrl(config: Config): string {
  return readSetting(config, 'kaspi.idmcUrl');
}

/** A client for the merchant cabinet with the headers every MC call needs. */
export function createMcClient(baseUrl: string, log?: Logger): HttpClient {
  return new HttpClient({
    baseUrl,
    service: 'Kaspi merchant cabinet',
    retries: 2,
    log,
    headers: { 'x-auth-version': '3', origin: 'https://kaspi.kz', referer: 'https://kaspi.kz/' },
  });
}

export class SessionExpiredError extends AuthError {
  constructor(merchantId: string, renew: string) {
    super('KASPI_SESSION_EXPIRED', `the merchant-cabinet session of store ${merchantId} has expired: renew it with \`${renew}\``);
  }
}

/** The merchant uids a session can see (`GET /s/m`), or 'expired' on 401/403. */
export async function listMerchants(mc: HttpClient, cookie: string): Promise<string[] | 'expired'> {
  const res = await mc.request<{ merchants?: { uid?: unknown }[] }>({ path: '/s/m', headers: { cookie }, acceptStatuses: [401, 403] });
  if (res.status === 401 || res.status === 403) return 'expired';
  return (res.body.merchants ?? []).map((m) => String(m.uid ?? '')).filter(Boolean);
}

/**
 * The shop's name, first pickup point city and enabled points of sale (`<uid>_PP1` → `PP1`, as the
 * XML price list names them) through the cabinet's GraphQL `getMerchant`.
 */
export async function getMerchant(mc: HttpClient, cookie: string, uid: string): Promise<{ name?: string; cityId?: string; points?: string[] }> {
  const query = 'query getMerchant($id:String!){merchant(id:$id){id name points{id name enabled city{id name}}}}';
  try {
    const res = await mc.request<{ data?: { merchant?: { name?: string; points?: { id?: string; enabled?: boolean; city?: { id?: string } }[] } } }>({
      method: 'POST',
      path: '/mc/facade/graphql',
      query: { opName: 'getMerchant' },
      headers: { cookie },
      body: { operationName: 'getMerchant', variables: { id: uid }, query },
    });
    const m = res.body.data?.merchant;
    const points = m?.points
      ?.filter((p) => p.enabled !== false)
      .map((p) => /(PP\d+)$/.exec(String(p.id ?? ''))?.[1])
      .filter((p): p is string => p !== undefined);
    return { name: m?.name, cityId: m?.points?.find((p) => p.city?.id)?.city?.id, points: points?.length ? points : undefined };
  } catch {
    // The name is a nicety: the uid is enough to work with.
    return {};
  }
}

export interface CabinetList {
  offers: CabinetOffer[];
  /** Rows that could not be read, each with its reason. */
  skipped: SkippedOffer[];
  /** Rows the cabinet gave, read or not. */
  rows: number;
  /** The cabinet's own count, when it gives one. */
  total: number | null;
}

/**
 * Every offer on sale in the cabinet (`/bff/offer-view/list`, pages of 100 until the cabinet's
 * `total` is reached or a page comes back empty), priced for the store's city.
 */
export async function listCabinetOffers(mc: HttpClient, cookie: string, uid: string, renew: string, cityId: string): Promise<CabinetList> {
  const out: CabinetList = { offers: [], skipped: [], rows: 0, total: null };
  const seen = new Set<string>();
  for (let page = 0; page < 1000; page++) {
    const res = await mc.request<unknown>({
      path: '/bff/offer-view/list',
      query: { m: uid, p: page, l: 100, a: true },
      headers: { cookie },
      acceptStatuses: [401, 403],
    });
    if (res.status === 401 || res.status === 403) throw new SessionExpiredError(uid, renew);
    const parsed = parseCabinetOfferPage(res.body, cityId, out.rows);
    out.rows += parsed.rows;
    out.total = parsed.total ?? out.total;
    out.skipped.push(...parsed.skipped);
    for (const offer of parsed.offers) {
      if (seen.has(offer.sku)) out.skipped.push({ sku: offer.sku, reason: 'listed twice: the first row was taken' });
      else {
        seen.add(offer.sku);
        out.offers.push(offer);
      }
    }
    if (parsed.rows === 0 || (out.total !== null && out.rows >= out.total)) break;
  }
  return out;
}

export interface PriceUpdate {
  merchantUid: string;
  sku: string;
  model: string;
  brand: string;
  price: number;
  cityId: string;
}

export type PushResult =
  | { kind: 'ok'; jobId?: string }
  | { kind: 'rate-limited'; retryAfterMs?: number }
  | { kind: 'expired' }
  | { kind: 'error'; message: string };

/**
 * Sends one price through `/pricefeed/upload/merchant/process`. A 429 is never retried: it means
 * the account is banned for ~30 minutes, and every further call would extend it.
 */
export async function pushPrice(mc: HttpClient, cookie: string, u: PriceUpdate): Promise<PushResult> {
  try {
    const res = await mc.request<{ id?: string }>({
      method: 'POST',
      path: '/pricefeed/upload/merchant/process',
      headers: { cookie },
      // Kaspi wants a base price even with cityPrices.
      body: { merchantUid: u.merchantUid, sku: u.sku, model: u.model, brand: u.brand, price: u.price, cityPrices: [{ cityId: u.cityId, value: u.price }] },
      retryStatuses: [500, 502, 503, 504],
      acceptStatuses: [401, 403, 429],
    });
    if (res.status === 429) {
      const seconds = Number(res.headers['retry-after']);
      return { kind: 'rate-limited', retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined };
    }
    if (res.status === 401 || res.status === 403) return { kind: 'expired' };
    return { kind: 'ok', jobId: res.body?.id };
  } catch (error) {
    if (isHttpError(error)) return { kind: 'error', message: error.message };
    throw error;
  }
}

export interface UploadAnswer {
  status: number;
  /** Kaspi's answer text (JSON or plain). */
  message: string;
  /** "Unfinished file found": an earlier upload is still being processed. */
  unfinished: boolean;
  ok: boolean;
}

/** Uploads a price-list file (`file` part) to `/pricefeed/upload/merchant/upload?merchantUid=`. */
export async function uploadPriceFile(
  mc: HttpClient,
  cookie: string,
  uid: string,
  file: { name: string; content: Buffer; type: string },
  renew: string,
): Promise<UploadAnswer> {
  const boundary = `----mp${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name.replace(/"/g, '')}"\r\nContent-Type: ${file.type}\r\n\r\n`,
  );
  const body = Buffer.concat([head, file.content, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const res = await mc.request<string>({
    method: 'POST',
    path: '/pricefeed/upload/merchant/upload',
    query: { merchantUid: uid },
    headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    expect: 'text',
    retryStatuses: [502, 503, 504],
    acceptStatuses: [400, 401, 403, 409, 422, 429],
  });
  if (res.status === 401 || res.status === 403) throw new SessionExpiredError(uid, renew);
  const message = res.body.trim();
  const unfinished = /unfinished file found/i.test(message);
  return { status: res.status, message, unfinished, ok: res.status >= 200 && res.status < 300 && !unfinished };
}
