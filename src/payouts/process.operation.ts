// Payouts processing as one unit of work: `mp payouts process` and the scheduled `payouts.process`
// job both call processPayouts. It takes no lock: the worker claims payouts with FOR UPDATE SKIP
// LOCKED and a lease, so any number of processes on any number of hosts share the queue.
import type { Kysely } from 'kysely';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { Database } from '../db/schema.js';
import { gatewayFromConfig } from './gateways/index.js';
import { startWorker, type WorkerOptions, type WorkerStats } from './worker.js';

export type { WorkerStats } from './worker.js';

export interface PayoutsProcessDeps {
  db: Kysely<Database>;
  config: Config;
  log: Logger;
  secretKey: Buffer;
}

export interface PayoutsProcessOptions extends Pick<WorkerOptions, 'concurrency' | 'batch' | 'leaseMs' | 'maxAttempts' | 'retryBaseMs' | 'once'> {
  /** The gateway's name (default: the `payouts.gateway` setting). */
  gateway?: string;
  /** Aborted: finish the payouts in hand, release the rest for the next worker, and return. */
  signal?: AbortSignal;
  /** Called once the worker runs, with its id and the gateway's name. */
  onStart?: (worker: { id: string; gateway: string }) => void;
}

/** Sends NEW payouts to the gateway (until none is left with `once`, else until the signal aborts). */
export async function processPayouts(deps: PayoutsProcessDeps, options: PayoutsProcessOptions = {}): Promise<{ worker: string } & WorkerStats> {
  const { gateway: name, signal, onStart, ...tuning } = options;
  const gateway = await gatewayFromConfig(deps.config, name);
  try {
    const worker = startWorker(deps.db, { ...tuning, gateway, log: deps.log, secretKey: deps.secretKey });
    const stop = () => worker.stop();
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      onStart?.({ id: worker.id, gateway: gateway.name });
      return { worker: worker.id, ...(await worker.done) };
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  } finally {
    await gateway.close();
  }
}
