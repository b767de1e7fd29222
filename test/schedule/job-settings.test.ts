// The scheduled kaspi.scrape job reads its settings through the typed table (issue 16): a bad value is a
// usage error before anything is fetched (MP_KASPI_RATE=abc used to turn the rate limit off,
// MP_KASPI_CONCURRENCY=abc to crash with exit 70), and MP_KASPI_PROXIES is used, a 403 through one proxy
// retried through the next.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspi, KASPI_IDS, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { type FakeProxy, startFakeProxy } from '../../src/fakes/fake-proxy.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

const SUBPROCESS_MS = 180_000;

describe('mp jobs run kaspi.scrape: settings', () => {
  let handle: TestDatabase;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let kaspi: FakeKaspi;
  let proxies: FakeProxy[];
  beforeAll(async () => {
    handle = await createTestDatabase();
    home = mkdtempSync(join(tmpdir(), 'mp-job-settings-'));
    kaspi = await startFakeKaspi();
    proxies = [await startFakeProxy(), await startFakeProxy()];
    env = {
      ...(testEngine === 'postgres' ? { DATABASE_URL: handle.url! } : {}),
      MP_HOME: home,
      MP_SECRET_KEY: 'b'.repeat(64),
      MP_KASPI_URL: kaspi.url,
      MP_KASPI_EXPORT_DIR: join(home, 'export'),
    };
    const track = await runMp(['kaspi', 'track', 'add', KASPI_IDS.single], { env, timeoutMs: SUBPROCESS_MS });
    expect(track.code, track.stderr).toBe(0);
  }, SUBPROCESS_MS);
  afterEach(() => kaspi?.verify());
  afterAll(async () => {
    await kaspi?.stop();
    await Promise.all((proxies ?? []).map((p) => p.stop()));
    await handle?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it(
    'MP_KASPI_RATE=abc and MP_KASPI_CONCURRENCY=abc: exit 2 naming the variable, nothing fetched',
    async () => {
      const rate = await runMp(['jobs', 'run', 'kaspi.scrape'], { env: { ...env, MP_KASPI_RATE: 'abc' }, timeoutMs: SUBPROCESS_MS });
      expect(rate.code, rate.stderr).toBe(2);
      expect(rate.stderr).toContain('MP_KASPI_RATE must be a number from 0 to 1000');
      const concurrency = await runMp(['jobs', 'run', 'kaspi.scrape'], { env: { ...env, MP_KASPI_CONCURRENCY: 'abc' }, timeoutMs: SUBPROCESS_MS });
      expect(concurrency.code, concurrency.stderr).toBe(2);
      expect(concurrency.stderr).toContain('MP_KASPI_CONCURRENCY must be a whole number from 1 to 64');
      const proxy = await runMp(['jobs', 'run', 'kaspi.scrape'], { env: { ...env, MP_KASPI_PROXIES: 'not a proxy' }, timeoutMs: SUBPROCESS_MS });
      expect(proxy.code, proxy.stderr).toBe(2);
      expect(proxy.stderr).toContain('MP_KASPI_PROXIES must be a URL');
      expect(kaspi.server.requests).toHaveLength(0);
    },
    SUBPROCESS_MS * 3,
  );

  it(
    'MP_KASPI_PROXIES: the job reads through the proxies; a 403 through the first is retried through the second',
    async () => {
      const [a, b] = proxies as [FakeProxy, FakeProxy];
      a.mode = 'banned';
      const r = await runMp(['--json', 'jobs', 'run', 'kaspi.scrape'], {
        env: { ...env, MP_KASPI_PROXIES: `${a.url},${b.url}`, MP_KASPI_RATE: '0' },
        timeoutMs: SUBPROCESS_MS,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).summary).toMatchObject({ tracked: 1, scraped: 1, failed: 0 });
      // a was tried and benched; every request reached Kaspi through b.
      expect(a.hits.length).toBeGreaterThan(0);
      expect(b.hits.length).toBeGreaterThan(0);
      expect(kaspi.server.requests.length).toBeGreaterThan(0);
    },
    SUBPROCESS_MS,
  );
});
