// Shared helpers for the benchmarks in bench/ (one line per figure on stdout).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/** Prints one figure: `name: value unit`. */
export function figure(name: string, value: number | string, unit = ''): void {
  const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(2)) : value;
  process.stdout.write(`${name}: ${text}${unit ? ` ${unit}` : ''}\n`);
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
