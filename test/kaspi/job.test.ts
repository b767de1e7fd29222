// Running many products: what the run keeps (onResult's summaries), stopping on shutdown between
// products, no new product after a fatal error, and the scheduled kaspi.scrape job writing the same
// export files as `mp kaspi scrape` (both databases).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspi, KASPI_IDS, SHORT_OFFERS_ID, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import type { HttpClient } from '../../src/http/client.js';
import { createKaspiClient } from '../../src/kaspi/kaspi.client.js';
import { type ScrapeDeps, scrapeProducts } from '../../src/kaspi/scrape.service.js';
import { summarize } from '../../src/kaspi/scrape-summary.js';
import { trackProducts, untrackProducts } from '../../src/kaspi/tracked.service.js';
import { findJob } from '../../src/schedule/registry.js';
import { runJob } from '../../src/schedule/run-job.js';
import { testContext } from '../schedule/helpers.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const ALMATY = '750000000';
let handle: TestDatabase;
let kaspi: FakeKaspi;
let client: HttpClient;
let deps: ScrapeDeps;
let dir: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  kaspi = await startFakeKaspi();
  client = createKaspiClient(kaspi.url, { rateLimit: null, retries: 1 });
  deps = { db: handle.db, client, baseUrl: kaspi.url, now: () => new Date() };
  dir = mkdtempSync(join(tmpdir(), 'mp-kaspi-job-'));
});
afterEach(() => kaspi?.verify());
afterAll(async () => {
  await client?.close();
  await kaspi?.stop();
  await handle?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ids = [KASPI_IDS.single, KASPI_IDS.none, KASPI_IDS.description, KASPI_IDS.jsonld];
const targets = ids.map((id) => ({ input: id, id, city: ALMATY }));
const pagesSince = (before: number) => kaspi.server.requestsTo('/shop/p/:slug').length - before;

describe('scrapeProducts over many products', () => {
  it('keeps what onResult returns (a summary, not the offers), in input order', async () => {
    const rows = await scrapeProducts(deps, targets, { concurrency: 3, onResult: summarize });
    expect(rows.map((r) => [r.id, r.ok])).toEqual(ids.map((id) => [id, true]));
    expect(rows[0]).toMatchObject({ minPrice: '34990', sellers: 1 });
    expect(rows[0]).not.toHaveProperty('offers');
  });

  // Products read are stored in batches while the next one is read (write-behind), so with
  // concurrency 1 the second product is already being read when the first one's onResult runs. Its
  // page is held until then, so it is in flight, not done, at that moment. Whether its request has
  // reached the fake server by then is up to the scheduler (on a loaded machine it may not have), so
  // the count at that moment is 1 or 2; what must hold every time is the end state: the second
  // product finishes and no third one starts.
  const holdSecondPage = (until: Promise<void>) => kaspi.server.before(`/shop/p/-${ids[1]}/`, () => until);

  it('once the signal aborts, products not started yet are skipped and those in flight finish', async () => {
    const before = kaspi.server.requestsTo('/shop/p/:slug').length;
    const stop = new AbortController();
    let aborted = () => {};
    holdSecondPage(new Promise<void>((resolve) => (aborted = resolve)));
    let pagesAtAbort = -1;
    const rows = await scrapeProducts(deps, targets, {
      concurrency: 1,
      signal: stop.signal,
      onResult(r) {
        if (!stop.signal.aborted) {
          stop.abort();
          pagesAtAbort = pagesSince(before);
          aborted();
        }
        return r.target.id;
      },
    }).finally(() => aborted());
    // The first product finished, the second was in flight (its page asked for) and finished too,
    // and no product started after the abort.
    expect(pagesAtAbort).toBeGreaterThanOrEqual(1);
    expect(pagesAtAbort).toBeLessThanOrEqual(2);
    expect(rows).toEqual([ids[0], ids[1]]);
    expect(pagesSince(before)).toBe(2);
  });

  it('an error thrown while handling a product rejects the run and starts no further product', async () => {
    const before = kaspi.server.requestsTo('/shop/p/:slug').length;
    let failed = () => {};
    holdSecondPage(new Promise<void>((resolve) => (failed = resolve)));
    let pagesAtError = -1;
    const run = scrapeProducts(deps, targets, {
      concurrency: 1,
      onResult() {
        if (pagesAtError < 0) pagesAtError = pagesSince(before);
        failed();
        throw new Error('disk full');
      },
    }).finally(() => failed());
    await expect(run).rejects.toThrow('disk full');
    // Let the product in flight at the error (the second) reach the server and finish, then check
    // nothing else started.
    for (let waited = 0; pagesSince(before) < 2 && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pagesAtError).toBeGreaterThanOrEqual(1);
    expect(pagesAtError).toBeLessThanOrEqual(2);
    expect(pagesSince(before)).toBe(2);
  });
});

describe('the scheduled kaspi.scrape job', () => {
  it('writes <id>-<city>.json per product and products.json under MP_KASPI_EXPORT_DIR', async () => {
    await trackProducts(handle.db, ids, undefined, new Date());
    const exportDir = join(dir, 'export');
    const ctx = testContext(handle, { MP_KASPI_URL: kaspi.url, MP_KASPI_RATE: '0', MP_KASPI_EXPORT_DIR: exportDir });
    const job = (await findJob('kaspi.scrape'))!;
    const [outcome] = await runJob(ctx, job);
    expect(outcome).toMatchObject({ status: 'succeeded', summary: { tracked: ids.length, scraped: ids.length, failed: 0, not_started: 0 } });
    const files = readdirSync(join(exportDir, 'kaspi')).sort();
    expect(files).toEqual([...ids.map((id) => `${id}-${ALMATY}.json`), 'products.json'].sort());
    const single = JSON.parse(readFileSync(join(exportDir, 'kaspi', `${KASPI_IDS.single}-${ALMATY}.json`), 'utf8'));
    expect(single).toMatchObject({ id: KASPI_IDS.single, min_price: '34990', offers: [expect.objectContaining({ price: '34990' })] });
    const all = JSON.parse(readFileSync(join(exportDir, 'kaspi', 'products.json'), 'utf8')) as { id: string }[];
    expect(all.map((p) => p.id).sort()).toEqual([...ids].sort());
    // No temporary file is left behind.
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('without the setting, the files go under mp home', async () => {
    const ctx = testContext(handle, { MP_KASPI_URL: kaspi.url, MP_KASPI_RATE: '0' });
    const [outcome] = await runJob(ctx, (await findJob('kaspi.scrape'))!);
    expect(outcome!.status).toBe('succeeded');
    expect(existsSync(join(ctx.config.home, 'export', 'kaspi', 'products.json'))).toBe(true);
    rmSync(ctx.config.home, { recursive: true, force: true });
  });

  it('on shutdown the products not started are left for the next run', async () => {
    const ctx = testContext(handle, { MP_KASPI_URL: kaspi.url, MP_KASPI_RATE: '0', MP_KASPI_CONCURRENCY: '1', MP_KASPI_EXPORT_DIR: join(dir, 'stop') });
    const stop = new AbortController();
    stop.abort();
    const before = kaspi.server.requestsTo('/shop/p/:slug').length;
    const [outcome] = await runJob(ctx, (await findJob('kaspi.scrape'))!, { signal: stop.signal });
    // Not a success: the run is recorded as failed (incomplete) with its summary and the reason.
    expect(outcome).toMatchObject({ status: 'failed', summary: { tracked: ids.length, scraped: 0, not_started: ids.length } });
    expect(String((outcome!.error as Error).message)).toMatch(new RegExp(`stopped by shutdown: ${ids.length} of ${ids.length} product`));
    const run = await handle.db.selectFrom('job_runs').select(['status', 'error']).where('id', '=', outcome!.runId!).executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^JOB_INCOMPLETE: stopped by shutdown/);
    expect(pagesSince(before)).toBe(0);
  });

  it('a product stored incomplete (Kaspi gave 4 of its 20 offers) makes the run incomplete, never a clean success', async () => {
    await trackProducts(handle.db, [SHORT_OFFERS_ID], undefined, new Date());
    try {
      const ctx = testContext(handle, { MP_KASPI_URL: kaspi.url, MP_KASPI_RATE: '0', MP_KASPI_EXPORT_DIR: join(dir, 'partial') });
      const [outcome] = await runJob(ctx, (await findJob('kaspi.scrape'))!);
      const all = ids.length + 1;
      expect(outcome).toMatchObject({
        status: 'failed',
        summary: { tracked: all, scraped: all, incomplete: 1, failed: 0, incomplete_products: [`${SHORT_OFFERS_ID}: KASPI_OFFERS_INCOMPLETE`] },
      });
      expect(String((outcome!.error as Error).message)).toMatch(new RegExp(`1 of ${all} product\\(s\\) incomplete`));
      const run = await handle.db.selectFrom('job_runs').select(['status', 'error']).where('id', '=', outcome!.runId!).executeTakeFirstOrThrow();
      expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/^JOB_INCOMPLETE: 1 of \d+ product\(s\) incomplete/) });
    } finally {
      await untrackProducts(handle.db, [SHORT_OFFERS_ID], undefined);
    }
  });
});
