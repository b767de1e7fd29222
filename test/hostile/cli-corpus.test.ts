// Runs the command-line bad-input corpus (cli-corpus.ts) against the built mp, on the embedded
// database or PostgreSQL: 0 exit 70, 0 hangs, 0 stack traces, each case its documented exit code
// and message, and the database byte-for-byte unchanged by all of them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { CLI_CASES, type CliCase, CORPUS_FILES, SEEDED_PAYOUT } from './cli-corpus.js';
import { databaseDigest, seedCorpusDatabase } from './corpus-db.js';

const SECRET = 'a'.repeat(64);
let home: string;
let pg: TestDatabase | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mp-corpus-'));
  env = { MP_HOME: home, MP_SECRET_KEY: SECRET, MP_USER: 'corpus', MP_LOCK_TIMEOUT: '20s' };
  if (testEngine === 'postgres') {
    pg = await createTestDatabase();
    env.DATABASE_URL = pg.url!;
  }
  await seedCorpusDatabase(env, SEEDED_PAYOUT);
  for (const [name, content] of Object.entries(CORPUS_FILES)) writeFileSync(join(home, name), content);
}, 120_000);

afterAll(async () => {
  await pg?.close();
  rmSync(home, { recursive: true, force: true });
});

interface Outcome {
  c: CliCase;
  code: number | null;
  stderr: string;
  ms: number;
}

/** Runs the cases two at a time (the embedded database lets one process in: the lock timeout covers the wait). */
async function runAll(cases: CliCase[]): Promise<Outcome[]> {
  const out: Outcome[] = new Array(cases.length);
  let next = 0;
  const parallel = testEngine === 'postgres' ? 3 : 2;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < cases.length; i = next++) {
        const c = cases[i]!;
        const started = Date.now();
        const r = await runMp(c.args, { env: { ...env, ...c.env }, input: c.input, timeoutMs: 30_000, cwd: home });
        out[i] = { c, code: r.code, stderr: r.stderr, ms: Date.now() - started };
      }
    }),
  );
  return out;
}

describe(`the command-line bad-input corpus (${CLI_CASES.length} cases, ${testEngine})`, () => {
  it('every case: its exit code and message, no exit 70, no stack trace, no hang; the database unchanged', async () => {
    const before = await databaseDigest(env);
    const outcomes = await runAll(CLI_CASES.filter((c) => testEngine === 'pglite' || !c.embeddedOnly));
    const problems: string[] = [];
    for (const o of outcomes) {
      const label = `mp ${o.c.args.map((a) => JSON.stringify(a).slice(0, 40)).join(' ')}${o.c.env ? ` (${JSON.stringify(o.c.env)})` : ''}`;
      const firstLine = o.stderr.trim().split('\n')[0] ?? '';
      if (o.code === null) problems.push(`${label}: hung (killed after ${o.ms} ms)`);
      else if (o.code !== o.c.exit) problems.push(`${label}: exit ${o.code}, expected ${o.c.exit}: ${firstLine}`);
      else if (/internal error|This is a bug|\n\s+at /.test(o.stderr)) problems.push(`${label}: a stack trace: ${firstLine}`);
      else if (o.c.says && !o.c.says.test(o.stderr)) problems.push(`${label}: stderr does not say ${o.c.says}: ${firstLine}`);
      else if (o.stderr.trim() === '') problems.push(`${label}: nothing on stderr`);
    }
    expect(problems).toEqual([]);
    expect(await databaseDigest(env)).toEqual(before);
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    expect(slowest).toBeLessThan(25_000);
  }, 900_000);
});
