// `npm run bench -- demo [--json]`: one `mp demo` as a user runs it (a subprocess, piped), against the issue's
// limit of two minutes: wall time, the CPU time it used (user + system of mp and its children,
// which is what an idle machine would need), peak RSS, and the load average around it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, finish } from './_util.js';

const mp = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'mp-bench-demo-'));
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
delete env.DATABASE_URL;
const loadBefore = loadavg()[0]!;
const started = process.hrtime.bigint();
// The child's CPU time and peak RSS, sampled from /proc while it runs (the last sample is at most
// 100 ms before it exits).
let peakKb = 0;
let cpuTicks = 0;
const child = spawn(process.execPath, [mp, 'demo', '--out', out], { env, stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));
const ticksPerSecond = 100;
const sample = setInterval(() => {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0));
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime (own) + cutime, cstime (waited-for children): fields 14–17 of /proc/pid/stat.
    cpuTicks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  } catch {
    // Exited between samples.
  }
}, 100);
const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
clearInterval(sample);
const wallS = Number(process.hrtime.bigint() - started) / 1e9;
rmSync(out, { recursive: true, force: true });
if (code !== 0) {
  process.stderr.write(stderr);
  throw new Error(`mp demo exited with ${code}`);
}
figure('seconds', 'mp demo wall time', wallS, 's (limit 120)');
figure('cpu_s', 'mp demo CPU time (user+sys)', cpuTicks / ticksPerSecond, 's');
figure('peak_rss_mb', 'mp demo peak RSS', peakKb / 1024, 'MB');
figure('load_average_1m_before', 'load average (1 min) before', loadBefore);
figure('load_average_1m_after', 'load average (1 min) after', loadavg()[0]!);
finish();
