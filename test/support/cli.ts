// Runs the built CLI (`node bin/mp.js`) as a subprocess, the way users and cron do.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = `${root}bin/mp.js`;

export interface MpResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface MpOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs `mp <args>` with no TTY; `env` is added to a clean copy of the environment. */
export function runMp(args: string[], options: MpOptions = {}): Promise<MpResult> {
  if (!existsSync(`${root}dist/src/cli.js`)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  delete env.FORCE_COLOR;
  if (!options.env?.DATABASE_URL) delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface Background {
  child: ChildProcess;
  stderr(): string;
  exit: Promise<number | null>;
}

/** Starts `mp <args>` in the background (a daemon, a bot); `env` is added to a copy of the environment. */
export function startMp(args: string[], env: NodeJS.ProcessEnv): Background {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const exit = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, stderr: () => stderr, exit };
}

/** Polls `check` every 50 ms until it holds, or throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
