import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import type { Config } from '../core/config.js';
import { errorCode, UserError } from '../core/errors.js';
import { acquireFileLock } from './file-lock.js';
import { migrateToLatest, migrationStatus } from './migrate.js';
import { preparePrefixed } from './prepared.js';
import type { Database } from './schema.js';

export type Engine = 'pglite' | 'postgres';

/** An open database: the Kysely instance, which engine it is, and where. */
export interface DbHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** PGlite data directory, or the PostgreSQL URL without its password. */
  location: string;
  close(): Promise<void>;
  /** PGlite only: a tarball of the data directory (test templates, backups). */
  dumpDataDir?: () => Promise<Blob>;
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

/** An embedded database kept open for the commands this process runs one after another (`mp demo`). */
let shared: { dataDir: string; handle: DbHandle } | undefined;

/**
 * Keeps the embedded database at `dataDir` open (opened and migrated now): until the returned
 * function closes it, openDatabase() for that directory hands out this handle, and their close()
 * leaves it open. For `mp demo`, which runs many commands in one process: an open of PGlite costs
 * about half a second of CPU, and only one holder of the directory is allowed anyway.
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

/** Opens (and by default migrates) the database named by the config: PostgreSQL or embedded PGlite. */
export async function openDatabase(config: Config, options: OpenOptions = {}): Promise<DbHandle> {
  if (shared && !config.databaseUrl && shared.dataDir === join(config.home, 'db')) return { ...shared.handle, close: async () => {} };
  const handle = config.databaseUrl ? await openPostgres(config.databaseUrl, options) : await openPglite(join(config.home, 'db'), config.lockTimeoutMs);
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

export async function openPglite(dataDir: string, lockTimeoutMs: number): Promise<DbHandle> {
  mkdirSync(dataDir, { recursive: true });
  const lock = await acquireFileLock(`${dataDir}.lock`, lockTimeoutMs);
  try {
    // A new database: unpacked from the build's seed (a fresh cluster) rather than initdb, when there is one.
    const seed = existsSync(join(dataDir, 'PG_VERSION')) ? undefined : (await import('./pglite-seed.js')).readSeed();
    return await createPgliteHandle({ dataDir, loadDataDir: seed }, dataDir, () => lock.release());
  } catch (error) {
    lock.release();
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

export async function openPostgres(url: string, options: OpenOptions = {}): Promise<DbHandle> {
  const [pg, { PostgresDialect }] = await Promise.all([import('./pg-module.js').then((m) => m.loadPg()), import('kysely')]);
  pg.types.setTypeParser(INT8, (v) => v);
  pg.types.setTypeParser(DATE, (v) => v);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    options: '-c timezone=UTC',
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  pool.on('connect', (client) => preparePrefixed(client));
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
