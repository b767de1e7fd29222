// `mp serve`: each Kaspi store's price list for Kaspi's loader, read-only. Two addresses:
//   GET /kaspi/price-lists/<merchant-id>.xml   behind HTTP basic auth (MP_KASPI_FEED_USER / _PASSWORD)
//   GET /kaspi/price-lists/s/<token>.xml       the store's unguessable secret path, for loaders that
//                                              take only a URL (`mp demper price-list url` shows it)
// with ETag / Last-Modified and conditional GET (304), 503 instead of a list that must not go out (no
// plan yet, fails the format, shrank past the guard), and every fetch logged (who, when, status) for
// `mp demper store list` and `mp demper price-list fetches`. A URL only ever gives its own store's list.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kysely } from 'kysely';
import type { Config } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { readSetting, settingSource } from '../core/settings.js';
import type { Database } from '../db/schema.js';
import { insertFetch, type PriceListFetch, pruneFetches } from '../demper/price-list-log.repository.js';
import { servedPriceList, tokenHash } from '../demper/served-price-list.service.js';
import { findStoreBy, type StoreRow } from '../kaspi/merchant/stores.repository.js';
import type { MarginRules } from '../profit/floor.service.js';
import { sendProblem } from './http-json.js';
import { problemBody } from './problem.js';

export const PRICE_LIST_PREFIX = '/kaspi/price-lists/';

export interface FeedCredentials {
  user: string;
  password: string;
}

/** Shortest password accepted: the list is on the open internet behind it. */
export const MIN_FEED_PASSWORD = 12;

/**
 * The basic-auth credentials of the price lists (MP_KASPI_FEED_USER / MP_KASPI_FEED_PASSWORD, or the
 * config keys kaspi.feed.user / kaspi.feed.password); undefined when neither is set. One without the
 * other, a user with `:` or a password shorter than 12 characters is a usage error. The password is
 * never part of a message.
 */
export function feedCredentials(config: Config): FeedCredentials | undefined {
  const userSet = settingSource(config, 'kaspi.feed.user') !== undefined;
  const passwordSet = settingSource(config, 'kaspi.feed.password') !== undefined;
  if (!userSet && !passwordSet) return undefined;
  if (!userSet || !passwordSet) {
    throw new UsageError(
      'FEED_CREDENTIALS_INCOMPLETE',
      `Kaspi price lists need both MP_KASPI_FEED_USER and MP_KASPI_FEED_PASSWORD (or kaspi.feed.user and kaspi.feed.password); only ${userSet ? 'the user' : 'the password'} is set`,
    );
  }
  const name = readSetting(config, 'kaspi.feed.user')!;
  if (name.includes(':')) throw new UsageError('FEED_CREDENTIALS_BAD', 'MP_KASPI_FEED_USER must not contain ":" (HTTP basic auth cannot carry it)');
  // 12–200 characters without control characters (MIN_FEED_PASSWORD), checked by the settings table.
  return { user: name, password: readSetting(config, 'kaspi.feed.password')! };
}

export interface PriceListRouteOptions {
  /** Basic-auth credentials; undefined: price lists are not served (404 saying how to turn them on). */
  credentials?: FeedCredentials;
  /** MP_USER: only the stores this user may see (undefined: every store). */
  user?: string;
  /** The margin floor's rules (demper.minMargin, the commission table): no price goes out below a product's floor. */
  margin?: MarginRules;
  now?: () => Date;
  /** Failed sign-ins from one address within 15 minutes before it is refused (429) until the window ends; default 20. */
  maxFailures?: number;
  /** Where a fetch that could not be logged is reported. */
  onLogError?: (error: unknown) => void;
}

/** The access log's form of a path: under the price lists, anything long enough to be a secret token is masked. */
export function redactPriceListPath(path: string): string {
  if (!path.toLowerCase().includes('/kaspi/price-lists/')) return path;
  return path.replace(/(?:[A-Za-z0-9_-]|%[0-9A-Fa-f]{2}){24,}/g, '****');
}

const FAILURE_WINDOW_MS = 15 * 60_000;
/** Fetch log rows are kept this long (Kaspi fetches about once an hour per store). */
const FETCH_LOG_DAYS = 90;

/** The price-list routes: `handle` answers any path under PRICE_LIST_PREFIX. */
export function priceListRoutes(db: Kysely<Database>, options: PriceListRouteOptions) {
  const now = options.now ?? (() => new Date());
  const expected = options.credentials ? digest(`${options.credentials.user}:${options.credentials.password}`) : undefined;
  const failures = new Map<string, { count: number; until: number }>();
  const maxFailures = options.maxFailures ?? 20;
  let prunedAt = 0;

  async function log(fetch: PriceListFetch): Promise<void> {
    try {
      await insertFetch(db, fetch);
      const t = now().getTime();
      if (t - prunedAt > 3_600_000) {
        prunedAt = t;
        await pruneFetches(db, new Date(t - FETCH_LOG_DAYS * 86_400_000));
      }
    } catch (error) {
      options.onLogError?.(error);
    }
  }

  /** Answers the request; returns what the fetch log records (the caller logs it after the answer). */
  async function answer(req: IncomingMessage, res: ServerResponse, path: string): Promise<Omit<PriceListFetch, 'client' | 'user_agent' | 'at'>> {
    const method = req.method ?? 'GET';
    const secret = /^\/kaspi\/price-lists\/s\/([A-Za-z0-9_-]{1,200})\.xml$/.exec(path);
    const byMerchant = secret ? null : /^\/kaspi\/price-lists\/([\w-]{1,64})\.xml$/.exec(path);
    const via = secret ? 'secret' : 'basic';
    const merchant = byMerchant?.[1] ?? null;
    if (!secret && !byMerchant) {
      problem(
        res,
        404,
        'NOT_FOUND',
        'no price list here: the addresses are /kaspi/price-lists/<merchant-id>.xml and the secret path `mp demper price-list url` shows',
      );
      return { status: 404, via: 'none', merchant_id: null, detail: 'no such address' };
    }
    if (!expected) {
      problem(res, 404, 'PRICE_LISTS_OFF', 'price lists are not served here: set MP_KASPI_FEED_USER and MP_KASPI_FEED_PASSWORD and restart mp serve');
      return { status: 404, via, merchant_id: merchant, detail: 'price lists are off' };
    }
    if (method !== 'GET' && method !== 'HEAD') {
      problem(res, 405, 'METHOD_NOT_ALLOWED', 'a price list is read-only: use GET or HEAD', { allow: 'GET, HEAD' });
      const storeId = merchant ? ((await findStoreBy(db, { merchantId: merchant }, options.user))?.id ?? null) : null;
      return { status: 405, via, merchant_id: merchant, store_id: storeId, detail: `method ${method.slice(0, 16)}` };
    }
    let store: StoreRow | undefined;
    if (byMerchant) {
      const client = clientOf(req);
      const failed = failures.get(client);
      if (failed && failed.until <= Date.now()) failures.delete(client);
      if (failed && failed.until > Date.now() && failed.count >= maxFailures) {
        const retry = Math.ceil((failed.until - Date.now()) / 1000);
        problem(res, 429, 'TOO_MANY_FAILURES', `too many failed sign-ins from this address: try again in ${retry} s`, { 'retry-after': String(retry) });
        return { status: 429, via, merchant_id: merchant, detail: 'too many failed sign-ins' };
      }
      if (!authorized(req.headers.authorization, expected)) {
        // A request without credentials is the usual challenge round of an HTTP client, not a guess.
        if (req.headers.authorization !== undefined) {
          const entry = failures.get(client) ?? { count: 0, until: Date.now() + FAILURE_WINDOW_MS };
          entry.count++;
          failures.set(client, entry);
          if (failures.size > 10_000) failures.delete(failures.keys().next().value!);
        }
        problem(res, 401, 'UNAUTHORIZED', 'this price list needs the user and password of MP_KASPI_FEED_USER / MP_KASPI_FEED_PASSWORD', {
          'www-authenticate': 'Basic realm="mp Kaspi price lists", charset="UTF-8"',
        });
        const storeId = (await findStoreBy(db, { merchantId: merchant! }, options.user))?.id ?? null;
        return { status: 401, via, merchant_id: merchant, store_id: storeId, detail: req.headers.authorization ? 'wrong credentials' : 'no credentials' };
      }
      store = await findStoreBy(db, { merchantId: merchant! }, options.user);
    } else {
      store = await findStoreBy(db, { priceListTokenHash: tokenHash(secret![1]!) }, options.user);
    }
    if (!store) {
      problem(res, 404, 'NOT_FOUND', secret ? 'no price list at this address' : `no store ${merchant}: see \`mp demper store list\``);
      return { status: 404, via, merchant_id: merchant, detail: secret ? 'unknown secret path' : 'no such store' };
    }
    const logged = { via, merchant_id: store.merchant_id, store_id: store.id };
    const list = await servedPriceList(db, store, now(), options.margin);
    if (list.status === 'unavailable') {
      // Kaspi's loader keeps the list it has; a partial or shrunken one would take offers off sale.
      problem(res, 503, list.code, list.reason, { 'retry-after': '600' });
      return { ...logged, status: 503, detail: list.reason };
    }
    const headers = {
      etag: list.etag,
      'last-modified': list.lastModified.toUTCString(),
      'cache-control': 'private, no-cache',
    };
    if (notModified(req, list.etag, list.lastModified)) {
      res.writeHead(304, headers);
      res.end();
      return { ...logged, status: 304, detail: null };
    }
    const body = Buffer.from(list.xml, 'utf8');
    res.writeHead(200, { ...headers, 'content-type': 'application/xml; charset=utf-8', 'content-length': body.length });
    res.end(method === 'HEAD' ? undefined : body);
    return { ...logged, status: 200, detail: `${list.offers} offers, ${list.available} on sale` };
  }

  return {
    /** Answers a request under PRICE_LIST_PREFIX and logs the fetch. */
    async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
      const at = now();
      const base = { at, client: clientOf(req), user_agent: clip(req.headers['user-agent'] ?? null, 300) };
      let entry: Omit<PriceListFetch, 'client' | 'user_agent' | 'at'>;
      try {
        entry = await answer(req, res, url.pathname);
      } catch (error) {
        await log({ ...base, status: 500, via: 'none', merchant_id: null, detail: 'internal error' });
        throw error;
      }
      await log({ ...base, ...entry, merchant_id: clip(entry.merchant_id ?? null, 64), detail: clip(entry.detail ?? null, 500) });
    },
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Whether an Authorization header carries the expected basic credentials (compared in constant time). */
function authorized(header: string | undefined, expected: Buffer): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]{1,2000})\s*$/i.exec(header ?? '');
  if (!m) return false;
  return timingSafeEqual(digest(Buffer.from(m[1]!, 'base64').toString('utf8')), expected);
}

/** RFC 9110 §13.1.2/§13.1.3: If-None-Match wins over If-Modified-Since; dates compare to the second. */
function notModified(req: IncomingMessage, etag: string, lastModified: Date): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    return inm
      .split(',')
      .map((t) => t.trim().replace(/^W\//, ''))
      .some((t) => t === '*' || t === etag);
  }
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/** An error as every answer of mp serve gives it: application/problem+json (src/serve/problem.ts). */
function problem(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendProblem(res, { status, body: problemBody(status, code, message), headers, internal: false });
}

function clientOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** Text from the client, stored without control characters and cut to `max` characters. */
function clip(text: string | null, max: number): string | null {
  if (text === null) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
