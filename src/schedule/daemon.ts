// `mp daemon`: runs every scheduled job on its cron schedule (node-cron) and continuous jobs in a
// worker loop, until stopped. Overlaps across processes and hosts are prevented by each job's
// advisory lock (run-job.ts); node-cron's noOverlap only skips fires inside this process.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScheduledTask } from 'node-cron';
import type { Context } from '../core/context.js';
import type { Shard } from '../core/shard.js';
import type { JobDefinition } from './registry.js';
import { describeError, type JobOutcome, runJob } from './run-job.js';
import type { Schedule } from './schedule-config.js';

export interface ScheduledJob {
  job: JobDefinition;
  schedule: Schedule;
}

export interface DaemonOptions {
  timezone: string;
  /** How long a continuous worker sleeps after a run that found nothing to do. */
  idleMs: number;
  /** `--shard i/n`: jobs that split work by product (kaspi.scrape, demper.run) handle this shard only. */
  shard?: Shard;
}

export interface Daemon {
  /** Stops scheduling, asks running jobs to stop between units of work, and waits for them. */
  stop(): Promise<void>;
  /** Names of the jobs running right now. */
  running(): string[];
  /** Resolves once stop() has finished. */
  stopped: Promise<void>;
}

/** Starts the schedules; job failures are logged and recorded, never fatal to the daemon. */
export async function startDaemon(ctx: Context, jobs: ScheduledJob[], options: DaemonOptions): Promise<Daemon> {
  const { default: cron } = await import('node-cron');
  const abort = new AbortController();
  const inFlight = new Map<Promise<void>, string>();
  const tasks: ScheduledTask[] = [];
  const loops: Promise<void>[] = [];
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  const track = (name: string, work: Promise<void>) => {
    inFlight.set(work, name);
    work.finally(() => inFlight.delete(work));
    return work;
  };

  /** One run (per scope); whatever happens is logged, nothing is thrown. */
  const runLogged = async (job: JobDefinition, dropIdle: boolean): Promise<JobOutcome[]> => {
    try {
      const shard = job.sharded ? options.shard : undefined;
      const outcomes = await runJob(ctx, job, { signal: abort.signal, dropIdle, shard });
      for (const o of outcomes) logOutcome(ctx, o);
      return outcomes;
    } catch (error) {
      // The run could not even be recorded (database down): say so and keep scheduling.
      ctx.log.error(`${job.name} could not run: ${describeError(error)}`, { event: 'job.error', job: job.name });
      return [];
    }
  };

  // node-cron's own messages (overlap warnings and the like) go to our log as debug lines: we log
  // what matters ourselves, as JSON.
  const cronLogger = {
    info: (m: string) => ctx.log.debug(`node-cron: ${m}`),
    warn: (m: string) => ctx.log.debug(`node-cron: ${m}`),
    error: (m: string | Error) => ctx.log.debug(`node-cron: ${m instanceof Error ? m.message : m}`),
    debug: (m: string | Error) => ctx.log.debug(`node-cron: ${m instanceof Error ? m.message : m}`),
  };
  for (const { job, schedule } of jobs) {
    if (schedule.kind === 'cron') {
      const task = cron.createTask(
        schedule.expression,
        async () => {
          if (abort.signal.aborted) return;
          await track(
            job.name,
            runLogged(job, false).then(() => {}),
          );
        },
        { name: job.name, timezone: options.timezone, noOverlap: true, logger: cronLogger },
      );
      task.on('execution:overlap', () => {
        ctx.log.warn(`${job.name} is still running: this fire is skipped`, { event: 'job.overlap', job: job.name });
      });
      task.on('execution:missed', (c) => {
        // The process was too busy (or asleep) at the fire time: the next fire catches up.
        ctx.log.warn(`${job.name} missed its ${c.date.toISOString()} fire`, { event: 'job.missed', job: job.name, at: c.date.toISOString() });
      });
      tasks.push(task);
      await task.start();
      ctx.log.info(`scheduled ${job.name} at "${schedule.expression}" (${options.timezone})`, {
        event: 'job.scheduled',
        job: job.name,
        schedule: schedule.expression,
        timezone: options.timezone,
        next: task.getNextRun()?.toISOString(),
      });
    } else if (schedule.kind === 'continuous') {
      ctx.log.info(`running ${job.name} continuously`, { event: 'job.scheduled', job: job.name, schedule: 'continuous' });
      loops.push(
        (async () => {
          while (!abort.signal.aborted) {
            let outcomes: JobOutcome[] = [];
            await track(
              job.name,
              runLogged(job, true).then((o) => {
                outcomes = o;
              }),
            );
            // Straight on while there is work; a nap after an idle, skipped or failed run.
            if (!outcomes.some((o) => o.status === 'succeeded')) await sleep(options.idleMs, undefined, { signal: abort.signal }).catch(() => {});
          }
        })(),
      );
    }
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      abort.abort();
      for (const task of tasks) await task.stop();
      const names = [...inFlight.values()];
      if (names.length > 0) ctx.log.info(`stopping: waiting for ${names.join(', ')} to finish`, { event: 'daemon.draining', jobs: names });
      await Promise.allSettled([...inFlight.keys(), ...loops]);
      for (const task of tasks) await task.destroy();
      ctx.log.info('stopped', { event: 'daemon.stopped' });
      resolveStopped();
    })();
    return stopping;
  };
  return { stop, running: () => [...inFlight.values()], stopped };
}

function logOutcome(ctx: Context, o: JobOutcome): void {
  const fields = { event: `job.${o.status}`, job: o.job, scope: o.scope, runId: o.runId, durationMs: o.durationMs };
  const label = o.scope ? `${o.job} (${o.scope})` : o.job;
  if (o.status === 'succeeded') ctx.log.info(`${label} succeeded`, { ...fields, summary: o.summary });
  else if (o.status === 'failed') ctx.log.error(`${label} failed: ${describeError(o.error)}`, fields);
  else if (o.status === 'skipped') ctx.log.warn(`${label} skipped: another process is running it`, fields);
  else ctx.log.debug(`${label}: nothing to do`, fields);
}
