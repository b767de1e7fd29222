// `mp payouts …` as a subprocess. On both engines: exit codes, one stderr line per invalid field,
// JSON output. On PostgreSQL: four worker processes over 10,000 payouts complete each exactly once,
// a worker killed with SIGKILL mid-batch leaves nothing stuck, and SIGTERM stops a worker cleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

const bin = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));
let h: TestDatabase;
let home: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await createTestDatabase();
  home = mkdtempSync(join(tmpdir(), 'mp-payouts-'));
  env = h.url ? { DATABASE_URL: h.url, MP_HOME: home } : { MP_HOME: home };
});
afterAll(async () => {
  await h?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('mp payouts (both engines)', () => {
  it('bad input: one stderr line per invalid field, exit 2 (before opening the database); create and show', async () => {
    const bad = await runMp(['payouts', 'create', '--amount', '0.001', '--currency', 'kzt', '--comment', 'x'.repeat(1001)], { env, timeoutMs: 150_000 });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    const lines = bad.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.msg)).toEqual([
      '--amount: must have at most 2 decimal places',
      '--currency: must be one of RUB, USD, EUR',
      '--recipient: is required',
      '--comment: must be at most 1000 characters (got 1001)',
      '4 invalid option(s) (fix the lines above; see --help)',
    ]);

    const created = await runMp(
      ['--json', 'payouts', 'create', '--amount', '100.5', '--currency', 'rub', '--recipient', '40817810099910004312', '--idempotency-key', 'cli-1'],
      { env, timeoutMs: 150_000 },
    );
    expect(created.code).toBe(0);
    const payout = JSON.parse(created.stdout);
    expect(payout).toMatchObject({ amount: '100.50', currency: 'RUB', recipient: '****4312', status: 'NEW' });
    expect(created.stdout).not.toContain('40817810099910004312');
    const show = await runMp(['--json', 'payouts', 'show', payout.id], { env, timeoutMs: 150_000 });
    expect(JSON.parse(show.stdout).events.map((e: { to: string }) => e.to)).toEqual(['NEW']);
    // --concurrency works on both engines (on PGlite the loops share its one connection).
    const processed = await runMp(['--json', 'payouts', 'process', '--once', '--concurrency', '4', '--batch', '10'], { env, timeoutMs: 150_000 });
    expect(processed.code).toBe(0);
    expect(JSON.parse(processed.stdout)).toMatchObject({ claimed: 1, completed: 1, failed: 0 });
  }, 400_000);
});

describe('mp payouts list (both engines)', () => {
  it('every bad option is one stderr line, exit 2, before the database is opened', async () => {
    const bad = await runMp(['payouts', 'list', '--status', 'paid', '--limit', '0', '--since', 'yesterday', '--cursor', 'zz'], {
      env: { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      timeoutMs: 60_000,
    });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(
      bad.stderr
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).msg),
    ).toEqual([
      '--since: must be a duration like 7d or 12h, or a date like 2026-11-01',
      '--status: must be one of NEW, PROCESSING, COMPLETED, FAILED, CANCELLED',
      '--limit: must be a whole number from 1 to 1000',
      '--cursor: is not a cursor returned by this API',
      '4 invalid option(s) (fix the lines above; see --help)',
    ]);
  }, 120_000);

  it('update and process: every bad flag is one stderr line, exit 2, before the database is opened', async () => {
    const noDb = { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const msgs = (stderr: string) =>
      stderr
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).msg);
    const update = await runMp(['payouts', 'update', '00000000-0000-0000-0000-000000000000', '--amount', '0.00', '--recipient', ' '], {
      env: noDb,
      timeoutMs: 60_000,
    });
    expect(update.code).toBe(2);
    expect(msgs(update.stderr)).toEqual([
      '--amount: must be at least 0.01',
      '--recipient: is required',
      '2 invalid option(s) (fix the lines above; see --help)',
    ]);
    const worker = await runMp(['payouts', 'process', '--once', '--concurrency', '0', '--batch', 'x', '--lease', '10ms'], { env: noDb, timeoutMs: 60_000 });
    expect(worker.code).toBe(2);
    expect(msgs(worker.stderr)).toEqual([
      '--concurrency must be a whole number from 1 to 8, got "0"',
      '--batch must be a whole number from 1 to 5000, got "x"',
      '--lease must be a duration of at least 100ms like 30s or 2m, got "10ms"',
      '3 invalid options (fix the lines above; see --help)',
    ]);
  }, 120_000);
});

describe('mp serve --worker (both engines)', () => {
  it('serves the API and processes what it enqueues in the same process, then stops on SIGTERM', async () => {
    const created = await runMp(['--json', 'serve', 'token', 'create', '--name', 'worker-test', '--scope', 'payouts'], { env, timeoutMs: 150_000 });
    expect(created.code, created.stderr).toBe(0);
    const auth = `Bearer ${JSON.parse(created.stdout).token}`;
    const child = spawn(process.execPath, [bin, '--json', 'serve', '--port', '0', '--worker'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      for (let i = 0; i < 2400 && !stdout.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
      const { url } = JSON.parse(stdout.split('\n')[0]!);
      const res = await fetch(`${url}/api/payouts`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ amount: '42', currency: 'EUR', recipient: 'FR7630006000011234567890189' }),
      });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      let status = '';
      for (let i = 0; i < 200 && status !== 'COMPLETED'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = ((await (await fetch(`${url}/api/payouts/${id}`, { headers: { authorization: auth } })).json()) as { status: string }).status;
      }
      expect(status).toBe('COMPLETED');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('running inside mp serve');
    expect(stderr).toContain('payout worker stopped: 1 completed');
  }, 300_000);
});

describe.runIf(testEngine === 'postgres')('mp payouts on PostgreSQL (subprocesses)', () => {
  it('conflicting idempotency key exits 1; cancel, update refused after cancel, delete', async () => {
    const created = await runMp(
      ['--json', 'payouts', 'create', '--amount', '7', '--currency', 'EUR', '--recipient', 'DE89370400440532013000', '--idempotency-key', 'cli-2'],
      { env, timeoutMs: 150_000 },
    );
    const payout = JSON.parse(created.stdout);

    const conflict = await runMp(['payouts', 'create', '--amount', '1', '--currency', 'RUB', '--recipient', 'x', '--idempotency-key', 'cli-2'], {
      env,
      timeoutMs: 150_000,
    });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('PAYOUT_IDEMPOTENCY_CONFLICT');

    const cancelled = await runMp(['payouts', 'cancel', payout.id], { env, timeoutMs: 150_000 });
    expect(cancelled.stdout).toContain('status\tCANCELLED');
    const shown = await runMp(['--json', 'payouts', 'show', payout.id], { env, timeoutMs: 150_000 });
    expect(JSON.parse(shown.stdout).events.map((e: { to: string }) => e.to)).toEqual(['NEW', 'CANCELLED']);
    const update = await runMp(['payouts', 'update', payout.id, '--amount', '5'], { env, timeoutMs: 150_000 });
    expect(update.code).toBe(1);
    expect(update.stderr).toContain('only NEW payouts can be changed');
    expect((await runMp(['payouts', 'delete', payout.id], { env })).code).toBe(0);
    const gone = await runMp(['payouts', 'show', payout.id], { env, timeoutMs: 150_000 });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('PAYOUT_NOT_FOUND');
  }, 60_000);
});

function startWorker(args: string[], extraEnv: NodeJS.ProcessEnv = {}): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [bin, 'payouts', 'process', ...args], {
    env: { ...process.env, ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function seed(n: number): Promise<void> {
  await h.db.deleteFrom('payouts').execute();
  await h.db.deleteFrom('payout_events').execute();
  await sql`insert into payouts (amount, currency, recipient) select 1.00 + g, 'USD', 'acct-' || g from generate_series(1, ${n}) g`.execute(h.db);
}

async function outcomeSummary() {
  const { rows } = await sql<{ status: string; n: string }>`select status, count(*) as n from payouts group by 1 order by 1`.execute(h.db);
  const dupes = await sql<{ n: string }>`
    select count(*) as n from (select payout_id from payout_events where to_status in ('COMPLETED', 'FAILED') group by 1 having count(*) <> 1) d`.execute(h.db);
  const missing = await sql<{ n: string }>`
    select count(*) as n from payouts p where not exists (select 1 from payout_events e where e.payout_id = p.id and e.to_status = p.status)`.execute(h.db);
  return {
    byStatus: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])),
    notExactlyOnce: Number(dupes.rows[0]!.n),
    withoutEvent: Number(missing.rows[0]!.n),
  };
}

describe.runIf(testEngine === 'postgres')('mp payouts process on PostgreSQL (subprocesses)', () => {
  it('4 processes over 10,000 payouts complete each exactly once', async () => {
    await seed(10_000);
    const workers = Array.from({ length: 4 }, () => startWorker(['--once', '--batch', '250', '--json']));
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(await outcomeSummary()).toEqual({ byStatus: { COMPLETED: 10_000 }, notExactlyOnce: 0, withoutEvent: 0 });
    const { rows } = await sql<{ n: string }>`select count(*) as n from payout_events where to_status = 'PROCESSING'`.execute(h.db);
    expect(rows[0]!.n).toBe('10000');
    // Each worker did part of the work.
    const perWorker = await sql<{ worker: string }>`select distinct worker from payout_events where to_status = 'COMPLETED'`.execute(h.db);
    expect(perWorker.rows.length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('a worker killed with SIGKILL mid-batch leaves nothing stuck: another completes its payouts after the lease', async () => {
    await seed(400);
    const slow = { MP_PAYOUTS_SIM_LATENCY_MS: '100' };
    const victim = startWorker(['--batch', '50', '--lease', '2s'], slow);
    // Wait until it holds PROCESSING payouts, then kill it mid-batch.
    let held = 0;
    for (let i = 0; i < 200 && held === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const { rows } = await sql<{ n: string }>`select count(*) as n from payouts where status = 'PROCESSING' and locked_by is not null`.execute(h.db);
      held = Number(rows[0]!.n);
    }
    expect(held).toBeGreaterThan(0);
    victim.child.kill('SIGKILL');
    await victim.exited;
    const orphaned = await sql<{ id: string }>`select id from payouts where status = 'PROCESSING'`.execute(h.db);
    expect(orphaned.rows.length).toBeGreaterThan(0);

    const rescuer = startWorker(['--once', '--batch', '50', '--lease', '2s'], slow);
    expect(await rescuer.exited).toBe(0);
    const summary = await outcomeSummary();
    expect(summary).toEqual({ byStatus: { COMPLETED: 400 }, notExactlyOnce: 0, withoutEvent: 0 });
    const ids = orphaned.rows.map((r) => r.id);
    const retaken = await sql<{ attempts: number; n: string }>`select attempts, count(*) as n from payouts where id = any(${ids}::uuid[]) group by 1`.execute(
      h.db,
    );
    expect(retaken.rows).toEqual([{ attempts: 2, n: String(ids.length) }]);
  }, 120_000);

  it('SIGTERM stops a worker cleanly: nothing left PROCESSING under its name', async () => {
    await seed(300);
    const w = startWorker(['--batch', '100', '--concurrency', '2'], { MP_PAYOUTS_SIM_LATENCY_MS: '50' });
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const { rows } = await sql<{ n: string }>`select count(*) as n from payouts where status = 'COMPLETED'`.execute(h.db);
      if (Number(rows[0]!.n) > 0) break;
    }
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.stderr()).toContain('SIGTERM: finishing the payouts in hand');
    const { rows } = await sql<{ n: string }>`select count(*) as n from payouts where status = 'PROCESSING'`.execute(h.db);
    expect(rows[0]!.n).toBe('0');
  }, 60_000);
});
