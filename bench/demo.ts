// `npm run bench -- demo [--json]`: one `mp demo` as a user runs it (a subprocess, piped), against the issue's
// limit of two minutes: wall time, the CPU time it used (user + system of mp and its children,
// which is what an idle machine would need), peak RSS, and the load average around it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
// The embedded database's owner: a detached child of mp (it serves the demo's database and stops
// when the demo removes its home), not waited for, so its CPU is sampled on its own.
const owners = new Map<number, { ticks: number; peakKb: number }>();
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
    for (const task of readdirSync(`/proc/${child.pid}/task`)) {
      for (const pid of readFileSync(`/proc/${child.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number)) {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('owner.js')) continue;
        const of = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = of.slice(of.lastIndexOf(')') + 2).split(' ');
        const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        const seen = owners.get(pid) ?? { ticks: 0, peakKb: 0 };
        owners.set(pid, { ticks: Math.max(seen.ticks, Number(f[11]) + Number(f[12])), peakKb: Math.max(seen.peakKb, kb) });
      }
    }
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
const ownerTicks = [...owners.values()].reduce((sum, o) => sum + o.ticks, 0);
figure('cpu_s', 'mp demo CPU time (user+sys), with the database owner', (cpuTicks + ownerTicks) / ticksPerSecond, 's');
figure('owner_cpu_s', 'of which the embedded database owner', ownerTicks / ticksPerSecond, 's');
figure('peak_rss_mb', 'mp demo peak RSS', peakKb / 1024, 'MB');
figure('owner_peak_rss_mb', 'the embedded database owner peak RSS', Math.max(0, ...[...owners.values()].map((o) => o.peakKb)) / 1024, 'MB');
figure('load_average_1m_before', 'load average (1 min) before', loadBefore);
figure('load_average_1m_after', 'load average (1 min) after', loadavg()[0]!);
finish();
