// Token buckets: never more than burst + rate·t requests in any window of t seconds, retries included.
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { startFakeServer } from '../../src/fakes/fake-server.js';
import { HttpClient } from '../../src/http/client.js';
import { RateLimiter, TokenBucket } from '../../src/http/rate-limit.js';

const server = await startFakeServer((s) => s.route('POST', '/yml/offer-view/offers/:id', (req) => ({ body: { id: req.params.id, offers: [] } })));
afterEach(() => server.verify());
afterAll(() => server.stop());

/** The largest excess over `burst + perSecond·(t + slackSeconds)` across every window [times[i], times[j]]. */
function worstExcess(times: number[], perSecond: number, burst: number, slackSeconds = 0): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = -Infinity;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) {
      const allowed = burst + perSecond * ((sorted[j]! - sorted[i]!) / 1000 + slackSeconds);
      worst = Math.max(worst, j - i + 1 - allowed);
    }
  }
  return worst;
}

/** A bucket on a fake clock: take() asks the fake sleep to wait, which records when the caller would go. */
function simulate(perSecond: number, burst: number, arrivalsMs: number[]): number[] {
  let now = 0;
  let wokeAt: number | undefined;
  const bucket = new TokenBucket({ perSecond, burst }, { now: () => now, sleep: async (ms) => void (wokeAt = now + ms) });
  const released: number[] = [];
  for (const at of arrivalsMs) {
    now = at;
    wokeAt = undefined;
    // take() decides synchronously whether, and how long, to sleep.
    void bucket.take();
    released.push(wokeAt ?? now);
  }
  return released;
}

describe('TokenBucket', () => {
  test('a burst goes at once, then one every 1/rate seconds', () => {
    expect(simulate(10, 2, [0, 0, 0, 0, 0])).toEqual([0, 0, 100, 200, 300]);
    // Idle time refills up to the burst, never beyond.
    expect(simulate(10, 2, [0, 0, 5000, 5000, 5000])).toEqual([0, 0, 5000, 5000, 5100]);
  });

  test('property: any arrivals, no window of t seconds releases more than burst + rate·t', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 60 }),
        (perSecond, burst, gaps) => {
          let t = 0;
          const arrivals = gaps.map((g) => (t += g));
          const released = simulate(perSecond, burst, arrivals);
          // Never released before arriving, and in arrival order.
          released.forEach((r, i) => {
            expect(r).toBeGreaterThanOrEqual(arrivals[i]!);
            if (i > 0) expect(r).toBeGreaterThanOrEqual(released[i - 1]!);
          });
          // Waits are rounded to whole milliseconds (timer resolution): allow 1 ms per window.
          expect(worstExcess(released, perSecond, burst, 0.001)).toBeLessThanOrEqual(1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('an aborted wait (the last in the queue) gives its token back', async () => {
    const bucket = new TokenBucket({ perSecond: 1, burst: 1 });
    await bucket.take();
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(bucket.available()).toBeGreaterThan(-0.5);
  });

  test('bad limits are refused', () => {
    expect(() => new TokenBucket({ perSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new TokenBucket({ perSecond: 1, burst: 0 })).toThrow(RangeError);
  });

  test('a caller that aborts its wait does not hand its slot to a newcomer (no two callers share a slot)', async () => {
    let now = 0;
    const wakes: number[] = [];
    const sleep = (ms: number, signal?: AbortSignal) =>
      new Promise<void>((_resolve, reject) => {
        wakes.push(now + ms);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, { now: () => now, sleep });
    await bucket.take(); // goes at 0
    const controller = new AbortController();
    const aborted = bucket.take(controller.signal).catch((e: unknown) => e); // slot 1000
    void bucket.take(); // slot 2000
    now = 100;
    controller.abort(new Error('stop'));
    expect(await aborted).toMatchObject({ message: 'stop' });
    void bucket.take(); // must not be 2000 as well
    expect(wakes).toEqual([1000, 2000, 3000]);
  });

  test('RateLimiter keeps one bucket per key (host + exit)', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 });
    expect(limiter.bucket('kaspi.kz|direct')).toBe(limiter.bucket('kaspi.kz|direct'));
    expect(limiter.bucket('kaspi.kz|http://p1:8080')).not.toBe(limiter.bucket('kaspi.kz|direct'));
  });
});

describe('HttpClient rate limit', () => {
  test('10/s burst 2: 26 concurrent requests plus 4 retries never exceed the limit at the server', async () => {
    // Backoff sleeps are instant, so retries race straight back to the bucket: they must still take a token.
    const client = new HttpClient({ baseUrl: server.url, service: 'Kaspi', rateLimit: { perSecond: 10, burst: 2 }, sleep: async () => {} });
    try {
      // Warm two keep-alive connections first, so connection setup does not skew the burst's timestamps.
      await Promise.all([
        client.request({ method: 'POST', path: '/yml/offer-view/offers/warm' }),
        client.request({ method: 'POST', path: '/yml/offer-view/offers/warm' }),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 250));
      server.requests.length = 0;
      server.fault('/yml/offer-view/offers/:id', { status: 503, times: 2 }).fault('/yml/offer-view/offers/:id', { drop: true, times: 2 });
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 26 }, (_, i) => client.request({ method: 'POST', path: `/yml/offer-view/offers/${i}` })));
      expect(results.every((r) => r.status === 200)).toBe(true);
      const times = server.requests.map((r) => r.at);
      expect(times).toHaveLength(30);
      // Tolerance: 50 ms of clock and scheduling jitter per window (timestamps are taken at the server
      // after the body arrives). Burst 3 or an extra request per second would still exceed it.
      expect(worstExcess(times, 10, 2, 0.05)).toBeLessThanOrEqual(0);
      // And the limiter does not over-throttle: 28 requests after the burst at 10/s take ~2.8 s.
      expect(Date.now() - started).toBeGreaterThanOrEqual(2700);
      expect(Date.now() - started).toBeLessThan(4500);
    } finally {
      await client.close();
    }
  });
});
