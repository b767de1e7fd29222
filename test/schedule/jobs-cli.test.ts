// `mp jobs run` and `mp daemon` as subprocesses, the way cron and systemd start them, with the test
// jobs of test/support/test-jobs.ts (MP_EXTRA_JOBS).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KASPI_IDS, readKaspiFixture, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { trackProducts } from '../../src/kaspi/tracked.service.js';
import { runMp, startMp, waitFor } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const testJobs = join(root, 'dist/test/support/test-jobs.js');

const markersIn = (dir: string, prefix: string) => readdirSync(dir).filter((f) => f.startsWith(prefix));

describe('mp jobs run / mp daemon as subprocesses', () => {
  let handle: TestDatabase;
  let home: string;
  let markers: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    handle = await createTestDatabase();
    home = mkdtempSync(join(tmpdir(), 'mp-jobs-home-'));
    markers = mkdtempSync(join(tmpdir(), 'mp-jobs-markers-'));
    env = { MP_HOME: home, MP_EXTRA_JOBS: testJobs, MP_TEST_JOB_MARKERS: markers, ...(handle.url ? { DATABASE_URL: handle.url } : {}) };
  });
  afterAll(async () => {
    await handle?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(markers, { recursive: true, force: true });
  });

  /** job_runs rows of a job, oldest first, read the way a user would (mp jobs status needs the DB free). */
  async function runsOf(job: string): Promise<{ status: string; error: string | null }[]> {
    if (handle.url) return handle.db.selectFrom('job_runs').select(['status', 'error']).where('job', '=', job).orderBy('id').execute();
    const { createContext } = await import('../../src/core/context.js');
    const ctx = createContext({ home });
    try {
      const { db } = await ctx.db();
      return await db.selectFrom('job_runs').select(['status', 'error']).where('job', '=', job).orderBy('id').execute();
    } finally {
      await ctx.close();
    }
  }

  it('rejects unknown jobs, scopes a job does not have and bad shards with exit 2 before opening the database', async () => {
    const noDb = { ...env, MP_HOME: join(home, 'not-created'), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const unknown = await runMp(['jobs', 'run', 'kaspi.scrap'], { env: noDb });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown job \\"kaspi.scrap\\"');
    expect(unknown.stderr).toMatch(/known jobs: .*kaspi\.scrape.*wb\.sync/);
    const scope = await runMp(['jobs', 'run', 'kaspi.scrape', '--store', 'main'], { env: noDb });
    expect(scope.code).toBe(2);
    expect(scope.stderr).toContain('kaspi.scrape does not run per store');
    const shard = await runMp(['jobs', 'run', 'kaspi.scrape', '--shard', '2/2'], { env: noDb });
    expect(shard.code).toBe(2);
    expect(shard.stderr).toContain('--shard must be i/n');
    const schedule = await runMp(['daemon'], { env: { ...noDb, MP_SCHEDULE_WB_SYNC: '*/5 * *' } });
    expect(schedule.code).toBe(2);
    expect(schedule.stderr).toContain('MP_SCHEDULE_WB_SYNC must be a cron expression');
    expect(existsSync(join(home, 'not-created'))).toBe(false);
  });

  // Four subprocesses (one opens the embedded database): more than the default 30 s on a loaded machine.
  it('a bad MP_SCHEDULE_<JOB> or schedule.<job> is exit 2 with one stderr line naming where it came from (the settings table)', {
    timeout: 180_000,
  }, async () => {
    const noDb = { ...env, MP_HOME: join(home, 'not-created'), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    for (const [args, where] of [
      [['daemon'], noDb],
      [['jobs', 'status'], env],
    ] as const) {
      const r = await runMp([...args], { env: { ...where, MP_SCHEDULE_KASPI_SCRAPE: '61 * * * *' } });
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain('MP_SCHEDULE_KASPI_SCRAPE must be a cron expression like */15 * * * * (five fields), continuous or off, got \\"61 * * * *\\"');
    }
    // From the config file the message names the key and the file, not a variable nobody set; a
    // number there was silently ignored before (the job ran on its default).
    const file = join(markers, 'bad-schedule.json');
    for (const value of ['61 * * * *', 5]) {
      writeFileSync(file, JSON.stringify({ schedule: { kaspi: { scrape: value } } }));
      const r = await runMp(['daemon'], { env: { ...noDb, MP_CONFIG: file } });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`schedule.kaspi.scrape in ${file} must be a cron expression`);
      expect(r.stderr).not.toContain('MP_SCHEDULE_KASPI_SCRAPE');
    }
    expect(existsSync(join(home, 'not-created'))).toBe(false);
  });

  it.skipIf(testEngine !== 'postgres')(
    'two `mp jobs run` started together: one runs, the other skips with a notice',
    async () => {
      const [a, b] = await Promise.all([
        runMp(['jobs', 'run', 'test.sleep', '--json'], { env: { ...env, MP_TEST_JOB_MS: '3000' } }),
        runMp(['jobs', 'run', 'test.sleep', '--json'], { env: { ...env, MP_TEST_JOB_MS: '3000' } }),
      ]);
      expect([a.code, b.code]).toEqual([0, 0]);
      const statuses = [JSON.parse(a.stdout).status, JSON.parse(b.stdout).status].sort();
      expect(statuses).toEqual(['skipped', 'succeeded']);
      expect(a.stderr + b.stderr).toContain('test.sleep is already running elsewhere: skipped');
      expect((await runsOf('test.sleep')).map((r) => r.status).sort()).toEqual(['skipped', 'succeeded']);
      await handle.db.deleteFrom('job_runs').execute();
    },
    60_000,
  );

  it.skipIf(testEngine !== 'postgres')(
    'two `mp jobs run kaspi.scrape` started together: one scrapes, the other skips',
    async () => {
      const kaspi = await startFakeKaspi();
      try {
        await trackProducts(handle.db, [KASPI_IDS.single], undefined, new Date());
        // The page answers after 4 s, so the first run still holds the lock when the second starts.
        const page = readKaspiFixture('product-single-seller.html');
        kaspi.fault('/shop/p/:slug', { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page, delayMs: 4000, times: 1 }, 'GET');
        const scrapeEnv = { ...env, MP_KASPI_URL: kaspi.url };
        const [a, b] = await Promise.all([
          runMp(['jobs', 'run', 'kaspi.scrape', '--json'], { env: scrapeEnv }),
          runMp(['jobs', 'run', 'kaspi.scrape', '--json'], { env: scrapeEnv }),
        ]);
        expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
        const outcomes = [JSON.parse(a.stdout), JSON.parse(b.stdout)].sort((x, y) => x.status.localeCompare(y.status));
        expect(outcomes.map((o) => o.status)).toEqual(['skipped', 'succeeded']);
        expect(outcomes[1].summary).toMatchObject({ tracked: 1, scraped: 1, failed: 0 });
        expect(kaspi.server.requestsTo('/shop/p/:slug')).toHaveLength(1);
        expect(a.stderr + b.stderr).toContain('kaspi.scrape is already running elsewhere: skipped');
        expect((await runsOf('kaspi.scrape')).map((r) => r.status).sort()).toEqual(['skipped', 'succeeded']);
        kaspi.verify();
      } finally {
        await kaspi.stop();
      }
    },
    60_000,
  );

  it("releases a killed job's lock: the next run proceeds", async () => {
    const killed = startMp(['jobs', 'run', 'test.sleep'], { ...env, MP_TEST_JOB_MS: '120000' });
    await waitFor('the job to start', () => markersIn(markers, `started-${killed.child.pid}-`).length > 0, 45_000);
    killed.child.kill('SIGKILL');
    await killed.exit;
    const next = await runMp(['jobs', 'run', 'test.sleep', '--json'], { env: { ...env, MP_TEST_JOB_MS: '100' } });
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ job: 'test.sleep', status: 'succeeded', summary: { slept: 100 } });
    // The killed run stays `running` in job_runs (nobody was left to finish it); the next one succeeded.
    expect((await runsOf('test.sleep')).map((r) => r.status)).toEqual(['running', 'succeeded']);
  }, 90_000);

  it('mp jobs status shows a killed run as died', async () => {
    const killed = startMp(['jobs', 'run', 'test.sleep'], { ...env, MP_TEST_JOB_MS: '120000' });
    await waitFor('the job to start', () => markersIn(markers, `started-${killed.child.pid}-`).length > 0, 45_000);
    killed.child.kill('SIGKILL');
    await killed.exit;
    const status = await runMp(['jobs', 'status'], { env });
    expect(status.code).toBe(0);
    const line = status.stdout.split('\n').find((l) => l.startsWith('test.sleep\t'));
    expect(line?.split('\t')[3]).toBe('died');
    const json = JSON.parse((await runMp(['jobs', 'status', '--json'], { env })).stdout) as { job: string; lastRunDied: boolean; lastRun: { pid: number } }[];
    expect(json.find((j) => j.job === 'test.sleep')).toMatchObject({ lastRunDied: true, lastRun: { pid: killed.child.pid } });
  }, 90_000);

  it('the daemon runs a job on its schedule, and on SIGTERM waits for the job in flight, then exits 0', async () => {
    const daemon = startMp(['daemon', '--jobs', 'test.sleep,test.fail'], {
      ...env,
      MP_TEST_JOB_MS: '1500',
      MP_SCHEDULE_TEST_SLEEP: '*/1 * * * * *',
      MP_SCHEDULE_TEST_FAIL: '*/1 * * * * *',
    });
    const pid = daemon.child.pid!;
    // One complete run, then a second one in flight.
    await waitFor('a finished run', () => markersIn(markers, `finished-${pid}-`).length >= 1, 45_000);
    await waitFor('a run in flight', () => markersIn(markers, `started-${pid}-`).length > markersIn(markers, `finished-${pid}-`).length, 10_000);
    const inFlight = markersIn(markers, `started-${pid}-`).length;
    daemon.child.kill('SIGTERM');
    expect(await daemon.exit).toBe(0);
    expect(existsSync(join(markers, `finished-${pid}-${inFlight}`))).toBe(true);
    expect(markersIn(markers, `started-${pid}-`)).toHaveLength(inFlight);
    const log = daemon
      .stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event?: string; job?: string });
    const events = log.map((l) => l.event);
    expect(events).toContain('daemon.started');
    expect(events).toContain('daemon.draining');
    expect(events.at(-1)).toBe('daemon.stopped');
    // The failing job kept failing on schedule without stopping the daemon or the other job.
    expect(log.filter((l) => l.event === 'job.failed' && l.job === 'test.fail').length).toBeGreaterThanOrEqual(1);
    const runs = await runsOf('test.sleep');
    expect(runs.filter((r) => r.status === 'succeeded').length).toBeGreaterThanOrEqual(inFlight);
    expect((await runsOf('test.fail')).every((r) => r.status === 'failed' && r.error === 'TEST_FAILED: the test job failed on purpose')).toBe(true);
  }, 90_000);

  it('other commands work while the daemon runs; a second SIGTERM exits at once without waiting for the job', async () => {
    const daemon = startMp(['daemon', '--jobs', 'test.sleep'], { ...env, MP_TEST_JOB_MS: '60000', MP_SCHEDULE_TEST_SLEEP: '*/1 * * * * *' });
    const pid = daemon.child.pid!;
    await waitFor('a run in flight', () => markersIn(markers, `started-${pid}-`).length > 0, 45_000);
    // Beside the daemon (on the embedded database too): its run shows as running, since the daemon
    // holds the job's lock (the embedded database's owner keeps locks per connection).
    const other = await runMp(['jobs', 'status', '--json'], { env });
    expect(other.code, other.stderr).toBe(0);
    const status = (JSON.parse(other.stdout) as { job: string; lastRunDied: boolean; lastRun: { pid: number; status: string } }[]).find(
      (j) => j.job === 'test.sleep',
    );
    expect(status).toMatchObject({ lastRunDied: false, lastRun: { pid, status: 'running' } });
    daemon.child.kill('SIGTERM');
    await waitFor('the first signal to be handled', () => daemon.stderr().includes('daemon.draining'));
    const t0 = Date.now();
    daemon.child.kill('SIGTERM');
    expect(await daemon.exit).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(markersIn(markers, `finished-${pid}-`)).toHaveLength(0);
  }, 90_000);
});
