// The demo's sections, in the order of a seller's day. Each runs only what this build has.
import type { DemoSection } from './demo.service.js';

const payouts: DemoSection = {
  title: 'Payouts',
  async run(r) {
    if (!(await r.has('payouts create'))) return { skipped: 'the payouts commands are missing' };
    const requests = [
      { amount: '15000.00', recipient: '40817810099910004312', comment: 'supplier: boxes' },
      { amount: '2490.50', recipient: '40817810099910007781', comment: 'courier, November' },
      { amount: '120000.00', recipient: '40817810099910001209', comment: 'rent' },
    ];
    for (const p of requests) {
      await r.mp('Request a payout (it waits as NEW for a worker):', [
        'payouts',
        'create',
        '--amount',
        p.amount,
        '--currency',
        'RUB',
        '--recipient',
        p.recipient,
        '--comment',
        p.comment,
      ]);
    }
    await r.mp('Process the queue once, the way cron or the daemon does (simulated gateway):', ['jobs', 'run', 'payouts.process']);
    await r.mp('The payouts now:', ['payouts', 'list']);
    return undefined;
  },
};

const jobs: DemoSection = {
  title: 'Scheduled jobs',
  async run(r) {
    await r.mp('What ran, what failed and when each job runs next under `mp daemon`:', ['jobs', 'status']);
    r.note('`mp daemon` runs these on their schedules; crontab.example has the same schedule for cron.');
    return undefined;
  },
};

export function demoSections(): DemoSection[] {
  return [payouts, jobs];
}
