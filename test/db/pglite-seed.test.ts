// The seed a build writes (a fresh PGlite cluster as a tarball) makes a new embedded database
// without initdb; a database that exists is opened as it is, and without a seed initdb still runs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { readSeed, seedPath, writeSeed } from '../../src/db/pglite-seed.js';
import { testEngine } from '../support/db.js';

const dir = mkdtempSync(join(tmpdir(), 'mp-seed-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(testEngine !== 'pglite')('the PGlite seed', () => {
  it('is named after the installed PGlite version and loads as a working cluster', { timeout: 120_000 }, async () => {
    expect(seedPath()).toMatch(/pglite-seed-\d+\.\d+\.\d+\.tar\.gz$/);
    // Written here (not the build's), so the test does not depend on a previous build.
    const path = await writeSeed(join(dir, 'seed.tar.gz'));
    const { PGlite } = await import('@electric-sql/pglite');
    const data = join(dir, 'from-seed');
    const pg = await PGlite.create({ dataDir: data, loadDataDir: new Blob([readFileSync(path)]) });
    expect((await pg.query<{ v: string }>('select current_setting($1) as v', ['server_version_num'])).rows[0]!.v).toMatch(/^\d+$/);
    await pg.exec('create table t (x int); insert into t values (42)');
    await pg.close();
    // On disk: the next open finds the database (no seed needed, nothing lost).
    expect(existsSync(join(data, 'PG_VERSION'))).toBe(true);
    const again = await PGlite.create({ dataDir: data });
    expect((await again.query<{ x: number }>('select x from t')).rows).toEqual([{ x: 42 }]);
    await again.close();
  });

  it('a new mp home is created from the build seed when there is one, and migrated; reopening keeps the data', { timeout: 120_000 }, async () => {
    const home = join(dir, 'home-db');
    const handle = await openPglite(home, 10_000);
    try {
      await migrateToLatest(handle.db);
      await sql`insert into kaspi_tracked (kaspi_id, city_id) values ('1', '750000000')`.execute(handle.db);
      const { rows } = await sql<{ v: string }>`select current_setting('shared_buffers') as v`.execute(handle.db);
      expect(rows[0]!.v).toBe('32MB');
      // Made from the build's seed when there is one: the same cluster (system identifier).
      const seed = readSeed();
      if (seed) {
        const { PGlite } = await import('@electric-sql/pglite');
        const mem = await PGlite.create({ loadDataDir: seed });
        const seedId = (await mem.query<{ id: string }>('select system_identifier::text as id from pg_control_system()')).rows[0]!.id;
        await mem.close();
        const homeId = (await sql<{ id: string }>`select system_identifier::text as id from pg_control_system()`.execute(handle.db)).rows[0]!.id;
        expect(homeId).toBe(seedId);
      }
    } finally {
      await handle.close();
    }
    const reopened = await openPglite(home, 10_000);
    try {
      const { rows } = await sql<{ n: string }>`select count(*)::text as n from kaspi_tracked`.execute(reopened.db);
      expect(rows[0]!.n).toBe('1');
    } finally {
      await reopened.close();
    }
  });
});
