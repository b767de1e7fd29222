// A fresh migrated database per test file: PGlite in-process by default (restored from a template
// migrated once per run by test/global-setup.ts), PostgreSQL when TEST_DATABASE_URL is set (a new
// database per file, dropped afterwards).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { inject } from 'vitest';
import { type DbHandle, openMemoryPglite, openPostgres } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';

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

/** A transaction kept open after `write` has run: for tests of what others see (or wait for) meanwhile. */
export interface HeldTransaction {
  /** Settles once `write` has run inside the open transaction. */
  written: Promise<void>;
  /** Lets the transaction commit. */
  release: () => void;
  /** Settles once it has committed (rejects if `write` failed). */
  done: Promise<void>;
}

/** Runs `write` in a transaction of `db` and holds the transaction open until `release()`. */
export function holdTransaction(db: Kysely<Database>, write: (trx: Kysely<Database>) => Promise<unknown>): HeldTransaction {
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  let wrote!: () => void;
  const written = new Promise<void>((r) => {
    wrote = r;
  });
  const done = db.transaction().execute(async (trx) => {
    await write(trx);
    wrote();
    await held;
  });
  // A failed write must not leave `written` pending forever.
  return { written: Promise.race([written, done]), release, done };
}
