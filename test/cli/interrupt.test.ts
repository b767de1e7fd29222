// How mp ends when it is cut short (the exit boundary in src/cli.ts): a reader that leaves the pipe
// (`mp … | head -1`) is a normal end (exit 0, nothing on stderr); Ctrl-C at a prompt exits 130 with
// one line, never "a bug in mp"; SIGINT during a scrape or a sync says what was saved and exits 130.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspi, KASPI_IDS, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';
import { runMp, waitFor } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';

const bin = new URL('../../bin/mp.js', import.meta.url).pathname;
const root = new URL('../../', import.meta.url).pathname;
const hasScript = spawnSync('script', ['--version']).status === 0;

let home: string;
let handle: TestDatabase | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mp-interrupt-'));
  env = { ...process.env, NO_COLOR: '1', MP_HOME: home, MP_SECRET_KEY: 'cd'.repeat(32), MP_USER: 'tester' };
  delete env.DATABASE_URL;
  delete env.MP_WB_TOKEN;
  if (testEngine === 'postgres') {
    handle = await createTestDatabase();
    env.DATABASE_URL = handle.url;
  }
});
afterAll(async () => {
  await handle?.close();
  rmSync(home, { recursive: true, force: true });
});

interface Started {
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
  signal(name: NodeJS.Signals): void;
}

/** `mp <args>` with `extra` in its environment; with `closeStdout` the reader of its stdout is gone at once. */
function start(args: string[], extra: NodeJS.ProcessEnv = {}, closeStdout = false): Started {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  if (closeStdout) child.stdout.destroy();
  else child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { stdout: () => stdout, stderr: () => stderr, exit, signal: (name) => child.kill(name) };
}

describe('a reader that leaves the pipe (`mp … | head -1`)', { timeout: 120_000 }, () => {
  it.each([[['--help']], [['completion', 'bash']], [['kaspi', 'track', 'list', '--json']]])('mp %j ends quietly with exit 0', async (args) => {
    const run = start(args, {}, true);
    expect(await run.exit, run.stderr()).toBe(0);
    expect(run.stderr()).not.toMatch(/EPIPE|Error|bug in mp/);
  });
});

describe.skipIf(!hasScript)('Ctrl-C at a prompt (a pseudo-terminal)', { timeout: 120_000 }, () => {
  it('exits 130 with one line, not "a bug in mp"', async () => {
    const command = `${process.execPath} ${bin} wb cabinet add --name Shop`;
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await waitFor('the token prompt', () => out.includes('Wildberries API token'), 60_000);
    child.stdin.write('\x03');
    const code = await exit;
    const text = out.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g'), '');
    expect(code, text).toBe(130);
    expect(text).toContain('interrupted at the prompt (Ctrl-C)');
    expect(text).not.toMatch(/bug in mp|ExitPromptError|internal error/);
  });
});

describe('SIGINT during a long run says what was saved', { timeout: 240_000 }, () => {
  let kaspi: FakeKaspi;
  let wb: FakeWb;
  beforeAll(async () => {
    kaspi = await startFakeKaspi();
    wb = await startFakeWb({ orders: 5, sales: 2, products: 2, reviews: 1 });
  });
  afterEach(() => {
    kaspi.verify();
    wb.verify();
  });
  afterAll(async () => {
    await kaspi?.stop();
    await wb?.server.stop();
  });

  it('mp kaspi scrape: the products finished are kept, one line, exit 130', async () => {
    const [first, second] = [KASPI_IDS.phone, KASPI_IDS.single];
    // The second product's offers hang: the run is interrupted while it waits for them.
    kaspi.server.before(`/yml/offer-view/offers/${second}`, () => sleep(60_000));
    const run = start(['kaspi', 'scrape', first, second, '--concurrency', '1', '--export-dir', join(home, 'export')], { MP_KASPI_URL: kaspi.url });
    await waitFor('the second product', () => kaspi.server.requestsTo(`/yml/offer-view/offers/${second}`).length > 0, 120_000);
    run.signal('SIGINT');
    expect(await run.exit, run.stderr()).toBe(130);
    // stderr is not a terminal here, so the line is a JSON log line (docs/scripting.md).
    const last = JSON.parse(run.stderr().trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ level: 'error', code: 'INTERRUPTED' });
    expect(last.msg).toMatch(/^interrupted \(SIGINT\): 1 of 2 product\(s\) scraped and saved/);
    expect(run.stderr()).not.toMatch(/bug in mp|at .*\.js:\d+/);
    const kept = await runMp(['history', 'show', first, '--json'], { env });
    expect(kept.code, kept.stderr).toBe(0);
    expect((await runMp(['history', 'show', second, '--json'], { env })).code).not.toBe(0);
  });

  it('mp wb sync --json: the streams finished are kept, one JSON error, exit 130', async () => {
    expect(
      (await runMp(['wb', 'cabinet', 'add', '--token-stdin', '--name', 'Shop'], { env: { ...env, MP_WB_URL: wb.url }, input: `${wb.token}\n` })).code,
    ).toBe(0);
    wb.server.before('/api/v1/supplier/orders', () => sleep(60_000));
    const run = start(['wb', 'sync', '--only', 'cards,orders', '--json'], { MP_WB_URL: wb.url });
    await waitFor('the orders stream', () => wb.server.requestsTo('/api/v1/supplier/orders').length > 0, 120_000);
    run.signal('SIGINT');
    expect(await run.exit, run.stderr()).toBe(130);
    const error = JSON.parse(run.stderr().trim().split('\n').at(-1)!).error;
    expect(error).toMatchObject({ code: 'INTERRUPTED', exit: 130 });
    expect(error.message).toMatch(/^interrupted \(SIGINT\): 1 stream\(s\) synced and saved/);
    const status = await runMp(['wb', 'sync', '--status', '--json'], { env: { ...env, MP_WB_URL: wb.url } });
    expect(JSON.parse(status.stdout).find((r: { stream: string }) => r.stream === 'cards')).toMatchObject({ status: 'ok' });
  });
});
