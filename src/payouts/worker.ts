// The payout worker: N claim loops per process, each claiming a batch (SKIP LOCKED + lease), calling
// the gateway, and writing the whole batch's outcomes in one statement. Any number of processes on
// any number of hosts can share one PostgreSQL. On PGlite the loops share its one connection: they
// interleave correctly but add no parallelism.
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Logger } from '../core/log.js';
import type { Database } from '../db/schema.js';
import type { PayoutGateway } from './gateways/gateway.js';
import { plainRecipients, sealRecipients } from './payouts.repository.js';
import { type ClaimedPayout, claimPayouts, finishPayouts, type Outcome, pendingWork, releasePayouts, renewLeases } from './payouts-queue.repository.js';
import { openRecipient, sealRecipient } from './recipient-seal.js';

export interface WorkerOptions {
  gateway: PayoutGateway;
  log: Logger;
  /** Opens sealed recipients for the gateway, and seals plain ones at start (sql/0022). */
  secretKey: Buffer;
  /** Claim loops in this process (default 1). */
  concurrency?: number;
  /** Payouts per claim (default 100). */
  batch?: number;
  /** Lease length; renewed every third of it while the batch is at the gateway (default 60 s). */
  leaseMs?: number;
  /** Gateway calls per payout before a transient error becomes FAILED (default 5). */
  maxAttempts?: number;
  /** First retry back-off, doubled per attempt up to 5 minutes (default 1 s). */
  retryBaseMs?: number;
  /** Drain and exit: stop when no payout is NEW or PROCESSING any more. */
  once?: boolean;
  /** Wait between empty claims (default 500 ms). */
  pollMs?: number;
  /** Gateway calls in flight per loop (default 32). */
  callsInFlight?: number;
  workerId?: string;
}

export interface WorkerStats {
  claimed: number;
  completed: number;
  failed: number;
  retried: number;
  released: number;
  batches: number;
}

export interface Worker {
  readonly id: string;
  /** Resolves when every loop has stopped. */
  readonly done: Promise<WorkerStats>;
  /** Graceful stop: claim nothing more, finish calls in flight, release payouts not yet sent. */
  stop(): void;
}

const MAX_BACKOFF_MS = 300_000;
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Seals every recipient still stored in clear, a thousand at a time; returns how many. */
export async function sealPlainRecipients(db: Kysely<Database>, key: Buffer): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await plainRecipients(db, 1000);
    if (rows.length === 0) return total;
    await sealRecipients(
      db,
      rows.map((r) => ({ id: r.id, ...((s) => ({ sealed: s.recipient, masked: s.recipient_masked }))(sealRecipient(r.recipient, key)) })),
    );
    total += rows.length;
  }
}

/** Starts the worker loops; see Worker. */
export function startWorker(db: Kysely<Database>, options: WorkerOptions): Worker {
  const id = options.workerId ?? `${hostname()}/${process.pid}/${Math.random().toString(36).slice(2, 8)}`;
  const batch = options.batch ?? 100;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const pollMs = options.pollMs ?? 500;
  const callsInFlight = options.callsInFlight ?? 32;
  const stats: WorkerStats = { claimed: 0, completed: 0, failed: 0, retried: 0, released: 0, batches: 0 };
  let stopping = false;
  const wakers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });

  async function processBatch(claimed: ClaimedPayout[]): Promise<void> {
    const outcomes: Outcome[] = [];
    const unsent: string[] = [];
    const open = new Set(claimed.map((p) => p.id));
    const renew = setInterval(
      () => {
        renewLeases(db, id, [...open], leaseMs).catch((error) => options.log.warn(`could not renew payout leases: ${(error as Error).message}`));
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    try {
      let next = 0;
      const runner = async () => {
        while (next < claimed.length) {
          const p = claimed[next++]!;
          if (stopping && p.attempts <= maxAttempts) {
            unsent.push(p.id);
            continue;
          }
          outcomes.push(await decide(p));
          open.delete(p.id);
        }
      };
      await Promise.all(Array.from({ length: Math.min(callsInFlight, claimed.length) }, runner));
    } finally {
      clearInterval(renew);
    }
    await finishPayouts(db, id, outcomes);
    if (unsent.length) stats.released += await releasePayouts(db, id, unsent);
    for (const o of outcomes) {
      if (o.result === 'COMPLETED') stats.completed++;
      else if (o.result === 'FAILED') stats.failed++;
      else stats.retried++;
    }
  }

  async function decide(p: ClaimedPayout): Promise<Outcome> {
    // Claimed again after a crash or retries more often than allowed: give up without a call.
    if (p.attempts > maxAttempts) return { id: p.id, result: 'FAILED', detail: `gave up after ${maxAttempts} attempts: ${p.last_error ?? 'worker lost'}` };
    let result: Awaited<ReturnType<PayoutGateway['send']>>;
    try {
      // The recipient leaves its seal only for the gateway call.
      result = await options.gateway.send({ ...p, recipient: openRecipient(p.recipient, options.secretKey) });
    } catch (error) {
      result = { outcome: 'transient', reason: `gateway error: ${(error as Error).message}` };
    }
    if (result.outcome === 'completed') return { id: p.id, result: 'COMPLETED', detail: result.reference ?? null };
    if (result.outcome === 'failed') return { id: p.id, result: 'FAILED', detail: result.reason };
    if (p.attempts >= maxAttempts) return { id: p.id, result: 'FAILED', detail: `gave up after ${p.attempts} attempts: ${result.reason}` };
    const backoff = Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** (p.attempts - 1));
    return { id: p.id, result: 'RETRY', detail: result.reason, retryInMs: backoff / 2 + Math.random() * (backoff / 2) };
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        if (await step()) return;
      } catch (error) {
        // A daemon outlives a database restart; a draining run reports the failure.
        if (options.once) throw error;
        options.log.warn(`payout worker: ${(error as Error).message}; retrying in ${pollMs * 4} ms`);
        await sleep(pollMs * 4);
      }
    }
  }

  /** One claim-and-process round; true when a draining worker has nothing left to wait for. */
  async function step(): Promise<boolean> {
    const t0 = performance.now();
    const claimed = await claimPayouts(db, id, batch, leaseMs);
    if (claimed.length > 0) {
      stats.claimed += claimed.length;
      stats.batches++;
      const t1 = performance.now();
      await processBatch(claimed);
      options.log.debug('payout batch', { size: claimed.length, claimMs: round(t1 - t0), processMs: round(performance.now() - t1) });
      return false;
    }
    if (options.once) {
      const work = await pendingWork(db);
      if (work.pending === 0) return true;
      await sleep(Math.min(pollMs, (work.nextLeaseEndsInMs ?? pollMs) + 10));
    } else await sleep(pollMs);
    return false;
  }

  // Recipients written before they were sealed (or by other writers) are sealed before any claim.
  const sealed = sealPlainRecipients(db, options.secretKey).then(
    (n) => {
      if (n > 0) options.log.info(`payout worker: sealed ${n} recipient(s) stored in clear`, { sealed: n });
    },
    // Not a reason to stop paying out: the next worker start tries again.
    (error) => options.log.warn(`payout worker: could not seal the recipients stored in clear: ${(error as Error).message}`),
  );
  const loops = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, () => sealed.then(loop));
  const done = Promise.all(loops).then(
    () => stats,
    (error) => {
      stopping = true;
      throw error;
    },
  );
  return {
    id,
    done,
    stop() {
      stopping = true;
      for (const wake of [...wakers]) wake();
    },
  };
}
