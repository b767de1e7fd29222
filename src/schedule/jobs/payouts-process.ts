// payouts.process: drain the payout queue through the payouts processing operation.
import { operationDeps } from '../../core/operation-deps.js';
import type { JobDefinition } from '../registry.js';

export const payoutsProcess: JobDefinition = {
  name: 'payouts.process',
  description: 'send NEW payouts to the gateway until none is left (SKIP LOCKED claims: any number of hosts at once)',
  defaultSchedule: 'continuous',
  sharesWork: true,
  idle: (summary) => summary.claimed === 0,
  async run(ctx, { signal }) {
    const { processPayouts } = await import('../../payouts/process.operation.js');
    // Shutdown (the signal): finish the payouts in hand, release the rest for the next worker.
    const { worker: _id, ...stats } = await processPayouts(await operationDeps(ctx), { once: true, signal });
    return stats;
  },
};
