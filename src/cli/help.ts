// Help that is more than commander's: examples at the end of every leaf command, the job names in
// `mp jobs --help`, the datasets in `mp export --help`, `mp help <topic>` (exit-codes) and
// `mp completion bash|zsh|fish`. Start-up registers two commands and one listener; the texts
// (src/cli/help-extras.ts) are loaded only when this command line shows a help page.
import type { Command } from 'commander';

/** Every command below `root`, depth first. */
export function allCommands(root: Command): Command[] {
  return root.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** `kaspi track add` for that command (the root's name left out). */
export function commandPath(command: Command): string {
  const parts: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) parts.unshift(c.name());
  return parts.join(' ');
}

const ROOT_FOOTER =
  '\nExit codes: 0 ok, 1 failure, 2 usage, 4 authentication, 5 rate-limited/paused,\n70 internal error, 130 interrupted (`mp help exit-codes`). Documentation: docs/.\n';

type Extras = typeof import('./help-extras.js');
let extras: Extras | undefined;

/**
 * Loads the help texts when this command line may show a help page: `--help`/`-h`, `mp help …`, or
 * a bare `mp` / bare group (at most one word). Every other start-up loads nothing more.
 */
export async function preloadHelp(argv: readonly string[]): Promise<void> {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const asksHelp = words[0] === 'help' || argv.includes('--help') || argv.includes('-h');
  // `mp` and `mp --help` show only the root's footer, which is here: `mp --help` stays as cheap as it was.
  if (words.length === 0 || (!asksHelp && words.length > 1)) return;
  extras = await import('./help-extras.js');
  await extras.loadLists(words, asksHelp);
}

/** Adds `mp help` and `mp completion`, and the examples and lists after each help page. */
export function decorateHelp(program: Command): void {
  for (const command of [program, ...allCommands(program)]) {
    // One way to ask: `mp help kaspi scrape` or `mp kaspi scrape --help` (no `help` in every group).
    command.helpCommand(false);
  }
  program
    .command('help [topic...]')
    .description('help on a command (`mp help kaspi scrape`) or a topic: exit-codes')
    .action(async (topic: string[] | undefined) => {
      extras ??= await import('./help-extras.js');
      extras.helpAction(program, topic ?? []);
    });
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string) => {
      const { completionScript } = await import('../commands/completion.js');
      process.stdout.write(await completionScript(shell, program));
    });
  // Emitted on the command and each ancestor after a help page: the root writes the extras once.
  program.on('afterAllHelp', (context: { command: Command; write: (text: string) => void }) => {
    if (context.command === program) context.write(ROOT_FOOTER);
    else if (extras) context.write(extras.helpFooter(context.command));
  });
}
