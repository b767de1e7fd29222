// The official Kaspi Shop API (reference/kaspi.md §5) over the project's HTTP client. Every request
// carries X-Auth-Token and `Accept: application/vnd.api+json` (without Accept Kaspi answers a 404
// HTML page). HTTP failures become KASPI_SHOP_* errors that say what to do.
import type { Config } from '../../core/config.js';
import { AuthError, UserError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { readSetting } from '../../core/settings.js';
import { HttpClient, isHttpError, type RateLimit } from '../../http/client.js';
import { parseEntries, parseEntryProduct, parseOrderPage, type ShopEntry, type ShopOrderPage } from './shop-api.parser.js';
import type { CreationWindow } from './shop-api-windows.js';

export const JSON_API = 'application/vnd.api+json';
export const PAGE_SIZE = 100; // the API's maximum

export function shopApiBaseUrl(config: Config): string {
  return readSetting(config, 'kaspi.shopApiUrl');
}

export interface ShopApiOptions {
  baseUrl: string;
  token: string;
  rateLimit?: RateLimit;
  log?: Logger;
  timeoutMs?: number;
  retries?: number;
  /** Proxy URLs used in turn; a failing one is benched and the request retried through the next. */
  proxies?: string[];
}

export class ShopApi {
  readonly http: HttpClient;

  constructor(options: ShopApiOptions) {
    this.http = new HttpClient({
      baseUrl: options.baseUrl,
      service: 'Kaspi Shop API',
      rateLimit: options.rateLimit,
      proxies: options.proxies?.length ? options.proxies : undefined,
      headers: { 'x-auth-token': options.token, accept: JSON_API, 'content-type': JSON_API },
      log: options.log,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
    });
  }

  /** One page (from 0) of orders in a state created inside the window. */
  async ordersPage(state: string, window: CreationWindow, page: number, pageSize = PAGE_SIZE): Promise<ShopOrderPage> {
    const body = await this.get('/orders', {
      'page[number]': page,
      'page[size]': pageSize,
      'filter[orders][state]': state,
      'filter[orders][creationDate][$ge]': window.from,
      'filter[orders][creationDate][$le]': window.to,
    });
    return parseOrderPage(body);
  }

  /**
   * An order's entries, named by their `offer` (code, name) or an included product; only an entry
   * the answer does not name costs one more request (`/orderentries/{id}/product`). `code` (the order
   * number) names the order in an error.
   */
  async entries(orderId: string, code?: string): Promise<ShopEntry[]> {
    const entries = parseEntries(await this.get(`/orders/${encodeURIComponent(orderId)}/entries`, { include: 'product' }), `order ${code ?? orderId}`);
    for (const e of entries) {
      if (e.productCode && e.productName) continue;
      const product = parseEntryProduct(await this.get(`/orderentries/${encodeURIComponent(e.entryId)}/product`, {}));
      e.productCode = e.productCode ?? product.code;
      e.productName = e.productName ?? product.name;
    }
    return entries;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async get(path: string, query: Record<string, string | number>): Promise<unknown> {
    try {
      // The JSON:API media type is JSON: ask for it explicitly so the client never falls back to its default Accept.
      const res = await this.http.request<unknown>({ path, query, headers: { accept: JSON_API } });
      return res.body;
    } catch (error) {
      throw shopError(error);
    }
  }
}

function shopError(error: unknown): unknown {
  if (!isHttpError(error)) return error;
  const s = error.status;
  if (s === 401 || s === 403) {
    return new AuthError(
      'KASPI_SHOP_UNAUTHORIZED',
      'Kaspi refused the Shop API token: make a new one (cabinet → Настройки → Токен API) and store it with `mp demper store add --token-stdin`',
      { cause: error },
    );
  }
  if (s === 400) {
    return new UserError('KASPI_SHOP_BAD_REQUEST', `Kaspi rejected the orders request (400): ${error.bodySnippet?.slice(0, 200) ?? ''}`.trim(), {
      cause: error,
    });
  }
  if (error.code === 'HTTP_TIMEOUT' || error.code === 'HTTP_NETWORK') {
    return new UserError('KASPI_SHOP_UNREACHABLE', `${error.message} (outside Kazakhstan the Shop API often hangs: run from a KZ address)`, { cause: error });
  }
  return error;
}
