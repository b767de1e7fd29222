// payouts.process: drain the payout queue with the payouts worker.
import type { JobDefinition } from '../registry.js';

export const payoutsProcess: JobDefinition = {
  name: 'payouts.process',
  description: 'send NEW payouts to the gateway until none is left (SKIP LOCKED claims: any number of hosts at once)',
  defaultSchedule: 'continuous',
  sharesWork: true,
  idle: (summary) => summary.claimed === 0,
  async run(ctx, { signal }) {
    const [{ gatewayFromConfig }, { startWorker }] = await Promise.all([import('../../payouts/gateways/index.js'), import('../../payouts/worker.js')]);
    const gateway = await gatewayFromConfig(ctx.config);
    try {
      const { db } = await ctx.db();
      const worker = startWorker(db, { gateway, log: ctx.log, once: true, secretKey: await ctx.secretKey() });
      // Shutdown: finish the payouts in hand, release the rest for the next worker.
      const stop = () => worker.stop();
      if (signal.aborted) stop();
      signal.addEventListener('abort', stop, { once: true });
      try {
        return { ...(await worker.done) };
      } finally {
        signal.removeEventListener('abort', stop);
      }
    } finally {
      await gateway.close();
    }
  },
};
