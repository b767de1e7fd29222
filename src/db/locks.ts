import { type Kysely, type RawBuilder, sql } from 'kysely';
import { UserError } from '../core/errors.js';
import type { DbHandle } from './connect.js';

/**
 * The advisory lock name of a job or operation and its scope (store, cabinet, shard): the same on every
 * host and process, so cron, the daemon, a command and `mp serve` never run one unit of work twice at once.
 */
export function jobLockName(job: string, scope: string | null, shard?: string | null): string {
  const name = scope ? `mp.job:${job}:${scope}` : `mp.job:${job}`;
  // Two shards of one job hold two locks, so they run side by side (issue 16: `--shard 1/2` was
  // skipped while `0/2` ran).
  return shard ? `${name}:shard=${shard}` : name;
}

export type LockResult<T> = { acquired: true; value: T } | { acquired: false };

const heldInProcess = new Set<string>();

/**
 * The text of a lock statement: a `/*mp:lock <op> <hex name>*\/` marker, then the PostgreSQL
 * statement. PostgreSQL runs the statement (the marker is a comment); the embedded database's owner
 * answers the marker itself from its per-connection lock table (src/db/embedded/wire-server.ts),
 * since its one PGlite session would hand every client every advisory lock. The name is a literal,
 * not a parameter, so the statement goes as one simple-protocol message the owner can recognise.
 */
function lockStatement(op: 'try' | 'unlock' | 'held', name: string): RawBuilder<{ ok?: boolean; held?: boolean }> {
  const marker = sql.raw(`/*mp:lock ${op} ${Buffer.from(name, 'utf8').toString('hex')}*/ `);
  const key = sql`hashtextextended(${sql.lit(name)}, 0)`;
  if (op === 'try') return sql`${marker}select pg_try_advisory_lock(${key}) as ok`;
  if (op === 'unlock') return sql`${marker}select pg_advisory_unlock(${key}) as ok`;
  // A bigint advisory lock shows in pg_locks as classid (high 32 bits) and objid (low 32 bits).
  return sql`${marker}select exists (
      select 1 from pg_locks
      where locktype = 'advisory' and granted and objsubid = 1
        and ((classid::bigint << 32) | objid::bigint) = ${key}
    ) as held`;
}

/**
 * Runs `fn` while holding a named lock, or returns `{acquired: false}` at once when someone holds it.
 * PostgreSQL: a session advisory lock on a dedicated connection, so it is shared by every mp process
 * on every host and released by the server if the process dies. The embedded database served by its
 * owner: the same statement on a dedicated connection, answered by the owner, which releases it when
 * the connection closes (the process died). PGlite in this process (tests, tools): nobody else can
 * open it, so an in-process set is the whole story.
 */
export async function withAdvisoryLock<T>(handle: DbHandle, name: string, fn: () => Promise<T>): Promise<LockResult<T>> {
  if (handle.engine === 'pglite' && !handle.owner) {
    if (heldInProcess.has(name)) return { acquired: false };
    heldInProcess.add(name);
    try {
      return { acquired: true, value: await fn() };
    } finally {
      heldInProcess.delete(name);
    }
  }
  return handle.db.connection().execute(async (conn) => {
    const { rows } = await lockStatement('try', name).execute(conn);
    if (!rows[0]?.ok) return { acquired: false } as const;
    try {
      return { acquired: true, value: await fn() } as const;
    } finally {
      await lockStatement('unlock', name).execute(conn);
    }
  });
}

/**
 * Like withAdvisoryLock for several names at once, on one connection (a lock per store must not
 * take a pooled connection each): all of them or none. `busy` names the first one someone holds.
 */
export async function withAdvisoryLocks<T>(
  handle: DbHandle,
  names: readonly string[],
  fn: () => Promise<T>,
): Promise<LockResult<T> | { acquired: false; busy: string }> {
  const unique = [...new Set(names)];
  if (handle.engine === 'pglite' && !handle.owner) {
    const busy = unique.find((n) => heldInProcess.has(n));
    if (busy !== undefined) return { acquired: false, busy };
    for (const n of unique) heldInProcess.add(n);
    try {
      return { acquired: true, value: await fn() };
    } finally {
      for (const n of unique) heldInProcess.delete(n);
    }
  }
  return handle.db.connection().execute(async (conn) => {
    const held: string[] = [];
    try {
      for (const name of unique) {
        const { rows } = await lockStatement('try', name).execute(conn);
        if (!rows[0]?.ok) return { acquired: false, busy: name } as const;
        held.push(name);
      }
      return { acquired: true, value: await fn() } as const;
    } finally {
      for (const name of held.reverse()) await lockStatement('unlock', name).execute(conn);
    }
  });
}

/**
 * A unit of work (a scrape of the tracked list, a demper run of a store and shard) is running in
 * another process or on another host right now. A command reports it (exit 1); a scheduled job
 * records its run as skipped, as when the job's own lock is held.
 */
export class LockBusy extends UserError {
  constructor(
    readonly lock: string,
    what: string,
  ) {
    super('ALREADY_RUNNING', `${what} is already running in another mp process or on another host: try again when it has finished`);
  }
}

/** Runs `fn` holding every named lock, or throws LockBusy (saying `what` runs elsewhere) when one is held. */
export async function withLocksOrBusy<T>(handle: DbHandle, names: readonly string[], what: (busy: string) => string, fn: () => Promise<T>): Promise<T> {
  const result = await withAdvisoryLocks(handle, names, fn);
  if (result.acquired) return result.value;
  const busy = 'busy' in result ? result.busy : names[0]!;
  throw new LockBusy(busy, what(busy));
}

/**
 * Whether someone holds the named lock right now: this process (in-process PGlite's locks), any
 * session on the PostgreSQL server from any host, or any client of the embedded database's owner.
 * Read-only: it takes nothing.
 */
export async function isAdvisoryLockHeld(db: Kysely<any>, name: string): Promise<boolean> {
  if (heldInProcess.has(name)) return true;
  const { rows } = await lockStatement('held', name).execute(db);
  return rows[0]?.held === true;
}
