import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { UserError } from '../core/errors.js';

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** The project's `sql/` folder, from src/db (vitest) or dist/src/db (the built CLI). */
export function sqlDirectory(): string {
  for (const rel of ['../../sql', '../../../sql']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new Error('the sql/ folder with the migrations is missing from the mp installation');
}

/** Reads plain SQL migrations `NNNN_name.sql`; each runs as one multi-statement query. */
export class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string = sqlDirectory()) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of readdirSync(this.dir).sort()) {
      if (!MIGRATION_FILE.test(file)) continue;
      const text = readFileSync(`${this.dir}/${file}`, 'utf8');
      migrations[file.replace(/\.sql$/, '')] = {
        up: async (db) => {
          await sql.raw(text).execute(db);
        },
      };
    }
    return migrations;
  }
}

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: new SqlFileMigrationProvider() });
}

export interface MigrationStatus {
  applied: { name: string; appliedAt: string }[];
  pending: string[];
}

export async function migrationStatus(db: Kysely<any>): Promise<MigrationStatus> {
  const all = await migrator(db).getMigrations();
  return {
    applied: all.filter((m) => m.executedAt).map((m) => ({ name: m.name, appliedAt: m.executedAt!.toISOString() })),
    pending: all.filter((m) => !m.executedAt).map((m) => m.name),
  };
}

/**
 * Applies pending migrations one by one, each in its own transaction under Kysely's advisory
 * lock, so concurrent `mp db migrate` runs apply every migration exactly once. Returns the names applied.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const m = migrator(db);
  const applied: string[] = [];
  for (;;) {
    const { error, results } = await m.migrateUp();
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) {
      throw new UserError(
        'DB_MIGRATION_FAILED',
        `migration ${failed?.migrationName ?? ''} failed: ${(error as Error)?.message ?? 'unknown error'}`.replace('  ', ' '),
        { cause: error },
      );
    }
    const done = results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
    if (done.length === 0) return applied;
    applied.push(...done);
  }
}
