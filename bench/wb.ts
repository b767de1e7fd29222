// `npm run bench -- wb [orders=100000] [sales=50000] [--json]`: `mp wb sync` of a fresh cabinet from the fake
// WB API (its own process) into PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test; a throwaway database is created). Prints the sync's
// wall time and the mp process's peak RSS. Targets: ≤ 20 s and ≤ 250 MB for 200,000 + 100,000, the same memory at 50,000 (flat).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openPostgres } from '../src/db/connect.js';
import { adminUrl, benchArgs, cpuSeconds, figure, figureLoadAverage, finish, runMp, sampleBackendsCpu, withDatabase } from './_util.js';

const orders = Number(benchArgs[0] ?? 100_000);
const sales = Number(benchArgs[1] ?? 50_000);
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
const env = { ...process.env, DATABASE_URL: withDatabase(adminUrl, name), MP_WB_URL: wbUrl, WB_TOKEN: token, MP_SECRET_KEY: 'a'.repeat(64), NO_COLOR: '1' };

try {
  await runMp(['wb', 'cabinet', 'add', '--token-stdin'], env);
  const fakeCpuBefore = cpuSeconds(fake.pid!);
  // CPU seconds of the PostgreSQL backends serving the bench database (all new with it, so counted
  // from zero): the highest figure seen for each backend, sampled every 50 ms.
  const backends = sampleBackendsCpu(admin.db, name, 50, 'zero');
  const run = await runMp(['--json', 'wb', 'sync'], env);
  const backendsCpu = await backends.stop();
  const fakeCpu = cpuSeconds(fake.pid!) - fakeCpuBefore;
  const outcomes = JSON.parse(run.stdout) as { stream: string; status: string; rowsNew: number }[];
  const rows = (s: string) => outcomes.find((o) => o.stream === s)?.rowsNew ?? 0;
  if (outcomes.some((o) => o.status !== 'ok')) throw new Error(`a stream did not finish: ${run.stdout}`);
  figure('orders', 'orders synced', rows('orders'));
  figure('sales', 'sales synced', rows('sales'));
  figure('seconds', 'mp wb sync wall time', run.ms / 1000, 's (target ≤ 20)');
  figure('peak_rss_mb', 'mp wb sync peak RSS', run.peakMb, 'MB (target ≤ 250)');
  // The wall time includes the fake server and PostgreSQL; on a shared machine read it with these.
  figure('mp_cpu_s', 'mp wb sync CPU time (mp process, user+system)', run.cpu, 's');
  figure('postgres_cpu_s', 'CPU time of its PostgreSQL backends', backendsCpu, 's');
  figure('fake_cpu_s', 'CPU time of the fake WB server', fakeCpu, 's');
  // What the sync costs the machine: on 2 idle cores the wall time is at most about this sum
  // (mp, PostgreSQL and the fake partly overlap), plus disk waits.
  figure('cpu_s', 'CPU time, all three', run.cpu + backendsCpu + fakeCpu, 's');
  figureLoadAverage({ when: 'at the end', cpus: true });
} finally {
  fake.kill('SIGTERM');
  await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
  await admin.close();
}
finish();
