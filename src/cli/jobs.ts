// `mp jobs` (run one now, status) and `mp daemon` (every job on its schedule).
import type { Command } from 'commander';
import { run } from './action.js';

export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('scheduled jobs: run one now (what cron calls), see their status');
  jobs
    .command('run <job>')
    .description('run a job once under its lock; skips (exit 0) when another process is running it')
    .option('--store <id>', 'only this store (jobs that run per store)')
    .option('--cabinet <id>', 'only this cabinet (jobs that run per cabinet)')
    .option('--shard <i/n>', 'handle shard i of n (jobs that split work by product)')
    .action(run(async () => (await import('../commands/jobs/run.js')).jobsRun));
  jobs
    .command('status')
    .description('per job: last run, result, next scheduled time, failures in the last 24 h')
    .action(run(async () => (await import('../commands/jobs/status.js')).jobsStatus));
  program
    .command('daemon')
    .description('run every job on its schedule until SIGINT/SIGTERM (JSON-lines logs on stderr)')
    .option('--jobs <names>', 'only these jobs (comma-separated)')
    .option('--idle <duration>', 'how long continuous workers sleep when idle (default 10s, env MP_DAEMON_IDLE)')
    .option('--shard <i/n>', 'jobs that split work by product (kaspi.scrape, demper.run) handle shard i of n: one per host on one database')
    .action(run(async () => (await import('../commands/daemon.js')).daemon));
}
