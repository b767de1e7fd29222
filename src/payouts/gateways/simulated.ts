// A gateway with no provider behind it: a configurable latency and failure rates, for demos,
// tests and the benchmark.
import type { ClaimedPayout } from '../payouts-queue.repository.js';
import type { GatewayResult, PayoutGateway } from './gateway.js';

export interface SimulatedOptions {
  /** Milliseconds per call (0: answer without touching the timer queue). */
  latencyMs?: number;
  /** Share of payouts refused for good (0…1). */
  failureRate?: number;
  /** Share of calls that fail transiently and are retried (0…1). */
  transientRate?: number;
  random?: () => number;
}

const COMPLETED: GatewayResult = { outcome: 'completed' };

export function simulatedGateway(options: SimulatedOptions = {}): PayoutGateway {
  const latency = options.latencyMs ?? 0;
  const failureRate = options.failureRate ?? 0;
  const transientRate = options.transientRate ?? 0;
  const random = options.random ?? Math.random;
  const decide = (): GatewayResult => {
    if (failureRate > 0 && random() < failureRate) return { outcome: 'failed', reason: 'simulated: declined by the provider' };
    if (transientRate > 0 && random() < transientRate) return { outcome: 'transient', reason: 'simulated: provider unavailable' };
    return COMPLETED;
  };
  return {
    name: 'simulated',
    send(_payout: ClaimedPayout): Promise<GatewayResult> {
      if (latency <= 0) return Promise.resolve(decide());
      return new Promise((resolve) => setTimeout(() => resolve(decide()), latency));
    },
    async close() {},
  };
}
