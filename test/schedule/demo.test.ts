// `mp demo` end to end, as a user runs it after `npm install`: in a terminal (a real pseudo-terminal
// from util-linux `script` when there is one, so tables, the price chart and would-be prompts are
// what a user gets), exit 0 within two minutes, every section shown, the XLSX files it names
// written, and its throw-away home gone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runMp } from '../support/cli.js';
import { testEngine } from '../support/db.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs `mp demo` on a pseudo-terminal (stdout and stderr both the terminal), or piped without `script`. */
async function runDemo(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string; tty: boolean }> {
  if (!hasScript) {
    const r = await runMp(['demo', ...args], { timeoutMs, env });
    return { code: r.code, output: `${r.stdout}\n${r.stderr}`, tty: false };
  }
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  delete fullEnv.FORCE_COLOR;
  delete fullEnv.DATABASE_URL;
  const command = `stty cols 160; exec ${process.execPath} ${join(root, 'bin/mp.js')} demo ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: root, env: fullEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // Without colours there are still cursor moves (spinners): drop them, and the terminal's CRs.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal escapes
      resolve({ code, output: output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, ''), tty: true });
    });
    // Nobody types: a step that asked a question would wait here until the timeout.
    child.stdin.end();
  });
}

// The demo always uses its own embedded database: one run (on the PGlite pass) is enough.
describe.skipIf(testEngine !== 'pglite')('mp demo', () => {
  it('runs a full cycle against the fake servers on a terminal without asking anything, keeps only the files it names, exits 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mp-demo-test-out-'));
    // A home left by a demo that was killed: the next demo removes it (its process is gone).
    const abandoned = mkdtempSync(join(tmpdir(), 'mp-demo-'));
    writeFileSync(join(abandoned, 'demo.pid'), '999999999');
    const homesBefore = new Set(readdirSync(tmpdir()).filter((d) => d.startsWith('mp-demo-') && !d.startsWith('mp-demo-test-')));
    try {
      const started = Date.now();
      const r = await runDemo(['--out', out], { DATABASE_URL: '', MP_HOME: join(out, 'never-used') }, 170_000);
      const seconds = (Date.now() - started) / 1000;
      expect(r.code, r.output).toBe(0);
      expect(seconds).toBeLessThan(120);
      for (const title of [
        '== Kaspi',
        '== Wildberries',
        '== Kaspi repricing',
        '== Kaspi orders and sales',
        '== Payouts',
        '== Export to Excel',
        '== Scheduled jobs',
      ]) {
        expect(r.output).toContain(title);
      }
      expect(r.output).toContain('$ mp jobs run kaspi.scrape');
      expect(r.output).toMatch(/kaspi\.scrape\s+(-\s+)?succeeded\s+tracked=3 scraped=3 changed=1/);
      expect(r.output).toMatch(/wb\.notify\s+(-\s+)?succeeded\s+.*sent=[1-9]/);
      expect(r.output).toContain('✉');
      // The store was added without a prompt (the terminal asks for cabinet cookies otherwise).
      expect(r.output).toContain('$ mp demper store add');
      expect(r.output).toMatch(/UNDERCUT/);
      // Orders from the fake Shop API: 160 in the first sync, then the new one and the cancellation.
      expect(r.output).toMatch(/orders\s+160\s+new\s+160\s/);
      expect(r.output).toMatch(/kaspi\.orders\s+\S+\s+succeeded\s+store=demo-store .*new=1 updated=\d+ status_changed=1/);
      expect(r.output).toContain('$ mp kaspi sales --period 7d');
      expect(r.output).toContain('$ mp kaspi top --period 30d --limit 5');
      expect(r.output).toContain('ESTIMATE');
      expect(r.output).toMatch(/payouts\.process\s+(-\s+)?succeeded\s+claimed=3 completed=3/);
      expect(r.output).not.toContain('not included');
      // On a terminal, `mp history show` draws the price chart with its legend.
      if (r.tty) expect(r.output).toContain('── max price   ══ min price');
      // The files it says it wrote are real XLSX files (zip archives); nothing else is left in --out.
      expect(r.output).toContain('$ mp wb sales --period 7d');
      expect(r.output).toContain('$ mp preorders add PHONE-1');
      const files = ['preorders.xlsx', 'kaspi-offers.xlsx', 'kaspi-orders.xlsx', 'payouts.xlsx'].map((f) => join(out, f));
      expect(r.output).toContain(`The demo wrote: ${files.join(', ')}`);
      for (const f of files) expect(readFileSync(f).subarray(0, 2).toString()).toBe('PK');
      expect(readdirSync(out).sort()).toEqual(['kaspi-offers.xlsx', 'kaspi-orders.xlsx', 'payouts.xlsx', 'preorders.xlsx']);
      expect(existsSync(join(out, 'never-used'))).toBe(false);
      // Its throw-away home is gone.
      const homesAfter = readdirSync(tmpdir()).filter((d) => d.startsWith('mp-demo-') && !d.startsWith('mp-demo-test-') && !homesBefore.has(d));
      expect(homesAfter).toEqual([]);
      expect(existsSync(abandoned)).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('mp demo --json', () => {
  it('is a usage error (its stdout is a transcript, not data) before anything starts', async () => {
    const before = readdirSync(tmpdir()).filter((d) => d.startsWith('mp-demo-')).length;
    const out = join(tmpdir(), `mp-demo-json-${process.pid}`);
    const r = await runMp(['--json', 'demo', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('mp demo prints a transcript for people and has no --json output');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('mp-demo-')).length).toBeLessThanOrEqual(before);
  });
});
