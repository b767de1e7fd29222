// The texts of mp's help pages, loaded only when one is shown (src/cli/help.ts): examples, the
// job and dataset lists, topics (`mp help exit-codes`) and the root's exit-code footer.
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { EXAMPLES, examplesHelp } from './examples.js';
import { commandPath } from './help.js';

export const EXIT_CODES_HELP = `Exit codes of every mp command (the same for cron, scripts and CI):

  0    success (also: a scheduled job skipped because another process runs it)
  1    failure: bad data, an unreachable service, some items failed (the message says what to do)
  2    usage: unknown command or option, a flag value mp cannot accept; nothing was done
  4    authentication: a token or session is expired, revoked or refused (WB token, Kaspi cabinet
       session or Shop API token, Telegram bot token): renew it, the message names the command
  5    rate-limited or paused: the marketplace asked mp to slow down or paused the account
       (WB 429, Kaspi 403/429 or its 30-minute price-write pause): run again later
  70   internal error: a bug in mp (one line; --verbose prints the stack trace); please report it
  130  interrupted (Ctrl-C, SIGTERM): what finished is kept, the message says what was saved

With --json (or --jq) an error is one JSON object on stderr:
  {"error": {"code": "WB_UNAUTHORIZED", "message": "…", "exit": 4}}
See docs/scripting.md.
`;

const TOPICS: Record<string, string> = { 'exit-codes': EXIT_CODES_HELP };

/** Names and one-line descriptions of what a group's help lists (jobs, datasets), loaded when asked. */
const lists: { jobs?: Array<[string, string]>; datasets?: Array<[string, string]> } = {};

/**
 * Loads the job names and dataset names when the help page asked for lists them (`mp jobs`,
 * `mp jobs --help`, `mp export --help`, `mp help jobs`).
 */
export async function loadLists(words: readonly string[], asksHelp: boolean): Promise<void> {
  const group = words[0] === 'help' ? words[1] : words[0];
  if (group === 'jobs' && (asksHelp || words.length === 1)) {
    const { builtinJobs } = await import('../schedule/builtin-jobs.js');
    // The schedule is one word to the wrapping below (NUL-joined), shown with its spaces.
    lists.jobs = builtinJobs.map((j) => [j.name, `${j.description} (default: ${j.defaultSchedule.replace(/ /g, '\u0000')})`]);
  }
  if (group === 'export' && asksHelp) {
    const { DATASETS } = await import('../export/datasets.js');
    lists.datasets = DATASETS.map((d) => [d.name, d.description]);
  }
}

function listHelp(title: string, items: Array<[string, string]> | undefined): string {
  if (!items) return '';
  const width = Math.max(...items.map(([n]) => n.length));
  const room = Math.max(30, Math.min(process.stdout.columns || 80, 120) - width - 4);
  const lines = items.map(([n, d]) => `  ${n.padEnd(width)}  ${wrap(d, room).join(`\n${' '.repeat(width + 4)}`)}`);
  return `\n${title}:\n${lines.join('\n').split('\u0000').join(' ')}\n`;
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** What follows a command's help (the root's own footer is in help.ts): the lists it names, its examples. */
export function helpFooter(command: Command): string {
  const path = commandPath(command);
  let text = '';
  if (path === 'jobs' || path === 'jobs run') text += listHelp('Jobs', lists.jobs);
  if (path === 'export') text += listHelp('Datasets (mp export lists their columns)', lists.datasets);
  const examples = EXAMPLES[path];
  if (examples) text += examplesHelp(examples);
  return text;
}

/** `mp help [topic…]`: a topic's text, or the help of the command the words name. */
export function helpAction(program: Command, words: readonly string[]): void {
  if (words.length === 1 && TOPICS[words[0]!]) {
    process.stdout.write(TOPICS[words[0]!]!);
    return;
  }
  let target: Command = program;
  for (const word of words) {
    const next = target.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) {
      throw new UsageError('HELP_UNKNOWN_TOPIC', `no command or help topic "${words.join(' ')}"`, {
        hint: `topics: ${Object.keys(TOPICS).join(', ')}; commands: mp --help`,
      });
    }
    target = next;
  }
  target.outputHelp();
}
