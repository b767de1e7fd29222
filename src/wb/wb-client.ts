// The Wildberries API client: one HttpClient per host, the token in Authorization, and HTTP errors
// turned into WB codes whose messages name the cabinet, the token and the category.
import type { Config } from '../core/config.js';
import { AuthError, RateLimitedError, UserError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { readSetting } from '../core/settings.js';
import { HttpClient, HttpError, type RateLimit, type RequestOptions, type StreamedResponse, type StreamRequestOptions } from '../http/client.js';
import { humanDuration } from '../http/http-error.js';
import { renewCommand } from './token.js';

export type { StreamedResponse };

export type WbHost = 'common' | 'statistics' | 'feedbacks' | 'content' | 'analytics';

const DEFAULT_HOSTS: Record<WbHost, string> = {
  common: 'https://common-api.wildberries.ru',
  statistics: 'https://statistics-api.wildberries.ru',
  feedbacks: 'https://feedbacks-api.wildberries.ru',
  content: 'https://content-api.wildberries.ru',
  analytics: 'https://seller-analytics-api.wildberries.ru',
};

/** The category a host's token must carry, as WB's cabinet names it (for messages). */
export const HOST_CATEGORY: Record<WbHost, string> = {
  common: 'any',
  statistics: 'Statistics',
  feedbacks: 'Feedbacks & Questions',
  content: 'Content',
  analytics: 'Analytics',
};

/**
 * mp paces at this share of each documented limit: at exactly 100% (as card fetching was) any clock
 * skew or WB's own rounding earns a 429, which WB may count as several requests.
 */
export const PACING_SHARE = 0.9;

/** WB's documented limits (Personal, Service and Base-with-secret tokens; reference/wb.md). */
export const WB_DOCUMENTED_LIMITS = {
  /** Content category: 100/min, burst 5. */
  content: { perSecond: 100 / 60, burst: 5 },
  /** Feedbacks & Questions: 3/s, burst 6. */
  feedbacks: { perSecond: 3, burst: 6 },
  /** Statistics: 1/min, burst 10. */
  statistics: { perSecond: 1 / 60, burst: 10 },
  /** Analytics stocks report: 3/min, burst 1. */
  stocksReport: { perSecond: 3 / 60, burst: 1 },
} as const;

/** A documented limit at PACING_SHARE: the rate scaled, the burst rounded down (at least 1). */
export function pacedLimit(limit: RateLimit): RateLimit {
  return { perSecond: limit.perSecond * PACING_SHARE, burst: Math.max(1, Math.floor(limit.burst * PACING_SHARE)) };
}

/** The wait between two requests of a limit at PACING_SHARE, in ms (statistics 66.7 s, stocks 22.3 s). */
export function pacedIntervalMs(limit: RateLimit): number {
  return Math.ceil(1000 / (limit.perSecond * PACING_SHARE));
}

// Client-side buckets; statistics (1/min) and the stocks report (3/min) are paced by the stream's
// next-allowed time in the database and by X-Ratelimit-Retry, not here.
const RATE_LIMITS: Partial<Record<WbHost, RateLimit>> = {
  feedbacks: pacedLimit(WB_DOCUMENTED_LIMITS.feedbacks),
  content: pacedLimit(WB_DOCUMENTED_LIMITS.content),
};

/** The client-side limit of a host (for tests and `mp` diagnostics). */
export function wbRateLimit(host: WbHost): RateLimit | undefined {
  return RATE_LIMITS[host];
}

/**
 * Every WB host: `wb.hosts.<name>` in the config file or MP_WB_<NAME>_URL; MP_WB_URL (or `wb.url`)
 * replaces scheme and host of all of them at once, keeping their paths.
 */
export function wbHosts(config: Config): Record<WbHost, string> {
  const override = readSetting(config, 'wb.url');
  const out = {} as Record<WbHost, string>;
  for (const [name, fallback] of Object.entries(DEFAULT_HOSTS) as [WbHost, string][]) {
    const configured = readSetting(config, `wb.hosts.${name}`) ?? fallback;
    if (!override) {
      out[name] = configured.replace(/\/$/, '');
      continue;
    }
    const target = new URL(override);
    const source = new URL(configured);
    out[name] = `${target.protocol}//${target.host}${source.pathname.replace(/\/$/, '')}`;
  }
  return out;
}

export interface WbClientOptions {
  hosts: Record<WbHost, string>;
  token: string;
  /** The cabinet's name, for messages ("the token of cabinet …"). */
  cabinet: string;
  log?: Logger;
  /** Longest X-Ratelimit-Retry waited inline (default 65 s: one statistics minute). */
  maxRetryWaitMs?: number;
  retries?: number;
}

export class WbClient {
  private readonly clients = new Map<WbHost, HttpClient>();
  /** Requests sent (attempts included), for sync-run records. */
  requests = 0;

  constructor(private readonly options: WbClientOptions) {}

  private client(host: WbHost): HttpClient {
    let c = this.clients.get(host);
    if (!c) {
      c = new HttpClient({
        baseUrl: this.options.hosts[host],
        service: 'Wildberries',
        rateLimit: RATE_LIMITS[host],
        retries: this.options.retries ?? 3,
        timeoutMs: 120_000,
        maxRetryWaitMs: this.options.maxRetryWaitMs ?? 65_000,
        headers: { authorization: this.options.token, accept: 'application/json' },
        log: this.options.log,
      });
      this.clients.set(host, c);
    }
    return c;
  }

  /** One request; HTTP failures become WB_UNAUTHORIZED, WB_FORBIDDEN, WB_RATE_LIMITED or WB_UNAVAILABLE. */
  async request<T>(host: WbHost, request: RequestOptions): Promise<{ body: T; status: number; headers: Record<string, string> }> {
    try {
      const response = await this.client(host).request<T>(request);
      this.requests += response.attempts;
      return response;
    } catch (error) {
      if (error instanceof HttpError) {
        this.requests += error.attempts;
        throw wrapWbError(error, host, this.options.cabinet);
      }
      throw error;
    }
  }

  /**
   * One request whose answer is read as it arrives (HttpClient.stream): `read` gets each attempt's
   * body and must undo its work when that fails. HTTP failures are wrapped as by request().
   */
  async stream<R>(host: WbHost, request: StreamRequestOptions, read: (response: StreamedResponse) => Promise<R>): Promise<R> {
    let attempts = 0;
    try {
      const result = await this.client(host).stream(request, (response) => {
        attempts = response.attempts;
        return read(response);
      });
      this.requests += attempts;
      return result;
    } catch (error) {
      if (error instanceof HttpError) {
        this.requests += error.attempts;
        throw wrapWbError(error, host, this.options.cabinet);
      }
      this.requests += attempts;
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }
}

/** Maps an HttpError to a WB error that says which token, which category and what to do. */
export function wrapWbError(error: HttpError, host: WbHost, cabinet: string): UserError {
  const detail = problemDetail(error.bodySnippet);
  const category = HOST_CATEGORY[host];
  const details = { host, status: error.status, url: error.url, detail };
  if (error.status === 401 && host === 'common') {
    return new AuthError(
      'WB_UNAUTHORIZED',
      `Wildberries rejected the token of cabinet "${cabinet}" (401${detail ? `: ${detail}` : ''}): copy a valid token from the seller cabinet (Settings → API access) and run ${renewCommand(cabinet)}`,
      { cause: error, details },
    );
  }
  if (error.status === 401) {
    return new AuthError(
      'WB_UNAUTHORIZED',
      `Wildberries rejected the token of cabinet "${cabinet}" for ${category} (401${detail ? `: ${detail}` : ''}): create a token with the ${category} category in the seller cabinet and run ${renewCommand(cabinet)}`,
      { cause: error, details },
    );
  }
  if (error.status === 403) {
    return new AuthError(
      'WB_FORBIDDEN',
      `Wildberries refused the token of cabinet "${cabinet}" for ${category} (403${detail ? `: ${detail}` : ''}): use a Personal or Service token with the ${category} category`,
      { cause: error, details },
    );
  }
  if (error.code === 'HTTP_RATE_LIMITED' || error.status === 429) {
    const wait = error.retryAfterMs === undefined ? '' : ` for ${humanDuration(error.retryAfterMs)}`;
    return new RateLimitedError('WB_RATE_LIMITED', `Wildberries rate-limited cabinet "${cabinet}" on ${category}${wait}: run \`mp wb sync\` again later`, {
      cause: error,
      details: { ...details, retryAfterMs: error.retryAfterMs },
    });
  }
  if (error.code === 'HTTP_NOT_JSON' || error.code === 'HTTP_BAD_JSON') {
    // A 200 with an HTML page or broken JSON is a bad answer, not an outage: nothing is stored.
    return new UserError('WB_BAD_RESPONSE', `Wildberries ${category} API answered cabinet "${cabinet}" with something that is not its JSON: ${error.message}`, {
      cause: error,
      details,
    });
  }
  return new UserError('WB_UNAVAILABLE', `Wildberries ${category} API failed for cabinet "${cabinet}": ${error.message}`, { cause: error, details });
}

function problemDetail(snippet: string | undefined): string | undefined {
  if (!snippet) return undefined;
  try {
    const body = JSON.parse(snippet) as { detail?: unknown; title?: unknown };
    return String(body.detail ?? body.title ?? '') || undefined;
  } catch {
    const m = /"detail"\s*:\s*"([^"]*)"/.exec(snippet);
    return m?.[1];
  }
}
