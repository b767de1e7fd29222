import { parseDurationMs } from '../../core/config.js';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { processPayouts } from '../../payouts/process.operation.js';
import { intOption } from './options.js';

interface Options {
  once?: boolean;
  concurrency?: string;
  batch?: string;
  lease?: string;
  maxAttempts?: string;
  retryDelay?: string;
  gateway?: string;
}

function duration(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  try {
    const ms = parseDurationMs(text, flag);
    if (ms < 100) throw new Error('too short');
    return ms;
  } catch {
    throw new UsageError('BAD_OPTION', `${flag} must be a duration of at least 100ms like 30s or 2m, got "${text}"`);
  }
}

export async function payoutsProcess(ctx: Context, options: Options): Promise<void> {
  // Every bad flag is one stderr line, then exit 2 (before the gateway or the database is touched).
  const errors: string[] = [];
  const check = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (error) {
      errors.push((error as Error).message);
      return fallback;
    }
  };
  const concurrency = check(() => intOption(options.concurrency, '--concurrency', 1, 1, 8), 1);
  const batch = check(() => intOption(options.batch, '--batch', 100, 1, 5000), 100);
  const maxAttempts = check(() => intOption(options.maxAttempts, '--max-attempts', 5, 1, 100), 5);
  const leaseMs = check(() => duration(options.lease, '--lease', 60_000), 60_000);
  const retryBaseMs = check(() => duration(options.retryDelay, '--retry-delay', 1000), 1000);
  if (errors.length === 1) throw new UsageError('BAD_OPTION', errors[0]!);
  if (errors.length > 1 && ctx.out.json) throw new UsageError('BAD_OPTION', errors.join('; '));
  if (errors.length > 1) {
    for (const message of errors) ctx.log.error(message, { code: 'BAD_OPTION' });
    throw new UsageError('BAD_OPTION', `${errors.length} invalid options`, { hint: 'fix the lines above; see --help' });
  }
  const handle = await ctx.db();
  const controller = new AbortController();
  let workerId = '';
  const onSignal = (signal: string) => {
    ctx.log.info(`${signal}: finishing the payouts in hand, releasing the rest`, { worker: workerId });
    controller.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const { worker, ...stats } = await processPayouts(
      { db: handle.db, config: ctx.config, log: ctx.log, secretKey: await ctx.secretKey() },
      {
        gateway: options.gateway,
        concurrency,
        batch,
        leaseMs,
        maxAttempts,
        retryBaseMs,
        once: options.once,
        signal: controller.signal,
        onStart: (w) => {
          workerId = w.id;
          ctx.log.info(`payout worker ${w.id} started`, {
            engine: handle.engine,
            gateway: w.gateway,
            concurrency,
            batch,
            leaseMs,
            once: Boolean(options.once),
          });
        },
      },
    );
    if (ctx.out.json) ctx.out.jsonDocument({ worker, ...stats });
    ctx.log.info(
      `payout worker ${worker} stopped: ${stats.completed} completed, ${stats.failed} failed, ${stats.retried} to retry, ${stats.released} released`,
      { ...stats },
    );
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
