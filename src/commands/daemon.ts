import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { readSetting } from '../core/settings.js';
import { parseShard } from '../core/shard.js';
import { startDaemon } from '../schedule/daemon.js';
import { startDaemonBot } from '../schedule/daemon-bot.js';
import { listJobs } from '../schedule/registry.js';
import { jobSchedule, scheduleTimezone } from '../schedule/schedule-config.js';

interface Options {
  jobs?: string;
  idle?: string;
  shard?: string;
}

/**
 * `mp daemon`: runs the schedules (and the Telegram bot when a token is set) until SIGINT/SIGTERM. The first signal stops scheduling and waits
 * for running jobs; a second one exits at once. Logs are JSON lines on stderr.
 */
export async function daemon(ctx: Context, options: Options): Promise<void> {
  const log = createLogger({ structured: true, quiet: ctx.globals.quiet, verbose: ctx.globals.verbose, env: ctx.config.env });
  const quietProgress: Context['progress'] = async () => ({ tick() {}, label() {}, stop() {} });
  const dctx: Context = { ...ctx, log, progress: quietProgress };
  const all = await listJobs(ctx.config);
  let chosen = all;
  if (options.jobs) {
    const names = options.jobs
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !all.some((j) => j.name === n));
    if (unknown.length)
      throw new UsageError('JOB_UNKNOWN', `unknown job(s): ${unknown.join(', ')}`, { hint: `known jobs: ${all.map((j) => j.name).join(', ')}` });
    chosen = all.filter((j) => names.includes(j.name));
  }
  const shard = parseShard(options.shard);
  const timezone = scheduleTimezone(ctx.config);
  // --idle, MP_DAEMON_IDLE or daemon.idle: at least 100 ms (--idle 0 was a busy loop).
  const idleMs = readSetting(ctx.config, 'daemon.idle', { value: options.idle, flag: '--idle' });
  for (const job of chosen) job.checkSettings?.(ctx.config);
  const scheduled = [];
  for (const job of chosen) {
    const schedule = await jobSchedule(ctx.config, job);
    if (schedule.kind !== 'off') scheduled.push({ job, schedule });
  }
  if (scheduled.length === 0) {
    log.warn('nothing to schedule: every job is off or none is available', { event: 'daemon.idle' });
    return;
  }
  // Open the database before the first fire: with the embedded one this process now holds it.
  const handle = await ctx.db();
  log.info(`mp daemon started (pid ${process.pid}) on the ${handle.engine} database at ${handle.location}`, {
    event: 'daemon.started',
    pid: process.pid,
    engine: handle.engine,
    jobs: scheduled.map((s) => s.job.name),
    shard: shard ? `${shard.index}/${shard.count}` : null,
  });
  if (handle.owner) {
    const owner = await handle.owner();
    log.info(`the embedded database is served by mp pid ${owner.pid} (${owner.endpoint}): other mp commands share it`, {
      event: 'daemon.embedded',
      owner: owner.pid,
    });
  }
  const running = await startDaemon(dctx, scheduled, { timezone, idleMs, shard });
  // The Telegram bot too, when a token is configured: one long-lived process for a seller.
  const bot = await startDaemonBot(dctx, handle);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      log.info(`${signal}: stopping (send it again to exit at once)`, { event: 'daemon.stopping', signal, running: running.running() });
      void running.stop();
      void bot?.stop();
    } else {
      log.warn(`${signal} again: exiting now`, { event: 'daemon.exit', signal, running: running.running() });
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await running.stopped;
    await bot?.stop();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
