import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/connect.js';
import { migrateToLatest, migrationStatus } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

describe('migrations', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('leaves nothing pending and re-running applies nothing', async () => {
    const status = await migrationStatus(handle.db);
    expect(status.pending).toEqual([]);
    expect(status.applied.map((m) => m.name)).toContain('0001_foundation');
    expect(await migrateToLatest(handle.db)).toEqual([]);
  });

  it('records this installation', async () => {
    const row = await handle.db.selectFrom('app_meta').select('value').where('key', '=', 'installation_id').executeTakeFirstOrThrow();
    expect(row.value).toMatch(/^[0-9a-f]{32}$/);
  });

  it.skipIf(testEngine !== 'postgres')('applies each migration once when several processes migrate at once', async () => {
    // A fresh empty database, migrated by four connection pools at once.
    const name = `${new URL(handle.url!).pathname.slice(1)}_c`;
    await sql.raw(`create database ${name}`).execute(handle.db);
    const url = new URL(handle.url!);
    url.pathname = `/${name}`;
    const pools = await Promise.all([1, 2, 3, 4].map(() => openPostgres(url.toString(), { poolSize: 2 })));
    try {
      const results = await Promise.all(pools.map((p) => migrateToLatest(p.db)));
      const all = results.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(all).toContain('0001_foundation');
      const { rows } = await sql<{ n: string }>`select count(*) as n from kysely_migration`.execute(pools[0]!.db);
      expect(Number(rows[0]!.n)).toBe(all.length);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
      await sql.raw(`drop database if exists ${name} with (force)`).execute(handle.db);
    }
  });
});
