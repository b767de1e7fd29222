// A fresh migrated database per test file: PGlite in-process by default (restored from a template
// migrated once per run by test/global-setup.ts), PostgreSQL when TEST_DATABASE_URL is set (a new
// database per file, dropped afterwards).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { type DbHandle, openMemoryPglite, openPostgres } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export const testEngine: 'pglite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase extends DbHandle {
  /** For PostgreSQL, the URL of this test's own database (for subprocess tests). */
  url?: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const templatePath = safeInject();
    const blob = templatePath ? new Blob([readFileSync(templatePath)]) : undefined;
    const handle = await openMemoryPglite(blob);
    await migrateToLatest(handle.db);
    return handle;
  }
  const name = `mp_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await openPostgres(adminUrl, { poolSize: 1 });
  await sql.raw(`create database ${name}`).execute(admin.db);
  await admin.close();
  const url = withDatabase(adminUrl, name);
  const handle = await openPostgres(url, { poolSize: 10 });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      const again = await openPostgres(adminUrl, { poolSize: 1 });
      try {
        await sql.raw(`drop database if exists ${name} with (force)`).execute(again.db);
      } finally {
        await again.close();
      }
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function safeInject(): string | undefined {
  try {
    return inject('pgliteTemplate' as never) as string | undefined;
  } catch {
    return undefined;
  }
}
