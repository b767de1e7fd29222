// Issue 23, defect 6: files others can read, and what a kill -9 leaves behind. MP_HOME is created
// 0700 and a new embedded database's files 0600 (PGlite wrote 0666), looser modes are named in a
// warning at start-up; temporary export files and `running` sync runs of dead processes are cleaned
// up at the next start.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/core/context.js';
import { prepareOutputDir } from '../../src/core/dirs.js';
import { warnLooseFiles } from '../../src/core/file-modes.js';
import { startFakeWb } from '../../src/fakes/fake-wb.js';
import { closeDeadRuns } from '../../src/wb/sync-state.repository.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { addFakeCabinet, memoryLogger, sync, TestClock, wbDeps } from '../wb/helpers.js';

/** The pid of a process that has exited (and so is not alive). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('file modes of MP_HOME', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mp-modes-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.skipIf(testEngine !== 'pglite')('a new home is 0700, its key 0600, its new embedded database 0700/0600 throughout', async () => {
    const home = join(tmp, 'new', 'home');
    const ctx = createContext({ home }, { env: { PATH: process.env.PATH } });
    try {
      await ctx.secretKey();
      const { db } = await ctx.db();
      await db.selectFrom('payouts').select('id').execute();
    } finally {
      await ctx.close();
    }
    expect(mode(home)).toBe(0o700);
    expect(mode(join(home, 'secret.key'))).toBe(0o600);
    expect(mode(join(home, 'db'))).toBe(0o700);
    const loose: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (e.isFile() && mode(path) & 0o077) loose.push(`${path} ${mode(path).toString(8)}`);
      }
    };
    walk(join(home, 'db'));
    expect(loose.slice(0, 5)).toEqual([]);
  });

  it('a home or key others can read is named in a warning at start-up, with the fix', async () => {
    const home = join(tmp, 'loose');
    const key = join(home, 'secret.key');
    const log = memoryLogger();
    const first = createContext({ home }, { env: { PATH: process.env.PATH } });
    await first.secretKey();
    await first.close();
    chmodSync(home, 0o755);
    chmodSync(key, 0o644);
    const loose = warnLooseFiles(home, log);
    expect(loose.map((f) => [f.path, f.mode.toString(8)])).toEqual([
      [home, '755'],
      [key, '644'],
    ]);
    expect(log.lines.join('')).toMatch(/is open to other users \(mode 755\).*chmod -R go-rwx/);
    expect(log.lines.join('')).toMatch(/secret\.key is open to other users \(mode 644\).*chmod 600/);
  });

  it('mp warns about a loose home on stderr and still works', async () => {
    const home = join(tmp, 'loose-cli');
    const env = { MP_HOME: home, MP_SECRET_KEY: '' };
    await runMp(['payouts', 'list'], { env });
    chmodSync(home, 0o755);
    const r = await runMp(['payouts', 'list'], { env });
    expect(r.code).toBe(0);
    if (testEngine === 'pglite') expect(r.stderr).toMatch(/FILE_MODE_LOOSE|open to other users/);
  }, 120_000); // two first starts of mp on a new home: ~15 s each on a loaded 2-core machine
});

describe('start-up housekeeping', () => {
  it('temporary files of dead mp processes are removed from an export folder; a live one’s stay', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-sweep-'));
    try {
      const dead = deadPid();
      const names = [
        `.payouts-20261101T000000Z.csv.${dead}-0a1b2c3d.part`,
        `123456-750000000.json.${dead}.0a1b2c3d.tmp`,
        `kaspi-price-list-30012345.xml.${dead}.tmp`,
        `.live.csv.${process.pid}-0a1b2c3d.part`,
        'notes.2024.tmp',
        'payouts.csv',
      ];
      for (const n of names) writeFileSync(join(dir, n), 'x');
      prepareOutputDir(dir, 'the export folder');
      expect(readdirSync(dir).sort()).toEqual([`.live.csv.${process.pid}-0a1b2c3d.part`, 'notes.2024.tmp', 'payouts.csv'].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mp export removes a part file a killed export left in its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-sweep-cli-'));
    const home = mkdtempSync(join(tmpdir(), 'mp-sweep-home-'));
    try {
      const stale = join(dir, `.payouts-old.csv.${deadPid()}-deadbeef.part`);
      writeFileSync(stale, 'id,amount\n1,');
      const pg = testEngine === 'postgres' ? await createTestDatabase() : undefined;
      try {
        const r = await runMp(['export', 'payouts', '--out', join(dir, 'payouts.csv')], { env: { MP_HOME: home, ...(pg ? { DATABASE_URL: pg.url! } : {}) } });
        expect(r.code, r.stderr).toBe(0);
      } finally {
        await pg?.close();
      }
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(join(dir, 'payouts.csv'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    }
  });

  describe('sync runs of dead processes', () => {
    let h: TestDatabase;
    beforeAll(async () => {
      h = await createTestDatabase();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('are closed as died at the next sync; a live process’s run and a recent one of another host stay running', async () => {
      const wb = await startFakeWb({ orders: 5, sales: 0, products: 2, reviews: 0 });
      try {
        const clock = new TestClock(new Date());
        const deps = wbDeps(h, wb, clock);
        const { cabinet } = await addFakeCabinet(deps, wb.token);
        const now = clock.now();
        const hours = (n: number) => new Date(now.getTime() - n * 3_600_000);
        const insert = (host: string, pid: number, startedAt: Date, stream = 'orders') =>
          h.db
            .insertInto('wb_sync_runs')
            .values({ cabinet_id: cabinet.id, stream, host, pid, started_at: startedAt })
            .returning('id')
            .executeTakeFirstOrThrow()
            .then((r) => r.id);
        const killed = await insert(hostname(), deadPid(), hours(1));
        const parent = await insert(hostname(), process.ppid, hours(1));
        const elsewhereRecent = await insert('another-host', 4242, hours(2));
        const elsewhereOld = await insert('another-host', 4242, hours(30));
        const log = memoryLogger();
        await sync({ ...deps, log }, { only: ['cards'] });
        const status = async (id: string) =>
          (await h.db.selectFrom('wb_sync_runs').select(['status', 'error_code']).where('id', '=', id).executeTakeFirstOrThrow()).status;
        expect(await status(killed)).toBe('died');
        expect(await status(elsewhereOld)).toBe('died');
        expect(await status(parent)).toBe('running');
        expect(await status(elsewhereRecent)).toBe('running');
        expect(log.lines.join('')).toMatch(/2 WB sync run\(s\) of mp processes that ended mid-run are now marked died/);
        expect(await closeDeadRuns(h.db, now)).toBe(0);
        wb.verify();
      } finally {
        await wb.server.stop();
      }
    });
  });
});
