// The only way mp talks to marketplaces: undici with keep-alive, a token-bucket rate limit per host and
// exit (direct or proxy), bounded retries with backoff and full jitter, the waits services ask for,
// per-attempt timeouts, a JSON check, and a round-robin proxy list.
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher, type ProxyAgent } from 'undici';
import type { Logger } from '../core/log.js';
import { attempt as sendOnce } from './attempt.js';
import { buildUrl, encodeBody, lowerKeys, type Query } from './build-request.js';
import { humanDuration } from './http-error.js';
import { badJsonError, type Failure, networkError, notJsonError, statusError, timeoutError } from './messages.js';
import { ProxyPool } from './proxies.js';
import { createProxyAgent } from './proxy-agent.js';
import { type RateLimit, RateLimiter, realSleep, type Sleep } from './rate-limit.js';
import { proxyLabel, safeHeaders, safeUrl } from './redact.js';
import { decodeBody, decodeText, type Expect } from './response-body.js';
import { type BackoffOptions, backoffDelayMs, DEFAULT_RETRY_STATUSES, serverRetryDelayMs } from './retry.js';

export { HttpError, type HttpErrorCode, isHttpError } from './http-error.js';
export type { RateLimit } from './rate-limit.js';

export interface HttpClientOptions {
  baseUrl: string;
  /** 'Kaspi', 'Wildberries'…: named in messages. */
  service: string;
  /** Token bucket per host + exit (proxy); undefined = unlimited. */
  rateLimit?: RateLimit;
  /** Retries after the first attempt (default 3): 429, 5xx, network errors, timeouts. */
  retries?: number;
  /** Per attempt, headers and body together (default 30000). */
  timeoutMs?: number;
  /** Longest Retry-After / X-Ratelimit-Retry waited inline (default 120000); longer ⇒ HTTP_RATE_LIMITED with retryAfterMs. */
  maxRetryWaitMs?: number;
  headers?: Record<string, string>;
  /** Proxy URLs (`http://user:pass@host:port`), used round-robin; a failing one is benched. */
  proxies?: string[];
  log?: Logger;
  /** Secrets that may appear in request paths (tokens in URLs): masked in errors, logs and `HttpResponse.url`. */
  redact?: string[];
  /** How long a failing proxy is benched (default 60000). */
  proxyBenchMs?: number;
  /** Backoff base and cap (defaults 500 ms, 20 s). */
  backoff?: BackoffOptions;
  /** Share buckets between clients that reach the same hosts (default: one limiter per client). */
  limiter?: RateLimiter;
  /** Injected for tests: the clock, the wait between retries, and the jitter source. */
  now?: () => number;
  sleep?: Sleep;
  random?: () => number;
}

export interface RequestOptions {
  method?: string;
  /** Relative to baseUrl (its path prefix kept) or absolute. */
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  /** An object (not a Buffer) is sent as JSON with a JSON content type. */
  body?: string | Buffer | object;
  /** Default 'json': non-JSON content type ⇒ HTTP_NOT_JSON; unparsable or cut-off ⇒ HTTP_BAD_JSON. */
  expect?: Expect;
  /** Default true. Set false when a repeat would do harm: a retried request may have reached the server already. */
  retry?: boolean;
  /** Default [429, 500, 502, 503, 504]. */
  retryStatuses?: number[];
  /** Non-2xx statuses returned instead of thrown; a body that is not what `expect` says comes back as text. */
  acceptStatuses?: number[];
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string>;
  body: T;
  /** The URL requested, credentials redacted. */
  url: string;
  attempts: number;
}

/** A 2xx answer handed over as it arrives (HttpClient.stream). */
export interface StreamedResponse {
  status: number;
  headers: Record<string, string>;
  /** The body, decompressed, chunk by chunk (iterate it with `for await`). */
  body: Readable;
  /** The URL requested, credentials redacted. */
  url: string;
  attempts: number;
}

/** A streamed request: as RequestOptions, without what only applies to a body read whole. */
export type StreamRequestOptions = Omit<RequestOptions, 'expect' | 'acceptStatuses'>;

/** How many times unparsable JSON is retried: it is usually a transient cut, but not worth a full budget. */
const BAD_JSON_RETRIES = 2;

export class HttpClient {
  private readonly agent: Agent;
  private readonly proxyAgents = new Map<string, ProxyAgent>();
  private readonly pool?: ProxyPool;
  private readonly limiter: RateLimiter;
  private readonly defaultHeaders: Record<string, string>;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private closed = false;

  constructor(private readonly options: HttpClientOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.agent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
    if (options.proxies?.length) this.pool = new ProxyPool(options.proxies, { benchMs: options.proxyBenchMs, now: this.now });
    // The limiter waits in real time even when `sleep` is faked for backoff tests, unless one is passed in.
    // Without a rate limit it still holds the pauses a 429 asks for.
    this.limiter = options.limiter ?? new RateLimiter(options.rateLimit);
    this.defaultHeaders = lowerKeys({ 'user-agent': 'mp/0.1', ...options.headers });
  }

  async request<T>(o: RequestOptions): Promise<HttpResponse<T>> {
    return (await this.send<T, never>(o)) as HttpResponse<T>;
  }

  /**
   * request() for answers too large to hold: a 2xx body is handed to `read` as it arrives, and
   * what `read` returns is the result. Everything before the body (connection, statuses, waits) is
   * retried as by request(); a body that breaks off or stalls on the way (for longer than the
   * timeout) makes `read` fail, and is asked for again, `read` called anew, within the same retries:
   * so `read` must undo what it did with a broken body (one transaction per answer). An error of
   * `read`'s own is not retried. The connection is closed if `read` stops before the end.
   */
  async stream<R>(o: StreamRequestOptions, read: (response: StreamedResponse) => Promise<R>): Promise<R> {
    return (await this.send<unknown, R>({ ...o, expect: 'buffer' }, read)) as R;
  }

  private async send<T, R>(o: RequestOptions, read?: (response: StreamedResponse) => Promise<R>): Promise<HttpResponse<T> | R> {
    const url = buildUrl(this.options.baseUrl, o.path, o.query);
    const method = (o.method ?? 'GET').toUpperCase();
    const expect = o.expect ?? 'json';
    const headers = { ...this.defaultHeaders, ...lowerKeys(o.headers ?? {}) };
    if (expect === 'json') headers.accept ??= 'application/json';
    const body = encodeBody(o.body, headers);
    const retries = o.retry === false ? 0 : Math.max(0, this.options.retries ?? 3);
    const retryStatuses = o.retryStatuses ?? DEFAULT_RETRY_STATUSES;
    const timeoutMs = o.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const maxRetryWaitMs = this.options.maxRetryWaitMs ?? 120_000;
    const failure: Failure = { service: this.options.service, method, url: safeUrl(url, this.options.redact), attempts: 0, secrets: this.options.redact };
    let badJsonRetries = Math.min(BAD_JSON_RETRIES, retries);
    // A 403 through a proxy is that exit being banned, not an answer about the request: it is tried again
    // at once through each other proxy (not counted as a retry), unless the caller said not to repeat it.
    let proxySwitches = this.pool && o.retry !== false ? this.pool.proxies.length - 1 : 0;
    let switched = 0;

    for (let attempt = 1; ; attempt++) {
      // A bug in the caller, not a network problem: fail at once instead of retrying into a destroyed pool.
      if (this.closed) throw new Error(`the ${this.options.service} HTTP client is closed`);
      failure.attempts = attempt;
      const canRetry = attempt <= retries + switched;
      const proxy = this.pool?.next();
      const bucketKey = `${url.host}|${proxy ?? 'direct'}`;
      await this.limiter.take(bucketKey, o.signal);
      const dispatcher = proxy ? this.proxyAgent(proxy) : this.agent;
      let outcome = await sendOnce({ url, method, headers, body, dispatcher, timeoutMs, signal: o.signal, stream: read !== undefined });

      if (outcome.kind === 'stream') {
        // Only a 2xx answer streams; `read` has it.
        const { status, headers: resHeaders, body: stream, broken } = outcome;
        try {
          return await read!({ status, headers: resHeaders, body: stream, url: failure.url, attempts: attempt });
        } catch (error) {
          const failed = broken();
          if (!failed) throw error;
          // The body broke on the way: handled as a failed attempt (below).
          outcome = failed;
        } finally {
          stream.destroy();
        }
      }

      if (outcome.kind !== 'response') {
        if (proxy) this.benchProxy(proxy, outcome.kind);
        if (canRetry) {
          // The next proxy is another way out: no reason to wait before trying it.
          const wait = proxy && this.pool!.hasOtherThan(proxy) ? 0 : this.backoff(attempt);
          await this.retryAfter(wait, outcome.kind === 'timeout' ? 'timed out' : 'connection failed', failure, o.signal);
          continue;
        }
        const via = proxy && proxyLabel(proxy);
        if (outcome.kind === 'timeout') throw timeoutError(failure, timeoutMs);
        if (outcome.kind === 'truncated' && expect === 'json') {
          throw badJsonError(failure, 'the answer was cut off', '', undefined, outcome.error);
        }
        throw networkError(failure, outcome.error, via);
      }

      const { status, headers: resHeaders, body: resBody } = outcome;
      if (proxy && status === 403) {
        this.benchProxy(proxy, 'answered 403');
        if (proxySwitches > 0 && this.pool!.hasOtherThan(proxy)) {
          proxySwitches--;
          switched++;
          this.options.log?.debug(`${this.options.service} answered 403 through proxy ${proxyLabel(proxy)}; trying the next proxy`, { url: failure.url });
          continue;
        }
      }
      if ((status >= 200 && status < 300) || o.acceptStatuses?.includes(status)) {
        const decoded = decodeBody(resBody, resHeaders['content-type'], expect);
        if (decoded.ok) return { status, headers: resHeaders, body: decoded.value as T, url: failure.url, attempts: attempt };
        // An accepted error status is for the caller to handle: its body (often an HTML page) must not hide it.
        if (status < 200 || status >= 300) {
          return { status, headers: resHeaders, body: decodeText(resBody, resHeaders['content-type']) as T, url: failure.url, attempts: attempt };
        }
        if (decoded.problem === 'not-json') throw notJsonError(failure, status, decoded.detail, resBody, safeHeaders(resHeaders));
        if (canRetry && badJsonRetries-- > 0) {
          await this.retryAfter(this.backoff(attempt), 'sent broken JSON', failure, o.signal);
          continue;
        }
        throw badJsonError(failure, decoded.detail, resBody, status);
      }

      const asked = serverRetryDelayMs(resHeaders, this.now());
      const statusInit = { status, body: resBody, headers: safeHeaders(resHeaders), retryAfterMs: asked };
      if (retries > 0 && retryStatuses.includes(status)) {
        // The wait is for the host (or this exit to it), not just this request: the requests queued
        // behind a 429 would earn 429s too, and a 503 with Retry-After says the service is down for
        // that long (RFC 9110 §10.2.3). Those already sent are not held back.
        if ((status === 429 || status === 503) && asked !== undefined) this.pauseBucket(bucketKey, Math.min(asked, maxRetryWaitMs));
        if (asked !== undefined && asked > maxRetryWaitMs) throw statusError(failure, { ...statusInit, waitTooLong: true });
        if (canRetry) {
          await this.retryAfter(asked ?? this.backoff(attempt), `answered ${status}`, failure, o.signal);
          continue;
        }
      }
      throw statusError(failure, statusInit);
    }
  }

  /** Destroys the connection pools (keep-alive sockets included). */
  async close(): Promise<void> {
    this.closed = true;
    const agents: Dispatcher[] = [this.agent, ...this.proxyAgents.values()];
    this.proxyAgents.clear();
    await Promise.all(agents.map((a) => a.destroy().catch(() => {})));
  }

  private async retryAfter(ms: number, why: string, f: Failure, signal: AbortSignal | undefined): Promise<void> {
    this.options.log?.debug(`${f.service} ${why}; retrying in ${humanDuration(ms)} (attempt ${f.attempts + 1})`, {
      url: f.url,
      method: f.method,
    });
    await this.sleep(ms, signal);
  }

  private pauseBucket(key: string, ms: number): void {
    const left = this.limiter.pausedFor(key);
    const until = this.limiter.pause(key, ms);
    if (left < ms) {
      this.options.log?.debug(`${this.options.service} asked to wait: requests to ${key.split('|')[0]} paused for ${humanDuration(ms)}`, {
        until: new Date(until).toISOString(),
      });
    }
  }

  private backoff(attempt: number): number {
    return backoffDelayMs(attempt, this.options.backoff, this.random);
  }

  private benchProxy(proxy: string, why: string): void {
    this.pool?.bench(proxy);
    this.options.log?.info(`${this.options.service}: proxy ${proxyLabel(proxy)} ${why}; benched for ${humanDuration(this.options.proxyBenchMs ?? 60_000)}`);
  }

  private proxyAgent(proxy: string): ProxyAgent {
    let agent = this.proxyAgents.get(proxy);
    if (!agent) {
      agent = createProxyAgent(proxy, { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
      this.proxyAgents.set(proxy, agent);
    }
    return agent;
  }
}
