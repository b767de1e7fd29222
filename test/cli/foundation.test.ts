import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/connect.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

// Each test starts mp processes; a fresh embedded database migrates on first use (slow on a loaded machine).
describe('mp as a subprocess', { timeout: 180_000 }, () => {
  let handle: TestDatabase;
  let home: string;
  beforeAll(async () => {
    handle = await createTestDatabase();
    home = mkdtempSync(join(tmpdir(), 'mp-home-'));
  });
  afterAll(async () => {
    await handle?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('prints help quickly and exits 0', async () => {
    const r = await runMp(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: mp');
    expect(r.stdout).toContain('db');
  });

  it('prints its own package version, not that of the npm project it is run from', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const r = await runMp(['--version'], { env: { npm_package_version: '9.9.9' } });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 on an unknown command and suggests one', async () => {
    const r = await runMp(['nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'nosuch'");
    expect(r.stderr).toMatch(/Did you mean .*`mp db`/);
    const typo = await runMp(['db', 'statsu']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean status?');
  });

  it('reports an unreachable PostgreSQL in one line, exit 1, no stack trace', async () => {
    const r = await runMp(['db', 'status'], { env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5999/x' } });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('cannot connect to PostgreSQL at 127.0.0.1:5999: connection refused');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    const verbose = await runMp(['db', 'status', '--verbose'], { env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5999/x' } });
    expect(verbose.stderr).toMatch(/ECONNREFUSED|at /);
  });

  it('waits for an embedded database opened inside another process, then names that process', async () => {
    const lockHome = mkdtempSync(join(tmpdir(), 'mp-lock-'));
    // PGlite opened in this test runner (as a benchmark or a tool does): it owns the database and serves nobody.
    const held = await openPglite(join(lockHome, 'db'), 10_000);
    try {
      const started = Date.now();
      const r = await runMp(['db', 'status', '--lock-timeout', '1s'], { env: { MP_HOME: lockHome } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`mp process ${process.pid}`);
    } finally {
      await held.close();
      rmSync(lockHome, { recursive: true, force: true });
    }
  }, 60_000);

  it('prints db status as JSON naming the engine and the applied migrations', async () => {
    const env = testEngine === 'postgres' ? { DATABASE_URL: handle.url! } : { MP_HOME: home };
    const r = await runMp(['db', 'status', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status.engine).toBe(testEngine);
    expect(status.applied.map((m: { name: string }) => m.name)).toContain('0001_foundation');
    expect(status.pending).toEqual([]);
    const migrate = await runMp(['db', 'migrate', '--json'], { env });
    expect(migrate.code).toBe(0);
    expect(JSON.parse(migrate.stdout).applied).toEqual([]);
  });
});
