// Shared helpers for the benchmarks in bench/ (one line per figure on stdout, or one JSON object with --json).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of one run of a command, in milliseconds. */
export function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: 'ignore', env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return ms;
}

/**
 * `--json` anywhere among a bench's arguments: figures are not printed one a line but collected, and
 * finish() prints them as one JSON object (stdout holds nothing else), so they can be tracked.
 */
export const jsonMode = process.argv.slice(2).includes('--json');

/** The bench's own arguments (after the script), without `--json`. */
export const benchArgs: readonly string[] = process.argv.slice(2).filter((a) => a !== '--json');

const collected: Record<string, unknown> = {};

/** Numbers in the JSON object: at most 3 decimals. */
function jsonValue(value: number | string): number | string {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

/**
 * Prints one figure, `name: value unit`; with --json it is kept under `key` instead, a dotted path
 * (`postgres.products_per_s`) for nested objects.
 */
export function figure(key: string, name: string, value: number | string, unit = ''): void {
  if (jsonMode) {
    const path = key.split('.');
    let into = collected;
    for (const part of path.slice(0, -1)) into = (into[part] ??= {}) as Record<string, unknown>;
    into[path.at(-1)!] = jsonValue(value);
    return;
  }
  const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(2)) : value;
  process.stdout.write(`${name}: ${text}${unit ? ` ${unit}` : ''}\n`);
}

/**
 * Ends a bench's output: with --json, the collected figures as one JSON object, with the machine's
 * load average (1, 5, 15 min) and CPU count at the end unless the bench recorded its own.
 */
export function finish(): void {
  if (!jsonMode) return;
  collected.load_average ??= loadavg().map((l) => Math.round(l * 100) / 100);
  collected.cpus ??= cpus().length;
  process.stdout.write(`${JSON.stringify(collected)}\n`);
}

/** Peak resident set size of this process so far, in MB (Linux: VmHWM). */
export function peakRssMb(pid: number | 'self' = 'self'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    if (m) return Number(m[1]) / 1024;
  } catch {
    // Not Linux: fall back to the current RSS.
  }
  return process.memoryUsage().rss / 1024 / 1024;
}

/** PostgreSQL the benches use: BENCH_DATABASE_URL or TEST_DATABASE_URL, default the local `test` database. */
export const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** `url` with its database replaced by `name`. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** utime + stime of one process in ms, from /proc/<pid>/stat (Linux), or undefined when it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; 0 elsewhere or when gone). */
export function cpuSeconds(pid: number): number {
  return (processCpuMs(pid) ?? 0) / 1000;
}

/**
 * Samples the CPU time of a changing set of processes every `everyMs` until stop(), which returns
 * the CPU seconds they spent: `from: 'zero'` counts each process's whole CPU time (highest figure
 * seen; for processes that started with the measurement), `from: 'first-seen'` only what it spent
 * between the first and the last time it was seen.
 */
export function sampleCpu(pids: () => Promise<number[]>, everyMs: number, from: 'zero' | 'first-seen'): { stop(): Promise<number> } {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const pid of await pids()) {
        const ms = processCpuMs(pid);
        if (ms === undefined) continue;
        if (!first.has(pid)) first.set(pid, ms);
        last.set(pid, Math.max(last.get(pid) ?? 0, ms));
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      let totalMs = 0;
      for (const [pid, ms] of last) totalMs += from === 'zero' ? ms : ms - first.get(pid)!;
      return totalMs / 1000;
    },
  };
}

/** PostgreSQL backends serving database `datname` (same machine), other than the asking connection's own. */
export async function backendPids(db: Kysely<any>, datname: string): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = ${datname} and pid <> pg_backend_pid()`.execute(db);
  return rows.map((r) => r.pid);
}

/** sampleCpu() over the PostgreSQL backends of database `datname`, listed through `db`. */
export function sampleBackendsCpu(db: Kysely<any>, datname: string, everyMs: number, from: 'zero' | 'first-seen'): { stop(): Promise<number> } {
  return sampleCpu(() => backendPids(db, datname), everyMs, from);
}

/** Prints the 1-minute load average: `load average (1 min)[ when]: value[ on N CPUs]` (JSON: `load_average_1m[_when]`). */
export function figureLoadAverage(options: { when?: string; value?: number; cpus?: boolean } = {}): void {
  const name = `load average (1 min)${options.when ? ` ${options.when}` : ''}`;
  const key = `load_average_1m${options.when ? `_${options.when.replace(/\W+/g, '_')}` : ''}`;
  figure(key, name, options.value ?? loadavg()[0]!, options.cpus ? `on ${cpus().length} CPUs` : '');
}

/** bin/mp.js of this checkout (the benches run from dist/bench/). */
export const mpBin = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));

/**
 * Runs mp with `env` (stdin = `input`, or none), polling its peak RSS (VmHWM) and CPU time every
 * 20 ms until it exits; rejects with the end of its stderr when it exits non-zero.
 */
export function runMp(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ ms: number; peakMb: number; cpu: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child: ChildProcess = spawn(process.execPath, [mpBin, ...args], { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    let cpu = 0;
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    if (input !== undefined) child.stdin!.end(input);
    const timer = setInterval(() => {
      if (child.pid) {
        peak = Math.max(peak, peakRssMb(child.pid));
        cpu = Math.max(cpu, cpuSeconds(child.pid));
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`mp ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve({ ms, peakMb: peak, cpu, stdout });
    });
  });
}
