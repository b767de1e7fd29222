// Retries: which answers are retried, how long we wait (backoff with full jitter, or what the server
// asks for in Retry-After / X-Ratelimit-Retry / X-Ratelimit-Reset), and when we give up at once.
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { startFakeServer } from '../../src/fakes/fake-server.js';
import { HttpClient, type HttpClientOptions, HttpError } from '../../src/http/client.js';
import { backoffDelayMs, parseRetryAfter, serverRetryDelayMs } from '../../src/http/retry.js';

const server = await startFakeServer((s) => s.route('GET', '/stocks', () => ({ body: { stocks: [] } })));
const clients: HttpClient[] = [];
function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  const c = new HttpClient({ baseUrl: server.url, service: 'Wildberries', ...options });
  clients.push(c);
  return c;
}
/** A sleep that only records what it was asked to wait. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}
afterEach(async () => {
  server.requests.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
  // No request without a route, no fault left unused (clearFaults() used to hide one).
  server.verify();
});
afterAll(() => server.stop());

/** Gap between the first two requests the server saw, in ms. */
function serverGap(): number {
  const [a, b] = server.requestsTo('/stocks');
  return b!.at - a!.at;
}

describe('backoff with full jitter', () => {
  test('waits are uniform in [0, min(cap, base·2^(n−1)))', () => {
    expect(backoffDelayMs(1, { baseMs: 500 }, () => 0)).toBe(0);
    expect(backoffDelayMs(1, { baseMs: 500 }, () => 0.5)).toBe(250);
    expect(backoffDelayMs(3, { baseMs: 500 }, () => 0.5)).toBe(1000);
    expect(backoffDelayMs(10, { baseMs: 500, capMs: 4000 }, () => 0.999)).toBe(3996);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, r) => {
        const ms = backoffDelayMs(retry, { baseMs: 200, capMs: 10_000 }, () => r);
        return ms >= 0 && ms < Math.min(10_000, 200 * 2 ** (retry - 1)) + 1e-9;
      }),
    );
  });

  test('5xx is retried with growing jittered waits, then succeeds', async () => {
    const { sleep, waits } = recordingSleep();
    server.fault('/stocks', { status: 503, times: 2 }).fault('/stocks', { status: 500 });
    const res = await client({ sleep, random: () => 0.5, backoff: { baseMs: 100 } }).request({ path: '/stocks' });
    expect(res).toMatchObject({ status: 200, attempts: 4, body: { stocks: [] } });
    expect(waits).toEqual([50, 100, 200]);
    expect(server.requestsTo('/stocks')).toHaveLength(4);
  });

  test('5xx on every attempt: HTTP_STATUS after retries, saying what to do', async () => {
    const { sleep } = recordingSleep();
    server.fault('/stocks', { status: 502, body: 'Bad Gateway', times: Infinity });
    const error = (await client({ sleep })
      .request({ path: '/stocks' })
      .catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 502, attempts: 4, bodySnippet: 'Bad Gateway' });
    expect(error.message).toBe('Wildberries answered 502 to GET /stocks after 4 attempts: the service is having trouble, try again later');
    expect(server.requestsTo('/stocks')).toHaveLength(4);
  });

  test('4xx is not retried; retry: false and retryStatuses are honoured', async () => {
    const { sleep } = recordingSleep();
    const c = client({ sleep });
    server.fault('/stocks', { status: 400, body: { detail: 'bad dateFrom' } });
    await expect(c.request({ path: '/stocks' })).rejects.toMatchObject({ code: 'HTTP_STATUS', status: 400, attempts: 1 });
    server.fault('/stocks', { status: 503 });
    await expect(c.request({ path: '/stocks', retry: false })).rejects.toMatchObject({ code: 'HTTP_STATUS', status: 503, attempts: 1 });
    server.fault('/stocks', { status: 403 });
    await expect(c.request({ path: '/stocks', retryStatuses: [403] })).resolves.toMatchObject({ status: 200, attempts: 2 });
    expect(server.requestsTo('/stocks')).toHaveLength(4);
  });
});

describe('waits the server asks for', () => {
  test('parsing Retry-After (seconds or HTTP date), X-Ratelimit-Retry and X-Ratelimit-Reset', () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(serverRetryDelayMs({ 'x-ratelimit-retry': '2', 'x-ratelimit-reset': '29' }, now)).toBe(2000);
    expect(serverRetryDelayMs({ 'retry-after': '5', 'x-ratelimit-retry': '2' }, now)).toBe(5000);
    expect(serverRetryDelayMs({ 'x-ratelimit-reset': '29' }, now)).toBe(29_000);
    expect(serverRetryDelayMs({ 'x-ratelimit-reset': String(now / 1000 + 60) }, now)).toBe(60_000);
    expect(serverRetryDelayMs({ 'retry-after': 'garbage' }, now)).toBeUndefined();
    expect(serverRetryDelayMs({}, now)).toBeUndefined();
  });

  test('429 with Retry-After: 1 waits a second (measured at the server)', async () => {
    server.fault('/stocks', { status: 429, headers: { 'retry-after': '1' } });
    const res = await client({ random: () => 0 }).request({ path: '/stocks' });
    expect(res.attempts).toBe(2);
    expect(serverGap()).toBeGreaterThanOrEqual(990);
    expect(serverGap()).toBeLessThan(1900);
  });

  test('429 with Retry-After as an HTTP date waits until then', async () => {
    // HTTP dates have whole seconds: "2 s from now" is between 1 and 2 s away.
    server.fault('/stocks', { status: 429, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } });
    const res = await client({ random: () => 0 }).request({ path: '/stocks' });
    expect(res.attempts).toBe(2);
    expect(serverGap()).toBeGreaterThanOrEqual(900);
    expect(serverGap()).toBeLessThan(2500);
  });

  test("429 with Wildberries' X-Ratelimit-Retry: 1 waits a second", async () => {
    server.fault('/stocks', { status: 429, headers: { 'x-ratelimit-retry': '1', 'x-ratelimit-limit': '10', 'x-ratelimit-reset': '29' } });
    const res = await client({ random: () => 0 }).request({ path: '/stocks' });
    expect(res.attempts).toBe(2);
    expect(serverGap()).toBeGreaterThanOrEqual(990);
    expect(serverGap()).toBeLessThan(1900);
  });

  test('a wait longer than maxRetryWaitMs is HTTP_RATE_LIMITED at once, carrying retryAfterMs', async () => {
    server.fault('/stocks', { status: 429, headers: { 'x-ratelimit-retry': '3600' }, body: { title: 'too many requests' } });
    const started = Date.now();
    const error = (await client()
      .request({ path: '/stocks' })
      .catch((e: unknown) => e)) as HttpError;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({ code: 'HTTP_RATE_LIMITED', status: 429, retryAfterMs: 3_600_000, attempts: 1 });
    expect(error.message).toBe('Wildberries is limiting requests (429 to GET /stocks, it asks to wait 60 min): try again in 60 min');
    expect(server.requestsTo('/stocks')).toHaveLength(1);

    server.fault('/stocks', { status: 503, headers: { 'retry-after': '5' } });
    await expect(client({ maxRetryWaitMs: 1000 }).request({ path: '/stocks' })).rejects.toMatchObject({
      code: 'HTTP_RATE_LIMITED',
      status: 503,
      retryAfterMs: 5000,
    });
  });

  test('429 on every attempt is HTTP_RATE_LIMITED after retries', async () => {
    const { sleep, waits } = recordingSleep();
    // 0.2 s: the host's pause is real time even with a recording sleep.
    server.fault('/stocks', { status: 429, headers: { 'x-ratelimit-retry': '0.2' }, times: Infinity });
    const error = (await client({ sleep, retries: 2 })
      .request({ path: '/stocks' })
      .catch((e: unknown) => e)) as HttpError;
    expect(error).toMatchObject({ code: 'HTTP_RATE_LIMITED', status: 429, retryAfterMs: 200, attempts: 3 });
    expect(waits).toEqual([200, 200]);
  });

  test('an abort during the wait stops at once', async () => {
    server.fault('/stocks', { status: 429, headers: { 'retry-after': '30' } });
    const controller = new AbortController();
    // Aborted once the request has reached the server and the client is waiting (a fixed 50 ms timer
    // could fire before the request was sent on a loaded machine: no request, the fault unused).
    void (async () => {
      while (server.requestsTo('/stocks').length === 0) await new Promise((r) => setTimeout(r, 5));
      setTimeout(() => controller.abort(new Error('shutting down')), 50);
    })();
    const started = Date.now();
    await expect(client().request({ path: '/stocks', signal: controller.signal })).rejects.toThrow('shutting down');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.requestsTo('/stocks')).toHaveLength(1);
  });
});
