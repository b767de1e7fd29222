import { type Kysely, sql } from 'kysely';
import type { DbHandle } from './connect.js';

export type LockResult<T> = { acquired: true; value: T } | { acquired: false };

const heldInProcess = new Set<string>();

/**
 * Runs `fn` while holding a named lock, or returns `{acquired: false}` at once when someone holds it.
 * PostgreSQL: a session advisory lock on a dedicated connection, so it is shared by every mp process
 * on every host and released by the server if the process dies. PGlite: only one process can open the
 * database at all (the lock file), so an in-process set is the whole story — and PGlite's single
 * session would re-enter its own advisory locks anyway.
 */
export async function withAdvisoryLock<T>(handle: DbHandle, name: string, fn: () => Promise<T>): Promise<LockResult<T>> {
  if (handle.engine === 'pglite') {
    if (heldInProcess.has(name)) return { acquired: false };
    heldInProcess.add(name);
    try {
      return { acquired: true, value: await fn() };
    } finally {
      heldInProcess.delete(name);
    }
  }
  return handle.db.connection().execute(async (conn) => {
    const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtextextended(${name}, 0)) as ok`.execute(conn);
    if (!rows[0]?.ok) return { acquired: false } as const;
    try {
      return { acquired: true, value: await fn() } as const;
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${name}, 0))`.execute(conn);
    }
  });
}

/**
 * Whether someone holds the named lock right now: this process (the embedded database's in-process
 * locks), or any session on the PostgreSQL server, from any host. Read-only: it takes nothing.
 */
export async function isAdvisoryLockHeld(db: Kysely<any>, name: string): Promise<boolean> {
  if (heldInProcess.has(name)) return true;
  // A bigint advisory lock shows in pg_locks as classid (high 32 bits) and objid (low 32 bits).
  const { rows } = await sql<{ held: boolean }>`
    select exists (
      select 1 from pg_locks
      where locktype = 'advisory' and granted and objsubid = 1
        and ((classid::bigint << 32) | objid::bigint) = hashtextextended(${name}, 0)
    ) as held`.execute(db);
  return rows[0]?.held === true;
}
