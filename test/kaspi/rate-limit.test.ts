// The configured rate limit holds at the server: with 4 requests/s and a burst of 4, no stretch of
// time sees more than 4 + 4/s × its length (a 1 s window 8, a 2 s window 12), with products in flight.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type FakeKaspi, KASPI_IDS, REAL_PAGE_IDS, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { createKaspiClient, KASPI_DEFAULT_RATE } from '../../src/kaspi/kaspi.client.js';
import { scrapeProducts } from '../../src/kaspi/scrape.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let handle: TestDatabase;
let kaspi: FakeKaspi;

beforeAll(async () => {
  handle = await createTestDatabase();
  kaspi = await startFakeKaspi();
});
afterEach(() => kaspi?.verify());
afterAll(async () => {
  await kaspi?.stop();
  await handle?.close();
});

it('never exceeds the default 4 requests/s (burst 4) measured at the fake server', async () => {
  const client = createKaspiClient(kaspi.url);
  const ids = [KASPI_IDS.phone, KASPI_IDS.single, KASPI_IDS.description, KASPI_IDS.none, KASPI_IDS.jsonld, REAL_PAGE_IDS[0]!];
  const targets = ids.map((id) => ({ input: id, id, city: '750000000' }));
  // How long this process's event loop stalled (the fake server stamps arrivals on it).
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const started = Date.now();
  try {
    const results = await scrapeProducts({ db: handle.db, client, baseUrl: kaspi.url, now: () => new Date() }, targets, { concurrency: 4 });
    expect(results.every((r) => r.ok)).toBe(true);
  } finally {
    stalls.disable();
    await client.close();
  }
  const times = kaspi.server.requests.map((r) => r.at).sort((a, b) => a - b);
  // Page + offer pages each (phone 1 + 3, the others 1 + 1); the reviews API only for the JSON-LD-only
  // page, the one whose page shows no rating.
  expect(times.length).toBe(15);
  const { perSecond, burst } = KASPI_DEFAULT_RATE;
  // The token bucket as the server sees it: from any request to any later one, at most burst +
  // perSecond × the time between them arrived. Arrivals are stamped late by the first connections'
  // set-up (the burst opens four at once; later requests reuse them) and by event-loop stalls (the
  // server runs in this process beside the embedded database): 8 in 527 ms from the first request,
  // and 6 in 263 ms, were seen at load averages of 18-30 with a sound limiter. So the time between
  // is counted longer by the larger of the first request's latency and the worst stall (at least
  // 100 ms, at most 1 s), which still catches a limiter that lets everything through (15 at once
  // where at most 8 are allowed) or twice the rate (20 in 2 s where at most 16 are).
  const jitterMs = Math.min(1000, Math.max(100, stalls.max / 1e6, times[0]! - started));
  for (let i = 0; i < times.length; i++)
    for (let j = i + 1; j < times.length; j++) {
      const allowed = burst + (perSecond * (times[j]! - times[i]! + jitterMs)) / 1000;
      expect(j - i + 1, `requests ${i}..${j} within ${times[j]! - times[i]!} ms`).toBeLessThanOrEqual(allowed);
    }
  // And it is a limit, not a stall: 15 requests take about (15 - 4) / 4 = 2.75 s on an idle machine
  // (5.8 s seen for 14 with a load average of 22 on 2 cores); a limiter that let through 1 request/s
  // instead of 4 would need (15 - 4) / 1 = 11 s.
  expect(times.at(-1)! - times[0]!).toBeLessThan(9_000);
});
