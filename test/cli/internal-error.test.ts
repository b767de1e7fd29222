// Exit 70 through a real command path: a database whose `kysely_migration` table is not mp's (another
// Kysely application's, of another shape, in a database shared with it) makes the migration check
// fail with PostgreSQL's own error, which no part of mp expects. mp must end with exit 70 and one
// line on stderr asking for a report; the stack only with --verbose. On both engines: the embedded
// database (prepared with PGlite opened in this process) and PostgreSQL (a database of its own).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, openPostgres } from '../../src/db/connect.js';
import { runMp } from '../support/cli.js';

const adminUrl = process.env.TEST_DATABASE_URL;
const FOREIGN_TABLE = 'create table kysely_migration (name varchar(255) primary key, applied_on date)';

describe('an unexpected failure (exit 70)', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mp-internal-'));
    if (adminUrl) {
      const name = `mp_internal_${process.pid}`;
      const admin = await openPostgres(adminUrl, { poolSize: 1 });
      await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
      await sql.raw(`create database ${name}`).execute(admin.db);
      await admin.close();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = await openPostgres(url.toString(), { poolSize: 1 });
      await sql.raw(FOREIGN_TABLE).execute(db.db);
      await db.close();
      env = { MP_HOME: home, DATABASE_URL: url.toString() };
      drop = async () => {
        const again = await openPostgres(adminUrl, { poolSize: 1 });
        await sql.raw(`drop database if exists ${name} with (force)`).execute(again.db);
        await again.close();
      };
    } else {
      const db = await openPglite(join(home, 'db'), 10_000);
      await sql.raw(FOREIGN_TABLE).execute(db.db);
      await db.close();
      chmodSync(join(home, 'db'), 0o700); // as mp makes it (no FILE_MODE_LOOSE warning)
      env = { MP_HOME: home };
    }
  }, 60_000);
  afterAll(async () => {
    await drop?.();
    rmSync(home, { recursive: true, force: true });
  });

  it('ends with exit 70 and one line on stderr, no stack', async () => {
    const r = await runMp(['db', 'status'], { env });
    expect(r.code).toBe(70);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    // stderr is not a terminal: the line is a JSON log line.
    const line = JSON.parse(lines[0]!) as { level: string; msg: string; code: string; stack?: string };
    expect(line).toMatchObject({ level: 'error', code: 'INTERNAL' });
    expect(line.msg).toMatch(/^internal error: .*timestamp.* \(a bug in mp: run it again with --verbose for the stack trace and please report it\)$/);
    expect(line.stack).toBeUndefined();
    expect(r.stderr).not.toMatch(/\n\s+at |\\n\s+at /);
  }, 60_000);

  it('prints the stack with --verbose', async () => {
    const r = await runMp(['db', 'status', '--verbose'], { env });
    expect(r.code).toBe(70);
    const error = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; msg: string; stack?: string })
      .find((l) => l.level === 'error');
    expect(error?.msg).toMatch(/^internal error: /);
    expect(error?.stack).toMatch(/\n\s+at /);
    expect(r.stderr).toContain('This is a bug in mp. Please report it');
  }, 60_000);

  it('with --json: one JSON object, exit 70, the stack only with --verbose', async () => {
    const r = await runMp(['db', 'status', '--json'], { env });
    expect(r.code).toBe(70);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const body = (JSON.parse(lines[0]!) as { error: Record<string, unknown> }).error;
    expect(body).toMatchObject({ code: 'INTERNAL', exit: 70 });
    expect(body.stack).toBeUndefined();
    const verbose = await runMp(['db', 'status', '--json', '--verbose'], { env });
    expect(verbose.code).toBe(70);
    expect((JSON.parse(verbose.stderr.trim().split('\n').at(-1)!) as { error: Record<string, unknown> }).error.stack).toMatch(/\n\s+at /);
  }, 60_000);
});
