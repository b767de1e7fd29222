// A 429 (or 503) with a wait (Retry-After / X-Ratelimit-Retry) pauses the whole host (its rate-limit bucket),
// not only the refused request: callers queued for the same host back off together. Arrival times
// are the fake server's own.
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { Logger } from '../../src/core/log.js';
import { startFakeServer } from '../../src/fakes/fake-server.js';
import { HttpClient, type HttpClientOptions } from '../../src/http/client.js';
import { RateLimiter } from '../../src/http/rate-limit.js';

const server = await startFakeServer((s) => s.route('GET', '/items/:id', (req) => ({ body: { id: req.params.id } })));
const clients: HttpClient[] = [];
function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  const c = new HttpClient({ baseUrl: server.url, service: 'Kaspi', random: () => 0, ...options });
  clients.push(c);
  return c;
}
afterEach(async () => {
  server.requests.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
  // No request without a route, no fault left unused (clearFaults() used to hide one).
  server.verify();
});
afterAll(() => server.stop());

/** Debug lines the client logs, so a test can act right after the client has handled an answer. */
function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (msg: string) => void lines.push(msg);
  return { lines, debug: add, info: add, warn: add, error: add, structured: true };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function arrivals(path: string): number[] {
  return server.requestsTo(path).map((r) => r.at);
}

describe('a 429 with a wait pauses the host', () => {
  test('4 concurrent requests at 2/s: the first gets 429 Retry-After: 1, no other reaches the server before the pause ends, all succeed', async () => {
    const c = client({ rateLimit: { perSecond: 2, burst: 1 } });
    server.fault('/items/:id', { status: 429, headers: { 'retry-after': '1' } });
    const results = await Promise.all([1, 2, 3, 4].map((i) => c.request<{ id: string }>({ path: `/items/${i}` })));
    expect(results.map((r) => r.body.id)).toEqual(['1', '2', '3', '4']);
    expect(results.map((r) => r.attempts)).toEqual([2, 1, 1, 1]);

    const [refused, ...rest] = server.requests;
    expect(refused!.path).toBe('/items/1');
    expect(rest).toHaveLength(4);
    // Without the pause, /items/2 would arrive 0.5 s after the 429 (its token) and earn one too.
    for (const r of rest) expect(r.at - refused!.at, `${r.path} arrived ${r.at - refused!.at} ms after the 429`).toBeGreaterThanOrEqual(990);
    // After the pause the rate still holds (2/s, burst 1): the i-th request after the first arrives
    // no sooner than i × 0.5 s after it, less 0.1 s of arrival jitter (callers re-queued badly would
    // share a slot: ~0 ms). Measured from the first, not pairwise: one request sent a little late
    // does not entitle the next to be late as well, so a short pairwise gap is within the rate.
    const times = rest.map((r) => r.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[0]!, `request ${i + 1} after the pause`).toBeGreaterThanOrEqual(i * 500 - 100);
    // ...and it is a pause, not a stall: 4 requests at 2/s after a 1 s pause take about 2.5 s.
    expect(times.at(-1)! - refused!.at).toBeLessThan(6000);
  });

  test('without a rate limit too: a request started during the pause waits for its end', async () => {
    const limiter = new RateLimiter(undefined);
    const c = client({ limiter });
    server.fault('/items/a', { status: 429, headers: { 'x-ratelimit-retry': '1' } });
    const first = c.request({ path: '/items/a' });
    await until(() => limiter.pausedFor(`${new URL(server.url).host}|direct`) > 0, 'the pause');
    const second = await c.request<{ id: string }>({ path: '/items/b' });
    expect(second).toMatchObject({ attempts: 1, body: { id: 'b' } });
    expect((await first).attempts).toBe(2);
    const [refusedAt] = arrivals('/items/a');
    const [secondAt] = arrivals('/items/b');
    expect(secondAt! - refusedAt!).toBeGreaterThanOrEqual(990);
    expect(secondAt! - refusedAt!).toBeLessThan(4000);
  });

  test('a 503 with Retry-After pauses the host the same way; a 503 without one does not', async () => {
    const limiter = new RateLimiter(undefined);
    const c = client({ limiter });
    const key = `${new URL(server.url).host}|direct`;
    server.fault('/items/down', { status: 503, headers: { 'retry-after': '1' } });
    const first = c.request({ path: '/items/down' });
    await until(() => limiter.pausedFor(key) > 0, 'the pause');
    const second = await c.request<{ id: string }>({ path: '/items/next' });
    expect(second).toMatchObject({ attempts: 1, body: { id: 'next' } });
    expect((await first).attempts).toBe(2);
    expect(arrivals('/items/next')[0]! - arrivals('/items/down')[0]!).toBeGreaterThanOrEqual(990);

    // Without a wait from the server, only that request backs off (its own exponential delay).
    const log = recordingLog();
    const plain = client({ limiter, log, backoff: { baseMs: 1000, capMs: 1000 }, random: () => 1 });
    server.fault('/items/blip', { status: 503 });
    const blip = plain.request({ path: '/items/blip' });
    await until(() => log.lines.some((l) => l.includes('answered 503')), 'the 503');
    expect(limiter.pausedFor(key)).toBe(0);
    await plain.request({ path: '/items/other' });
    // ...which the other request does not wait for: it arrives before the blip's retry (1 s later).
    expect(arrivals('/items/other')[0]! - arrivals('/items/blip')[0]!).toBeLessThan(900);
    expect((await blip).attempts).toBe(2);
    expect(arrivals('/items/blip')[1]! - arrivals('/items/blip')[0]!).toBeGreaterThanOrEqual(990);
  });

  test('requests in flight are not held back, and a later, shorter wait does not shorten the pause', async () => {
    const log = recordingLog();
    const c = client({ log });
    // /items/slow is in flight when /items/long is refused with 2 s; it is then refused with 1 s.
    server.fault('/items/slow', { status: 429, headers: { 'retry-after': '1' }, delayMs: 400 });
    server.fault('/items/long', { status: 429, headers: { 'retry-after': '2' } });
    const slow = c.request({ path: '/items/slow' });
    await until(() => arrivals('/items/slow').length === 1, '/items/slow to arrive');
    const long = c.request({ path: '/items/long' });
    // Once the client has handled the 1 s answer, a new request still waits out the 2 s pause.
    await until(() => log.lines.some((l) => l.includes('answered 429; retrying in 1 s')), 'the 1 s answer');
    const later = await c.request({ path: '/items/later' });
    expect(later.attempts).toBe(1);
    expect((await slow).attempts).toBe(2);
    expect((await long).attempts).toBe(2);

    const [longAt] = arrivals('/items/long');
    const [slowAt, slowRetryAt] = arrivals('/items/slow');
    expect(longAt! - slowAt!).toBeLessThan(400); // it was sent while /items/slow was in flight
    for (const at of [slowRetryAt!, ...arrivals('/items/later')]) expect(at - longAt!).toBeGreaterThanOrEqual(1990);
  });

  test('the pause is bounded by maxRetryWaitMs: a longer wait fails that request at once and holds the others only that long', async () => {
    const limiter = new RateLimiter(undefined);
    const c = client({ limiter, maxRetryWaitMs: 1000 });
    server.fault('/items/a', { status: 429, headers: { 'retry-after': '30' } });
    await expect(c.request({ path: '/items/a' })).rejects.toMatchObject({ code: 'HTTP_RATE_LIMITED', retryAfterMs: 30_000, attempts: 1 });
    await expect(c.request({ path: '/items/b' })).resolves.toMatchObject({ attempts: 1 });
    const [refusedAt] = arrivals('/items/a');
    const [nextAt] = arrivals('/items/b');
    expect(nextAt! - refusedAt!).toBeGreaterThanOrEqual(990);
    expect(nextAt! - refusedAt!).toBeLessThan(5000);
  });

  test('the pause is per host and exit: requests through another exit are not held back', async () => {
    const limiter = new RateLimiter(undefined);
    const c = client({ limiter });
    const host = new URL(server.url).host;
    limiter.pause(`${host}|http://proxy.example:8080`, 5000);
    limiter.pause(`elsewhere.example|direct`, 5000);
    const started = Date.now();
    await expect(c.request({ path: '/items/x' })).resolves.toMatchObject({ attempts: 1 });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('RateLimiter.pause', () => {
  test('a pause only grows; it ends on time', () => {
    let now = 1_000;
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, { now: () => now });
    expect(limiter.pausedFor('h|direct')).toBe(0);
    expect(limiter.pause('h|direct', 2000)).toBe(3000);
    now = 1500;
    expect(limiter.pause('h|direct', 1000)).toBe(3000); // shorter: no change
    expect(limiter.pausedFor('h|direct')).toBe(1500);
    expect(limiter.pause('h|direct', 3000)).toBe(4500); // longer: extended
    expect(limiter.pausedFor('other|direct')).toBe(0);
    now = 4500;
    expect(limiter.pausedFor('h|direct')).toBe(0);
  });
});
