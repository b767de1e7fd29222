// The root of mp's command tree and its one exit boundary. Each command group lives in
// src/cli/<group>.ts; each action there lazy-imports one module under src/commands/ and calls one
// function, so `mp --help` loads nothing but commander and these small files.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { run } from './cli/action.js';
import { registerCosts } from './cli/costs.js';
import { registerDb } from './cli/db.js';
import { registerDemo } from './cli/demo.js';
import { registerDemper } from './cli/demper.js';
import { registerExport } from './cli/export.js';
import { allCommands, commandPath, decorateHelp, preloadHelp } from './cli/help.js';
import { registerHistory } from './cli/history.js';
import { registerJobs } from './cli/jobs.js';
import { registerKaspi } from './cli/kaspi.js';
import { registerKaspiOrders } from './cli/kaspi-orders.js';
import { registerNotify } from './cli/notify.js';
import { registerPayouts } from './cli/payouts.js';
import { registerPreorders } from './cli/preorders.js';
import { registerServe } from './cli/serve.js';
import { registerWb } from './cli/wb.js';
import { registerWbNotify } from './cli/wb-notify.js';
import { loadDotEnv } from './core/config.js';
import { exitOnInterrupt, promptInterruption } from './core/interrupt.js';

/** mp's own version from its package.json (dist/src/cli.js and src/cli.ts both find it). */
function packageVersion(): string {
  for (const path of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mp' && pkg.version) return pkg.version;
    } catch {
      // not there: try the next level
    }
  }
  return 'unknown';
}

export function buildProgram(): Command {
  const program = new Command('mp')
    .description('Kaspi.kz and Wildberries seller operations from the terminal, cron and a daemon')
    .version(packageVersion(), '-V, --version')
    .option('--json', 'print data as JSON (one document, or NDJSON for streams)')
    .option('--jq <expr>', 'filter the JSON output with a jq expression (implies --json; strings print raw)')
    .option('--wide', 'tables: every column, nothing cut (on a terminal)')
    .option('-q, --quiet', 'print only warnings and errors to stderr')
    .option('-v, --verbose', 'print debug messages and stack traces')
    .addOption(new Option('--db <url>', 'PostgreSQL URL (default: the embedded database in <home>/db)').env('DATABASE_URL'))
    .addOption(new Option('--home <dir>', 'where mp keeps its embedded database and secret key').env('MP_HOME'))
    .addOption(new Option('--config <file>', 'JSON config file').env('MP_CONFIG'))
    .addOption(new Option('--lock-timeout <duration>', 'how long to wait for the embedded database to start serving').env('MP_LOCK_TIMEOUT'))
    .exitOverride();

  registerDb(program);
  registerJobs(program);
  registerDemo(program);
  registerPayouts(program);
  registerServe(program);
  registerWbNotify(registerWb(program));
  registerNotify(program);
  registerKaspiOrders(registerKaspi(program));
  registerHistory(program);
  registerExport(program);
  registerDemper(program);
  registerPreorders(program);
  registerCosts(program);
  program
    .command('doctor')
    .description('check the installation: database, secret key, tokens and sessions, proxies, clock (non-zero exit when something needs action)')
    .action(run(async () => (await import('./commands/doctor.js')).doctor));
  decorateHelp(program);
  // --jq is compiled before the command runs, so a filter mp cannot parse is a usage error (exit 2)
  // before anything is fetched or written. The evaluator is loaded only when --jq is given.
  program.hook('preAction', async (_root, action) => {
    const expression = action.optsWithGlobals().jq as string | undefined;
    if (expression === undefined) return;
    const { compileJq } = await import('./core/jq.js');
    program.setOptionValue('jqFilter', compileJq(expression));
    program.setOptionValue('json', true);
  });

  for (const command of allCommands(program)) command.exitOverride();
  return program;
}

/** Runs mp with process.argv; the only place that turns errors into exit codes. */
export async function main(argv: string[]): Promise<void> {
  loadDotEnv();
  const program = buildProgram();
  for (const command of [program, ...allCommands(program)]) {
    // Commander's own error printing is replaced by handleCommanderError's one message. The only
    // other thing commander writes to stderr is the help of a bare group (`mp`, `mp kaspi`): that
    // help is what was asked for, so it goes to stdout (and the exit code is 0).
    command.configureOutput({ outputError: () => {}, writeErr: (text) => process.stdout.write(text) });
  }
  const report = async (error: unknown): Promise<number> => {
    const { reportError } = await import('./core/report-error.js');
    return reportError(error, { verbose: argv.includes('-v') || argv.includes('--verbose'), json: wantsJson(argv) });
  };
  // `mp … | head -1`: the reader left, which is how a pipe ends, not an error (exit 0, no stack).
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  exitOnInterrupt(report);
  await preloadHelp(argv);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = handleCommanderError(error, program, argv);
      return;
    }
    process.exitCode = await report(promptInterruption(error) ?? error);
  }
}

function handleCommanderError(error: CommanderError, program: Command, argv: string[]): number {
  // --help, --version, and the help of a bare group (commander's 'commander.help', exit code 1).
  if (error.exitCode === 0 || error.code === 'commander.help') return 0;
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  let text = error.message;
  if (error.code === 'commander.unknownCommand' && !/Did you mean/.test(text)) {
    text += `\n(Did you mean ${suggestCommand(program, words)}?)`;
  }
  const known = knownPath(program, words);
  const usage = `mp${known ? ` ${known}` : ''} --help`;
  if (wantsJson(argv)) {
    const code = error.code
      .replace(/^commander\./, '')
      .replace(/[A-Z]/g, (c) => `_${c}`)
      .toUpperCase();
    const message = `${text.replace(/^error: /, '').replace(/\n/g, ' ')} (run \`${usage}\` for usage)`;
    process.stderr.write(`${JSON.stringify({ error: { code: `USAGE_${code}`, message, exit: 2 } })}\n`);
  } else process.stderr.write(`${text}\nRun \`${usage}\` for usage.\n`);
  return 2;
}

/** Whether this command line asks for JSON (`--json`, or `--jq` which implies it), before `--`. */
export function wantsJson(argv: readonly string[]): boolean {
  for (const arg of argv.slice(2)) {
    if (arg === '--') return false;
    if (arg === '--json' || arg === '--jq' || arg.startsWith('--jq=')) return true;
  }
  return false;
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
