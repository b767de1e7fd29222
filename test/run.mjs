#!/usr/bin/env node
// `npm test`: the suite on the embedded PGlite database, then the database-backed tests again on
// PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test). Without a
// reachable PostgreSQL the second run is skipped and said so — except under CI, where it fails.
// Ends with one line: `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const pgUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const ci = process.env.CI === 'true' || process.env.CI === '1';
const totals = { passed: 0, failed: 0, skipped: 0 };
const tmp = mkdtempSync(join(tmpdir(), 'mp-test-'));
let runFailed = false;

function vitest(label, env, extra) {
  process.stderr.write(`\n== tests on ${label} ==\n`);
  const report = join(tmp, `${label}.json`);
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      'test/vitest.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...extra,
      ...args,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  let counted = false;
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += json.numPassedTests;
    totals.failed += json.numFailedTests;
    totals.skipped += json.numPendingTests + (json.numTodoTests ?? 0);
    counted = true;
    // A file that failed to load has no failed test but is a failure all the same.
    if (json.numFailedTestSuites > 0 && json.numFailedTests === 0) totals.failed += json.numFailedTestSuites;
  } catch {
    // No report: vitest itself failed.
  }
  if (result.status !== 0) {
    runFailed = true;
    if (!counted) totals.failed += 1;
  }
}

async function postgresReachable(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    return error.message || String(error);
  }
}

// Subprocess tests run the built CLI: build first so dist/ matches the sources.
process.stderr.write('== building dist/ ==\n');
const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.stderr.write('warning: the build reported type errors (see above); testing what was emitted\n');

const { TEST_DATABASE_URL: _omit, ...pgliteEnv } = process.env;
vitest('pglite', { ...pgliteEnv, TEST_DATABASE_URL: '' }, []);

const reachable = await postgresReachable(pgUrl);
if (reachable === true) {
  // Pure unit tests (test/unit) do not touch a database: they ran once above.
  vitest('postgres', { TEST_DATABASE_URL: pgUrl }, ['--exclude', 'test/unit/**']);
} else if (ci) {
  process.stderr.write(`\nPostgreSQL suite cannot run: ${pgUrl} is unreachable (${reachable}). CI requires it.\n`);
  totals.failed += 1;
  runFailed = true;
} else {
  process.stderr.write(`\nPostgreSQL suite skipped: cannot connect to ${pgUrl} (${reachable}). Set TEST_DATABASE_URL to run it.\n`);
}

rmSync(tmp, { recursive: true, force: true });
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(runFailed || totals.failed > 0 ? 1 : 0);
