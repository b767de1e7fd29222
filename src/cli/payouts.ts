// `mp payouts`: the queue (its REST API is part of `mp serve`, src/cli/serve.ts).
import type { Command } from 'commander';
import { run } from './action.js';

export function registerPayouts(program: Command): void {
  const payouts = program.command('payouts').description('payout requests: create and manage them, process them with workers');
  payouts
    .command('create')
    .description('enqueue a NEW payout (workers process it); prints it')
    .option('--amount <decimal>', 'amount, 0.01 to 1000000000000, at most 2 decimal places')
    .option('--currency <code>', 'RUB, USD or EUR (lower case is accepted)')
    .option('--recipient <details>', 'recipient account details (shown masked)')
    .option('--comment <text>', 'up to 1000 characters')
    .option('--idempotency-key <key>', 'the same key with the same details returns the existing payout')
    .action(run(async () => (await import('../commands/payouts/create.js')).payoutsCreate));
  payouts
    .command('list')
    .description('payouts, newest first')
    .option('--status <status>', 'NEW, PROCESSING, COMPLETED, FAILED or CANCELLED')
    .option('--since <when>', 'created since: 7d, 12h or a date (UTC)')
    .option('--limit <n>', 'at most this many (default 50, max 1000)')
    .option('--cursor <cursor>', 'continue after a previous --json page (its next_cursor)')
    .option('--show-recipient', 'recipient details in clear (stored sealed; masked by default)')
    .action(run(async () => (await import('../commands/payouts/list.js')).payoutsList));
  payouts
    .command('show <id>')
    .description('one payout with its status history')
    .option('--show-recipient', 'recipient details in clear (stored sealed; masked by default)')
    .action(run(async () => (await import('../commands/payouts/show.js')).payoutsShow));
  payouts
    .command('update <id>')
    .description('change a payout that is still NEW')
    .option('--amount <decimal>', 'new amount')
    .option('--recipient <details>', 'new recipient details')
    .option('--comment <text>', 'new comment ("" clears it)')
    .action(run(async () => (await import('../commands/payouts/update.js')).payoutsUpdate));
  payouts
    .command('cancel <id>')
    .description('cancel a NEW payout (NEW → CANCELLED)')
    .action(run(async () => (await import('../commands/payouts/cancel.js')).payoutsCancel));
  payouts
    .command('delete <id>')
    .description('delete a NEW or CANCELLED payout (its history is kept)')
    .action(run(async () => (await import('../commands/payouts/delete.js')).payoutsDelete));
  payouts
    .command('process')
    .description('work the queue: claim, send through the gateway, record the outcome (until SIGTERM, or --once)')
    .option('--once', 'drain: exit when no payout is NEW or PROCESSING')
    .option('--concurrency <n>', 'claim loops in this process (default 1)')
    .option('--batch <n>', 'payouts per claim (default 100)')
    .option('--lease <duration>', 'lease on claimed payouts, renewed while working (default 60s)')
    .option('--max-attempts <n>', 'gateway attempts before a transient error fails the payout (default 5)')
    .option('--retry-delay <duration>', 'first retry back-off, doubled per attempt (default 1s)')
    .option('--gateway <name>', 'simulated (default) or http (env MP_PAYOUTS_GATEWAY)')
    .action(run(async () => (await import('../commands/payouts/process.js')).payoutsProcess));
}
