// Runs once per vitest run: migrates one PGlite database and dumps its data directory, so each
// test file restores a migrated database in a fraction of the time initdb takes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openMemoryPglite } from '../src/db/connect.js';
import { migrateToLatest, sqlDirectory } from '../src/db/migrate.js';

export default async function setup(project: TestProject): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const dir = sqlDirectory();
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  const cacheDir = join(tmpdir(), 'mp-test-templates');
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, `pglite-${hash.digest('hex').slice(0, 16)}.tar`);
  if (!existsSync(path)) {
    const handle = await openMemoryPglite();
    await migrateToLatest(handle.db);
    const blob = await handle.dumpDataDir!();
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, path);
    await handle.close();
  }
  project.provide('pgliteTemplate' as never, path as never);
}
