// `npm run bench -- wb [orders=100000] [sales=50000]`: `mp wb sync` of a fresh cabinet from the fake
// WB API (its own process) into PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test; a throwaway database is created). Prints the sync's
// wall time and the mp process's peak RSS. Targets: ≤ 20 s and ≤ 400 MB for 100,000 + 50,000.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openPostgres } from '../src/db/connect.js';
import { figure, peakRssMb } from './_util.js';

const orders = Number(process.argv[2] ?? 100_000);
const sales = Number(process.argv[3] ?? 50_000);
const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const bin = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));
const fakeScript = fileURLToPath(new URL('./_wb-fake.js', import.meta.url));

const fake = spawn(process.execPath, [fakeScript, String(orders), String(sales)], { stdio: ['ignore', 'pipe', 'inherit'] });
const first = await new Promise<string>((resolve, reject) => {
  createInterface({ input: fake.stdout! }).once('line', resolve);
  fake.once('exit', (code) => reject(new Error(`fake WB exited with ${code}`)));
});
const { url: wbUrl, token } = JSON.parse(first) as { url: string; token: string };

const name = `mp_bench_wb_${process.pid}`;
const admin = await openPostgres(adminUrl, { poolSize: 1 });
await sql.raw(`create database ${name}`).execute(admin.db);
const u = new URL(adminUrl);
u.pathname = `/${name}`;
const env = { ...process.env, DATABASE_URL: u.toString(), MP_WB_URL: wbUrl, WB_TOKEN: token, MP_SECRET_KEY: 'a'.repeat(64), NO_COLOR: '1' };

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; 0 elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Runs mp, polling its peak RSS (VmHWM) and CPU time until it exits. */
function mp(args: string[]): Promise<{ ms: number; peakMb: number; cpu: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child: ChildProcess = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    let cpu = 0;
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
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

/**
 * CPU seconds spent by the PostgreSQL backends serving the bench database (all new with it, so
 * counted from zero): the highest figure seen for each backend, sampled every 50 ms until stop().
 */
function sampleBackendsCpu(): { stop(): Promise<number> } {
  const seen = new Map<number, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = ${name}`.execute(admin.db);
      for (const { pid } of rows) seen.set(pid, Math.max(seen.get(pid) ?? 0, cpuSeconds(pid)));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...seen.values()].reduce((a, b) => a + b, 0);
    },
  };
}

try {
  await mp(['wb', 'cabinet', 'add', '--token-stdin']);
  const fakeCpuBefore = cpuSeconds(fake.pid!);
  const backends = sampleBackendsCpu();
  const run = await mp(['--json', 'wb', 'sync']);
  const backendsCpu = await backends.stop();
  const fakeCpu = cpuSeconds(fake.pid!) - fakeCpuBefore;
  const outcomes = JSON.parse(run.stdout) as { stream: string; status: string; rowsNew: number }[];
  const rows = (s: string) => outcomes.find((o) => o.stream === s)?.rowsNew ?? 0;
  if (outcomes.some((o) => o.status !== 'ok')) throw new Error(`a stream did not finish: ${run.stdout}`);
  figure('orders synced', rows('orders'));
  figure('sales synced', rows('sales'));
  figure('mp wb sync wall time', run.ms / 1000, 's (target ≤ 20)');
  figure('mp wb sync peak RSS', run.peakMb, 'MB (target ≤ 400)');
  // The wall time includes the fake server and PostgreSQL; on a shared machine read it with these.
  figure('mp wb sync CPU time (mp process, user+system)', run.cpu, 's');
  figure('CPU time of its PostgreSQL backends', backendsCpu, 's');
  figure('CPU time of the fake WB server', fakeCpu, 's');
  // What the sync costs the machine: on 2 idle cores the wall time is at most about this sum
  // (mp, PostgreSQL and the fake partly overlap), plus disk waits.
  figure('CPU time, all three', run.cpu + backendsCpu + fakeCpu, 's');
  figure('load average (1 min) at the end', loadavg()[0]!, `on ${cpus().length} CPUs`);
} finally {
  fake.kill('SIGTERM');
  await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
  await admin.close();
}
