import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import type { Config } from '../core/config.js';
import { errorCode, UserError } from '../core/errors.js';
import { readSetting } from '../core/settings.js';
import type { OwnerInfo } from './embedded/wire-server.js';
import { migrateToLatest, migrationStatus } from './migrate.js';
import { preparePrefixed } from './prepared.js';
import type { Database } from './schema.js';

export type Engine = 'pglite' | 'postgres';
export type { OwnerInfo };

/** An open database: the Kysely instance, which engine it is, and where. */
export interface DbHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** PGlite data directory, or the PostgreSQL URL without its password. */
  location: string;
  close(): Promise<void>;
  /** PGlite in this process only: a tarball of the data directory (test templates, backups). */
  dumpDataDir?: () => Promise<Blob>;
  /** The embedded database served by its owner process (not PGlite in this process): who serves it. */
  owner?: () => Promise<OwnerInfo>;
}

export interface OpenOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Pool size for PostgreSQL (default 10). */
  poolSize?: number;
}

// int8 and date come back as strings on both engines (as node-postgres returns int8 by default):
// no silent precision loss and no local-time Date for a calendar day.
const INT8 = 20;
const DATE = 1082;
const PGLITE_SHARED_BUFFERS = '32MB';
/** SQLSTATE object_in_use: the embedded database is open inside another process that does not serve it. */
const OBJECT_IN_USE = '55006';

/** An embedded database kept open for the commands this process runs one after another (`mp demo`). */
let shared: { dataDir: string; handle: DbHandle } | undefined;

/**
 * Keeps the embedded database at `dataDir` open (opened and migrated now): until the returned
 * function closes it, openDatabase() for that directory hands out this handle, and their close()
 * leaves it open. For `mp demo`, which runs many commands in one process: one connection pool and
 * one migration check instead of one per command.
 */
export async function keepEmbeddedDatabaseOpen(config: Config): Promise<() => Promise<void>> {
  if (config.databaseUrl) throw new Error('keepEmbeddedDatabaseOpen is for the embedded database');
  const handle = await openDatabase(config);
  shared = { dataDir: join(config.home, 'db'), handle };
  return async () => {
    if (shared?.handle === handle) shared = undefined;
    await handle.close();
  };
}

/** Opens (and by default migrates) the database named by the config: PostgreSQL or the embedded one. */
export async function openDatabase(config: Config, options: OpenOptions = {}): Promise<DbHandle> {
  if (shared && !config.databaseUrl && shared.dataDir === join(config.home, 'db')) return { ...shared.handle, close: async () => {} };
  const handle = config.databaseUrl ? await openPostgres(config.databaseUrl, options) : await openEmbedded(config, options);
  if (options.migrate !== false) {
    try {
      const status = await migrationStatus(handle.db);
      if (status.pending.length > 0) await migrateToLatest(handle.db);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}

/**
 * The embedded database at `<home>/db`, served by its owner process (started when none runs):
 * `pg` over the owner's unix socket, as with PostgreSQL. Statements are not prepared by name (the
 * owner's one PGlite session is shared by every client: names would clash and outlive clients).
 */
export async function openEmbedded(config: Config, options: OpenOptions = {}): Promise<DbHandle> {
  const [{ ensureOwner, ownerGone, socketConfig }, pg, { PostgresDialect }] = await Promise.all([import('./embedded/client.js'), loadPg(), import('kysely')]);
  const dataDir = join(config.home, 'db');
  const clientOptions = { timeoutMs: config.lockTimeoutMs, idleMs: readSetting(config, 'db.idle') };
  const paths = await ensureOwner(dataDir, clientOptions);
  const pool = new pg.Pool({
    ...socketConfig(paths),
    user: 'mp',
    database: 'mp',
    max: options.poolSize ?? 10,
    // One connection stays open while the process lives (the daemon, the bot): the owner then stays
    // up for it instead of stopping when idle and opening PGlite again at the next job.
    min: 1,
    // The owner may still be opening PGlite (a new database, a busy machine).
    connectionTimeoutMillis: Math.max(config.lockTimeoutMs, 10_000),
  });
  // The owner going away (killed, stopped) must not crash this process: the query in flight fails,
  // and the next connection starts an owner again.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: {
        // A connect refused (the owner stopped when idle, or was killed) starts an owner again.
        async connect() {
          const deadline = Date.now() + config.lockTimeoutMs;
          for (let attempt = 0; ; attempt++) {
            try {
              return await pool.connect();
            } catch (error) {
              if (errorCode(error) === OBJECT_IN_USE) {
                // PGlite opened inside another process (a tool): wait for it to close.
                if (Date.now() >= deadline) throw new UserError('DB_LOCKED', (error as Error).message, { cause: error });
                await new Promise((resolve) => setTimeout(resolve, 200));
              } else if (ownerGone(error) && attempt < 3) {
                await ensureOwner(dataDir, clientOptions);
              } else throw error;
            }
          }
        },
        end: () => pool.end(),
      },
    }),
  });
  return {
    db,
    engine: 'pglite',
    location: dataDir,
    async close() {
      await db.destroy();
    },
    async owner() {
      const { rows } = await sql<{ owner: string }>`${sql.raw('/*mp:owner*/')} select null as owner`.execute(db);
      return JSON.parse(rows[0]!.owner) as OwnerInfo;
    },
  };
}

/**
 * PGlite opened in this process (benchmarks, tools): this process becomes the database's owner for
 * as long as the handle is open, so no owner process may serve it meanwhile (DB_LOCKED after
 * `lockTimeoutMs` when one does). Commands use openDatabase().
 */
export async function openPglite(dataDir: string, lockTimeoutMs: number): Promise<DbHandle> {
  mkdirSync(dataDir, { recursive: true });
  const [{ claimOwnership, runPaths }, { createServer }, { errorResponse }] = await Promise.all([
    import('./embedded/election.js'),
    import('node:net'),
    import('./embedded/wire-server.js'),
  ]);
  const deadline = Date.now() + lockTimeoutMs;
  let ownership: Awaited<ReturnType<typeof claimOwnership>>;
  const refusal = errorResponse(
    'FATAL',
    OBJECT_IN_USE,
    `the embedded database at ${dataDir} is open inside mp process ${process.pid}, which does not share it; wait for it to finish or raise --lock-timeout`,
  );
  for (;;) {
    // Nothing is served from here: a client is told who holds the database.
    const server = createServer((socket) => {
      socket.on('error', () => socket.destroy());
      socket.once('data', () => socket.end(refusal, () => socket.destroy()));
    });
    ownership = await claimOwnership(runPaths(dataDir), server);
    if (ownership) break;
    if (Date.now() >= deadline) {
      throw new UserError('DB_LOCKED', `the embedded database at ${dataDir} is served by another mp process: stop it (it stops by itself when idle) or wait`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const release = () => ownership!.server.close();
  try {
    // A new database: unpacked from the build's seed (a fresh cluster) rather than initdb, when there is one.
    const seed = existsSync(join(dataDir, 'PG_VERSION')) ? undefined : (await import('./pglite-seed.js')).readSeed();
    return await createPgliteHandle({ dataDir, loadDataDir: seed }, dataDir, release);
  } catch (error) {
    release();
    throw error;
  }
}

/** An in-memory PGlite (tests, demos), optionally restored from a dumped data directory. */
export async function openMemoryPglite(loadDataDir?: Blob): Promise<DbHandle> {
  return createPgliteHandle({ loadDataDir: loadDataDir ?? (await import('./pglite-seed.js')).readSeed() }, 'memory');
}

async function createPgliteHandle(options: { dataDir?: string; loadDataDir?: Blob | undefined }, location: string, onClose?: () => void): Promise<DbHandle> {
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('./pglite-dialect.js')]);
  const pglite = await PGlite.create({
    ...options,
    // One client in one process: PostgreSQL's default 128 MB of shared buffers only adds ~120 MB of
    // memory to every command (the files stay in the OS cache anyway).
    postgresqlconf: `shared_buffers = ${PGLITE_SHARED_BUFFERS}`,
    parsers: { [INT8]: (v: string) => v, [DATE]: (v: string) => v },
  });
  await pglite.exec("set timezone = 'UTC'");
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    engine: 'pglite',
    location,
    async close() {
      await db.destroy();
      await pglite.close();
      onClose?.();
    },
    dumpDataDir: () => pglite.dumpDataDir('none'),
  };
}

/** pg (loaded without its start-up probe: see pg-module.ts), with int8 and date read as strings. */
async function loadPg(): Promise<typeof import('pg').default> {
  const pg = (await import('./pg-module.js')).loadPg();
  pg.types.setTypeParser(INT8, (v) => v);
  pg.types.setTypeParser(DATE, (v) => v);
  return pg;
}

export async function openPostgres(url: string, options: OpenOptions = {}): Promise<DbHandle> {
  const [pg, { PostgresDialect }] = await Promise.all([loadPg(), import('kysely')]);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    options: '-c timezone=UTC',
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    preparePrefixed(client);
    // A checked-out client whose server goes away (a restart, a failover) between two queries emits
    // 'error' with no listener: an uncaught exception that killed the process (chaos test). Its
    // next query fails instead, and the caller's retry gets a new connection from the pool.
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const location = redactUrl(url);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new UserError('DB_UNREACHABLE', `cannot connect to PostgreSQL at ${hostOf(url)}: ${describeConnectError(error)}`, { cause: error });
  }
  return {
    db,
    engine: 'postgres',
    location,
    async close() {
      await db.destroy();
    },
  };
}

/** The URL without its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return '(unparsable URL)';
  }
}

function describeConnectError(error: unknown): string {
  const code = errorCode(error) ?? errorCode((error as { errors?: unknown[] })?.errors?.[0]);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running and accepting TCP connections?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case '28P01':
    case '28000':
      return 'authentication failed (check the user and password in DATABASE_URL)';
    case '3D000':
      return 'the database does not exist (create it with createdb)';
    default: {
      const message = (error as Error)?.message;
      return message && !/timeout exceeded/i.test(message) ? message : 'connection timed out';
    }
  }
}
