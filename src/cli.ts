// The whole mp command tree. Each action lazy-imports one module under src/commands/ and calls one
// function, so `mp --help` loads nothing but commander.
import { Command, CommanderError, Option } from 'commander';
import { loadDotEnv } from './core/config.js';
import type { Context } from './core/context.js';

type Handler = (ctx: Context, ...args: any[]) => Promise<unknown>;

/** Wraps a lazily imported command handler: builds the context, runs, closes the database. */
function run(load: () => Promise<Handler>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const { createContext } = await import('./core/context.js');
    const ctx = createContext(command.optsWithGlobals());
    try {
      const handler = await load();
      const code = await handler(ctx, ...args.slice(0, -1));
      if (typeof code === 'number' && code !== 0) process.exitCode = code;
    } finally {
      await ctx.close();
    }
  };
}

export function buildProgram(): Command {
  const program = new Command('mp')
    .description('Kaspi.kz and Wildberries seller operations from the terminal, cron and a daemon')
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
    .option('--json', 'print data as JSON (one document, or NDJSON for streams)')
    .option('-q, --quiet', 'print only warnings and errors to stderr')
    .option('-v, --verbose', 'print debug messages and stack traces')
    .addOption(new Option('--db <url>', 'PostgreSQL URL (default: the embedded database in <home>/db)').env('DATABASE_URL'))
    .addOption(new Option('--home <dir>', 'where mp keeps its embedded database and secret key').env('MP_HOME'))
    .addOption(new Option('--config <file>', 'JSON config file').env('MP_CONFIG'))
    .addOption(new Option('--lock-timeout <duration>', 'how long to wait for another mp using the embedded database').env('MP_LOCK_TIMEOUT'))
    .exitOverride();

  // --- db -------------------------------------------------------------------------------------
  const db = program.command('db').description('the database: migrations and status');
  db.command('migrate')
    .description('apply pending migrations (safe to run from several processes at once)')
    .action(run(async () => (await import('./commands/db/migrate.js')).dbMigrate));
  db.command('status')
    .description('engine, location, applied and pending migrations')
    .action(run(async () => (await import('./commands/db/status.js')).dbStatus));

  // --- jobs, daemon, demo -----------------------------------------------------------------------
  const jobs = program.command('jobs').description('scheduled jobs: run one now (what cron calls), see their status');
  jobs
    .command('run <job>')
    .description('run a job once under its lock; skips (exit 0) when another process is running it')
    .option('--store <id>', 'only this store (jobs that run per store)')
    .option('--cabinet <id>', 'only this cabinet (jobs that run per cabinet)')
    .option('--shard <i/n>', 'handle shard i of n (jobs that split work by product)')
    .action(run(async () => (await import('./commands/jobs/run.js')).jobsRun));
  jobs
    .command('status')
    .description('per job: last run, result, next scheduled time, failures in the last 24 h')
    .action(run(async () => (await import('./commands/jobs/status.js')).jobsStatus));
  program
    .command('daemon')
    .description('run every job on its schedule until SIGINT/SIGTERM (JSON-lines logs on stderr)')
    .option('--jobs <names>', 'only these jobs (comma-separated)')
    .option('--idle <duration>', 'how long continuous workers sleep when idle (default 10s, env MP_DAEMON_IDLE)')
    .action(run(async () => (await import('./commands/daemon.js')).daemon));

  // --- payouts, serve ----------------------------------------------------------------------------
  const payouts = program.command('payouts').description('payout requests: create and manage them, process them with workers');
  payouts
    .command('create')
    .description('enqueue a NEW payout (workers process it); prints it')
    .option('--amount <decimal>', 'amount, 0.01 to 1000000000000, at most 2 decimal places')
    .option('--currency <code>', 'RUB, USD or EUR (lower case is accepted)')
    .option('--recipient <details>', 'recipient account details (shown masked)')
    .option('--comment <text>', 'up to 1000 characters')
    .option('--idempotency-key <key>', 'the same key with the same details returns the existing payout')
    .action(run(async () => (await import('./commands/payouts/create.js')).payoutsCreate));
  payouts
    .command('list')
    .description('payouts, newest first')
    .option('--status <status>', 'NEW, PROCESSING, COMPLETED, FAILED or CANCELLED')
    .option('--since <when>', 'created since: 7d, 12h or a date (UTC)')
    .option('--limit <n>', 'at most this many (default 50, max 1000)')
    .option('--cursor <cursor>', 'continue after a previous --json page (its next_cursor)')
    .action(run(async () => (await import('./commands/payouts/list.js')).payoutsList));
  payouts
    .command('show <id>')
    .description('one payout with its status history')
    .action(run(async () => (await import('./commands/payouts/show.js')).payoutsShow));
  payouts
    .command('update <id>')
    .description('change a payout that is still NEW')
    .option('--amount <decimal>', 'new amount')
    .option('--recipient <details>', 'new recipient details')
    .option('--comment <text>', 'new comment ("" clears it)')
    .action(run(async () => (await import('./commands/payouts/update.js')).payoutsUpdate));
  payouts
    .command('cancel <id>')
    .description('cancel a NEW payout (NEW → CANCELLED)')
    .action(run(async () => (await import('./commands/payouts/cancel.js')).payoutsCancel));
  payouts
    .command('delete <id>')
    .description('delete a NEW or CANCELLED payout (its history is kept)')
    .action(run(async () => (await import('./commands/payouts/delete.js')).payoutsDelete));
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
    .action(run(async () => (await import('./commands/payouts/process.js')).payoutsProcess));
  program
    .command('serve')
    .description('the payouts REST API (/api/payouts, /openapi.json, /healthz) until SIGINT/SIGTERM')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port (default 8080; 0 picks a free one)')
    .action(run(async () => (await import('./commands/serve.js')).serve));

  // --- export ---------------------------------------------------------------------------------
  program
    .command('export [dataset]')
    .description('write a dataset to CSV, XLSX, JSON or NDJSON, streamed (no dataset: list them)')
    .option('--format <format>', 'csv, xlsx, json or ndjson (default: from the --out extension, else csv)')
    .option('--out <file>', 'the file to write, or - for stdout (default: export/<dataset>-<timestamp>.<ext>)')
    .option('--since <when>', 'rows since an age (7d, 12h) or a date (2026-11-01)')
    .option('--city <city>', 'only this city (id or name)')
    .option('--filter <key=value>', 'only rows where a column matches (also !=, >, >=, <, <=); repeatable', (v: string, all: string[] = []) => [...all, v])
    .option('--excel', 'CSV for Excel in ru/kz locales: BOM, ; separators, decimal commas')
    .action(run(async () => (await import('./commands/export/run.js')).exportRun));

  for (const command of allCommands(program)) command.exitOverride();
  return program;
}

function allCommands(root: Command): Command[] {
  return root.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Runs mp with process.argv; the only place that turns errors into exit codes. */
export async function main(argv: string[]): Promise<void> {
  loadDotEnv();
  const program = buildProgram();
  for (const command of [program, ...allCommands(program)]) {
    // Commander's own error printing is replaced by handleCommanderError's one message.
    command.configureOutput({ outputError: () => {} });
  }
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = handleCommanderError(error, program, argv);
      return;
    }
    const { reportError } = await import('./core/report-error.js');
    process.exitCode = reportError(error, { verbose: argv.includes('-v') || argv.includes('--verbose') });
  }
}

function handleCommanderError(error: CommanderError, program: Command, argv: string[]): number {
  if (error.exitCode === 0) return 0; // --help, --version
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  let text = error.message;
  if (error.code === 'commander.unknownCommand' && !/Did you mean/.test(text)) {
    text += `\n(Did you mean ${suggestCommand(program, words)}?)`;
  }
  const known = knownPath(program, words);
  process.stderr.write(`${text}\nRun \`mp${known ? ` ${known}` : ''} --help\` for usage.\n`);
  return 2;
}

function knownPath(program: Command, words: string[]): string {
  const path: string[] = [];
  let parent = program;
  for (const word of words) {
    const next = parent.commands.find((c) => c.name() === word);
    if (!next) break;
    path.push(word);
    parent = next;
  }
  return path.join(' ');
}

/** The closest command name to what was typed, or the list of commands when nothing is close. */
export function suggestCommand(program: Command, words: string[]): string {
  let parent = program;
  let typed = words[0] ?? '';
  for (const word of words) {
    const next = parent.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) {
      typed = word;
      break;
    }
    parent = next;
  }
  const names = parent.commands.map((c) => c.name());
  const prefix = parent === program ? 'mp' : `mp ${commandPath(parent)}`;
  const ranked = names.map((n) => ({ n, d: editDistance(typed, n) })).sort((a, b) => a.d - b.d);
  const best = ranked[0];
  if (best && best.d <= Math.max(2, Math.floor(best.n.length / 2))) return `\`${prefix} ${best.n}\``;
  return `one of: ${names.map((n) => `\`${prefix} ${n}\``).join(', ')}`;
}

function commandPath(command: Command): string {
  const parts: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) parts.unshift(c.name());
  return parts.join(' ');
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + cost);
    }
  }
  return dp[a.length]![b.length]!;
}
