// `npm run bench -- embedded [runs=10] [--json]`: what one mp command costs on the embedded default
// (no DATABASE_URL) beside PostgreSQL, run `runs` times in a row as a user or cron does:
//   - the command's own CPU (user + system) and peak RSS, from wait4 through GNU time when it is
//     installed (else sampled from /proc every 20 ms), median of the runs;
//   - the server's CPU per command: the embedded database's owner process (its CPU before and after
//     the runs), PostgreSQL's backends for the bench's database (sampled every 5 ms);
//   - the embedded total against PostgreSQL's (the limit: 1.5x);
//   - the first command on a new home (the owner starts, unpacks the seed, migrations run) and a
//     command when no owner runs on an existing home (cron with no daemon): wall, the command's CPU,
//     the owner's CPU and peak RSS;
//   - the load average.
// The command is `mp history list --json` (a read through the usual open: migration check, one
// query). PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (a database is created and dropped).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openPostgres } from '../src/db/connect.js';
import { adminUrl, benchArgs, figure, figureLoadAverage, finish, median, mpBin, processCpuMs, sampleBackendsCpu, withDatabase } from './_util.js';

const runs = Number(benchArgs[0] ?? 10);
const command = ['history', 'list', '--json'];
const gnuTime = existsSync('/usr/bin/time');

interface Run {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}

/** One mp command: wall time, its own CPU and peak RSS (children it did not wait for, like the owner, excluded). */
function run(env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const args = gnuTime ? ['-f', '%U %S %M', process.execPath, mpBin, ...command] : [mpBin, ...command];
    const started = process.hrtime.bigint();
    const child = spawn(gnuTime ? '/usr/bin/time' : process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sampledCpu = 0;
    let sampledRss = 0;
    child.stderr.on('data', (d) => (stderr += d));
    const timer = gnuTime
      ? undefined
      : setInterval(() => {
          sampledCpu = Math.max(sampledCpu, processCpuMs(child.pid!) ?? 0);
          try {
            sampledRss = Math.max(sampledRss, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
          } catch {
            // Gone.
          }
        }, 20);
    child.on('close', (code) => {
      clearInterval(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`mp ${command.join(' ')} exited with ${code}: ${stderr.slice(-1500)}`));
      if (!gnuTime) return resolve({ wallMs, cpuMs: sampledCpu, rssMb: sampledRss });
      const [user, sys, kb] = stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
      resolve({ wallMs, cpuMs: (user! + sys!) * 1000, rssMb: kb! / 1024 });
    });
  });
}

function ownerPid(home: string): number {
  const log = readFileSync(join(home, 'db.run', 'owner.log'), 'utf8');
  const owns = [...log.matchAll(/\[owner (\d+)\] owns /g)].at(-1);
  if (!owns) throw new Error(`no owner in ${home}/db.run/owner.log`);
  return Number(owns[1]);
}

function peakMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

async function stopOwner(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  while (processCpuMs(pid) !== undefined) await sleep(20);
}

const home = mkdtempSync(join(tmpdir(), 'mp-bench-embedded-'));
const embeddedEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', MP_HOME: home, MP_DB_IDLE: '10m' };
delete embeddedEnv.DATABASE_URL;
try {
  figureLoadAverage({ when: 'before' });
  // 1. The first command on a new home.
  const first = await run(embeddedEnv);
  let owner = ownerPid(home);
  figure('new_home.wall_ms', 'first command on a new home: wall', first.wallMs, 'ms');
  figure('new_home.command_cpu_ms', 'first command on a new home: the command CPU', first.cpuMs, 'ms');
  figure('new_home.owner_cpu_ms', 'first command on a new home: the owner CPU (seed, migrations)', processCpuMs(owner)!, 'ms');
  figure('new_home.owner_peak_rss_mb', 'first command on a new home: the owner peak RSS', peakMb(owner), 'MB');

  // 2. The same command again and again while the owner is up.
  await run(embeddedEnv);
  const ownerBefore = processCpuMs(owner)!;
  const embedded: Run[] = [];
  for (let i = 0; i < runs; i++) embedded.push(await run(embeddedEnv));
  const ownerPerCommand = (processCpuMs(owner)! - ownerBefore) / runs;
  const embeddedCpu = median(embedded.map((r) => r.cpuMs));
  figure('embedded.command_cpu_ms', 'embedded: the command CPU (median)', embeddedCpu, 'ms');
  figure('embedded.command_peak_rss_mb', 'embedded: the command peak RSS (median)', median(embedded.map((r) => r.rssMb)), 'MB');
  figure('embedded.owner_cpu_ms', 'embedded: the owner CPU per command', ownerPerCommand, 'ms');
  figure('embedded.total_cpu_ms', 'embedded: CPU per command, command + owner', embeddedCpu + ownerPerCommand, 'ms');
  figure('embedded.wall_ms', 'embedded: wall (median)', median(embedded.map((r) => r.wallMs)), 'ms');
  figure('embedded.owner_peak_rss_mb', 'embedded: the owner peak RSS', peakMb(owner), 'MB');

  // 3. No owner running on an existing home (cron with no daemon, or after the idle stop).
  await stopOwner(owner);
  const lone = await run(embeddedEnv);
  owner = ownerPid(home);
  figure('no_owner.wall_ms', 'a command when no owner runs: wall', lone.wallMs, 'ms');
  figure('no_owner.command_cpu_ms', 'a command when no owner runs: the command CPU', lone.cpuMs, 'ms');
  figure('no_owner.owner_cpu_ms', 'a command when no owner runs: the new owner CPU', processCpuMs(owner)!, 'ms');
  figure('no_owner.owner_peak_rss_mb', 'a command when no owner runs: the owner peak RSS', peakMb(owner), 'MB');
  await stopOwner(owner);

  // 4. PostgreSQL: the same command against a database of its own.
  const name = `mp_bench_embedded_${process.pid}`;
  const admin = await openPostgres(adminUrl, { poolSize: 2 });
  const { sql } = await import('kysely');
  await sql.raw(`create database ${name}`).execute(admin.db);
  const pgEnv: NodeJS.ProcessEnv = { ...embeddedEnv, DATABASE_URL: withDatabase(adminUrl, name) };
  try {
    await run(pgEnv);
    await run(pgEnv);
    const sampler = sampleBackendsCpu(admin.db, name, 5, 'zero');
    const postgres: Run[] = [];
    for (let i = 0; i < runs; i++) postgres.push(await run(pgEnv));
    const backendsPerCommand = ((await sampler.stop()) * 1000) / runs;
    const pgCpu = median(postgres.map((r) => r.cpuMs));
    figure('postgres.command_cpu_ms', 'PostgreSQL: the command CPU (median)', pgCpu, 'ms');
    figure('postgres.command_peak_rss_mb', 'PostgreSQL: the command peak RSS (median)', median(postgres.map((r) => r.rssMb)), 'MB');
    figure('postgres.backend_cpu_ms', 'PostgreSQL: backend CPU per command', backendsPerCommand, 'ms');
    figure('postgres.total_cpu_ms', 'PostgreSQL: CPU per command, command + backend', pgCpu + backendsPerCommand, 'ms');
    figure('postgres.wall_ms', 'PostgreSQL: wall (median)', median(postgres.map((r) => r.wallMs)), 'ms');
    figure('ratio', 'embedded / PostgreSQL CPU per command', (embeddedCpu + ownerPerCommand) / (pgCpu + backendsPerCommand), 'x (limit 1.5)');
  } finally {
    await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
    await admin.close();
  }
  figure('runs', 'runs per engine', runs);
  figure('cpu_source', 'command CPU measured by', gnuTime ? 'wait4 (GNU time)' : '/proc samples every 20 ms');
  figureLoadAverage({ when: 'after' });
} finally {
  rmSync(home, { recursive: true, force: true });
}
finish();
