// A freshly initialised PGlite cluster as a tarball, made once when mp is built (`npm install` runs
// the build): a new embedded database is unpacked from it instead of running initdb, which in
// PGlite starts a second PostgreSQL instance and peaks at ~850 MB of memory and ~2 s (unpacking:
// ~380 MB and ~0.5 s). It holds no mp schema: the migrations run on first open as before. The file
// name carries the PGlite version, so a seed from another version is never used (initdb then runs).
//   node dist/src/db/pglite-seed.js    writes dist/pglite-seed-<version>.tar.gz
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's dist/ folder, from src/db (vitest) or dist/src/db (the built CLI). */
function distDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(join('dist', 'src', 'db')) ? join(here, '..', '..') : join(here, '..', '..', 'dist');
}

/** The installed PGlite's version. */
export function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@electric-sql/pglite');
  // …/node_modules/@electric-sql/pglite/dist/index.cjs → its package.json
  let dir = dirname(main);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where the seed for the installed PGlite is (or would be). */
export function seedPath(): string {
  return join(distDir(), `pglite-seed-${pgliteVersion()}.tar.gz`);
}

/** The seed's bytes, or undefined when there is none for the installed PGlite. */
export function readSeed(): Blob | undefined {
  try {
    return new Blob([readFileSync(seedPath())]);
  } catch {
    return undefined;
  }
}

/** Runs initdb once in memory and writes the cluster as a gzipped tarball (temp file + rename). */
export async function writeSeed(path = seedPath()): Promise<string> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create({ dataDir: 'memory://' });
  try {
    const blob = await pg.dumpDataDir('gzip');
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
      renameSync(tmp, path);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
  } finally {
    await pg.close();
  }
  return path;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Part of `npm install` (prepare): a seed that cannot be made must not fail the install, since
  // mp works without it (a new embedded database then runs initdb).
  try {
    process.stderr.write(`wrote ${await writeSeed()}\n`);
  } catch (error) {
    process.stderr.write(`warning: could not write the PGlite seed (${(error as Error).message}); new embedded databases will run initdb\n`);
  }
}
