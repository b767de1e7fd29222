import { sql } from 'kysely';
import type { Config } from '../core/config.js';
import { type DbHandle, type OwnerInfo, openDatabase } from './connect.js';
import { type MigrationStatus, migrateToLatest, migrationStatus } from './migrate.js';

export interface DatabaseStatus extends MigrationStatus {
  engine: DbHandle['engine'];
  location: string;
  serverVersion: string;
  installationId: string | null;
  /** The embedded database: the process serving it (its owner) and where. */
  servedBy?: OwnerInfo;
}

/** Engine, location, server version and migrations of an open database. */
export async function describeDatabase(handle: DbHandle): Promise<DatabaseStatus> {
  const status = await migrationStatus(handle.db);
  const { rows } = await sql<{ version: string }>`select current_setting('server_version') as version`.execute(handle.db);
  const meta = status.applied.length
    ? await handle.db.selectFrom('app_meta').select('value').where('key', '=', 'installation_id').executeTakeFirst()
    : undefined;
  return {
    engine: handle.engine,
    location: handle.location,
    serverVersion: rows[0]?.version ?? 'unknown',
    installationId: meta?.value ?? null,
    ...(handle.owner ? { servedBy: await handle.owner() } : {}),
    ...status,
  };
}

/** Opens the database without auto-migration and applies what is pending. */
export async function migrateDatabase(config: Config): Promise<{ engine: DbHandle['engine']; location: string; applied: string[] }> {
  const handle = await openDatabase(config, { migrate: false });
  try {
    const applied = await migrateToLatest(handle.db);
    return { engine: handle.engine, location: handle.location, applied };
  } finally {
    await handle.close();
  }
}
