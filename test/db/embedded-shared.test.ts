// The embedded database (no DATABASE_URL) serves many mp processes at once through its owner
// process: the daemon with the Telegram bot runs while terminal commands run at the same moment;
// kill -9 of the owner loses no committed row and the next command starts a new owner by itself.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { type DbHandle, openDatabase } from '../../src/db/connect.js';
import { type FakeKaspi, KASPI_IDS, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { type FakeTelegram, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { runMp, startMp, waitFor } from '../support/cli.js';
import { testEngine } from '../support/db.js';

describe.skipIf(testEngine !== 'pglite')('the embedded database shared by many mp processes', () => {
  let home: string;
  let kaspi: FakeKaspi;
  let tg: FakeTelegram;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mp-embedded-shared-'));
    kaspi = await startFakeKaspi();
    tg = await startFakeTelegram();
    env = {
      MP_HOME: home,
      MP_KASPI_URL: kaspi.url,
      MP_TELEGRAM_URL: tg.url,
      MP_TELEGRAM_BOT_TOKEN: tg.token,
      MP_SECRET_KEY: 'cd'.repeat(32),
      MP_SCHEDULE_WB_NOTIFY: '*/1 * * * * *',
    };
  });
  afterEach(() => {
    kaspi?.verify();
    tg?.verify();
  });
  afterAll(async () => {
    await kaspi?.stop();
    await tg?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  /** What is committed, read by this test process as one more client of the owner. */
  async function committed(): Promise<{ jobRuns: number; products: string[]; tracked: string[]; chats: string[]; owner: number }> {
    const handle: DbHandle = await openDatabase(resolveConfig({ home }, env));
    try {
      const count = await sql<{ n: number }>`select count(*)::int as n from job_runs where job = 'wb.notify' and status = 'succeeded'`.execute(handle.db);
      const products = await sql<{ id: string }>`select kaspi_id as id from kaspi_products order by 1`.execute(handle.db);
      const tracked = await sql<{ id: string }>`select kaspi_id as id from kaspi_tracked order by 1`.execute(handle.db);
      const chats = await sql<{ id: string }>`select chat_id as id from notify_bot_chats order by 1`.execute(handle.db);
      return {
        jobRuns: count.rows[0]!.n,
        products: products.rows.map((r) => r.id),
        tracked: tracked.rows.map((r) => r.id),
        chats: chats.rows.map((r) => r.id),
        owner: (await handle.owner!()).pid,
      };
    } finally {
      await handle.close();
    }
  }

  it('runs the daemon with the bot while track add, scrape and history list run at once; survives kill -9 of the owner', async () => {
    const daemon = startMp(['daemon', '--jobs', 'wb.notify'], env);
    try {
      await waitFor(
        'the bot and a job run',
        () => daemon.stderr().includes('"event":"bot.started"') && daemon.stderr().includes('"event":"job.succeeded"'),
        60_000,
      );
      // The bot (inside the daemon) answers a user...
      tg.userSends('4242', '/start');
      await waitFor('the bot to answer', () => tg.sentTo('4242').length > 0, 30_000);
      // ...while three commands run at the same moment.
      const [add, scrape, list] = await Promise.all([
        runMp(['kaspi', 'track', 'add', KASPI_IDS.description, '--json'], { env }),
        runMp(['kaspi', 'scrape', KASPI_IDS.single, '--json', '--export-dir', join(home, 'out')], { env }),
        runMp(['history', 'list', '--json'], { env }),
      ]);
      expect(add.code, add.stderr).toBe(0);
      expect(scrape.code, scrape.stderr).toBe(0);
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(add.stdout).added).toHaveLength(1);
      expect(JSON.parse(scrape.stdout)).toMatchObject({ id: KASPI_IDS.single, ok: true });

      const before = await committed();
      expect(before.tracked).toContain(KASPI_IDS.description);
      expect(before.products).toContain(KASPI_IDS.single);
      expect(before.chats).toContain('4242');
      expect(before.jobRuns).toBeGreaterThan(0);

      // kill -9 of the process that serves the database, while the daemon keeps writing.
      process.kill(before.owner, 'SIGKILL');
      const next = await runMp(['history', 'list', '--json'], { env });
      expect(next.code, next.stderr).toBe(0);
      expect(JSON.parse(next.stdout).map((p: { kaspi_id: string }) => p.kaspi_id)).toContain(KASPI_IDS.single);
      const after = await committed();
      expect(after.owner).not.toBe(before.owner);
      expect(after.tracked).toEqual(before.tracked);
      expect(after.products).toEqual(before.products);
      expect(after.chats).toEqual(before.chats);
      expect(after.jobRuns).toBeGreaterThanOrEqual(before.jobRuns);
      // The daemon carries on with the new owner: the bot answers again and more runs succeed.
      tg.userSends('4243', '/start');
      await waitFor('the bot to answer after the kill', () => tg.sentTo('4243').length > 0, 30_000);
      const seen = after.jobRuns;
      await waitFor('a job run after the kill', () => (daemon.stderr().match(/"event":"job.succeeded"/g) ?? []).length > seen + 1, 30_000);
      expect((await committed()).jobRuns).toBeGreaterThan(seen);
    } finally {
      daemon.child.kill('SIGTERM');
    }
    expect(await daemon.exit).toBe(0);
    // The only errors: what was in flight when the owner was killed (a job or the bot lost its connection).
    const errors = daemon
      .stderr()
      .split('\n')
      .filter((l) => l.includes('"level":"error"'));
    for (const line of errors) expect(line).toMatch(/ECONNRESET|EPIPE|Connection terminated|not queryable|connection error/);
  }, 240_000);

  it('several commands on a new home at once: one owner, each migration applied once', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'mp-embedded-new-'));
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => runMp(['db', 'migrate', '--json'], { env: { MP_HOME: fresh } })));
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      const applied = results.flatMap((r) => JSON.parse(r.stdout).applied as string[]);
      expect(new Set(applied).size).toBe(applied.length);
      expect(applied).toContain('0001_foundation');
      const status = JSON.parse((await runMp(['db', 'status', '--json'], { env: { MP_HOME: fresh } })).stdout);
      expect(status.pending).toEqual([]);
      expect(status.applied).toHaveLength(applied.length);
      expect(status.servedBy.pid).toBeGreaterThan(0);
      // The owner's files are this user's alone: the data directory, what PGlite wrote, the socket.
      const mode = (path: string) => statSync(join(fresh, path)).mode & 0o777;
      expect([mode('db'), mode('db/PG_VERSION'), mode('db/base'), mode('db.run'), mode('db.run/.s.PGSQL.5432')]).toEqual([0o700, 0o600, 0o700, 0o700, 0o600]);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 120_000);
});
