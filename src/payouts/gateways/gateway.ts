// What a payout gateway is: one call per payout, and an answer the worker can act on.
import type { ClaimedPayout } from '../payouts-queue.repository.js';

/**
 * `completed`: the provider accepted the payout. `failed`: it refused for good (bad recipient,
 * limits). `transient`: try again later (5xx, timeout, network).
 */
export type GatewayResult = { outcome: 'completed'; reference?: string } | { outcome: 'failed' | 'transient'; reason: string };

export interface PayoutGateway {
  readonly name: string;
  /** Sends one payout. Must not throw for provider answers; a throw counts as transient. */
  send(payout: ClaimedPayout, signal?: AbortSignal): Promise<GatewayResult>;
  close(): Promise<void>;
}
