// Help as a seller meets it: bare `mp` and every bare group print help on stdout and exit 0; every
// leaf command's help ends with 1–3 examples that name real commands and options; `mp jobs --help`
// lists the jobs, `mp export --help` the datasets; `mp help exit-codes`; shell completion.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../src/cli/examples.js';
import { allCommands, commandPath } from '../../src/cli/help.js';
import { buildProgram } from '../../src/cli.js';
import { DATASETS } from '../../src/export/datasets.js';
import { builtinJobs } from '../../src/schedule/builtin-jobs.js';
import { runMp } from '../support/cli.js';

const program = buildProgram();
const commands = allCommands(program);
const leaves = commands.filter((c) => c.commands.length === 0);
const groups = commands.filter((c) => c.commands.length > 0);

/** Splits an example into shell words (quotes honoured), up to a pipe, redirect or comment. */
function words(example: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  const line = example.replace(/^.*\|\s*(?=mp )/, '');
  for (const m of line.matchAll(re)) {
    const w = m[1] ?? m[2] ?? m[3]!;
    if (m[3] && /^(>|\||#|&&)/.test(w)) break;
    out.push(w);
  }
  return out;
}

/** The command an example runs (deepest match of its words) and the options it uses. */
function resolve(example: string): { command: Command; options: string[] } {
  const w = words(example);
  const start = w.indexOf('mp');
  let command: Command = program;
  const options: string[] = [];
  for (const word of w.slice(start + 1)) {
    if (word.startsWith('-')) {
      options.push(word.split('=')[0]!);
      continue;
    }
    const next = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (next && options.length === 0) command = next;
  }
  return { command, options };
}

function knownOptions(command: Command): Set<string> {
  const flags = new Set<string>(['--help', '-h']);
  for (let c: Command | null = command; c; c = c.parent) for (const o of c.options) for (const f of [o.long, o.short]) if (f) flags.add(f);
  return flags;
}

describe('help examples', () => {
  it('every leaf command has 1–3 examples, and every example belongs to a real command', () => {
    const missing = leaves.map(commandPath).filter((p) => !EXAMPLES[p] || EXAMPLES[p]!.length < 1 || EXAMPLES[p]!.length > 3);
    expect(missing).toEqual([]);
    const known = new Set(commands.map(commandPath));
    expect(Object.keys(EXAMPLES).filter((p) => !known.has(p))).toEqual([]);
  });

  it('each example runs the command it documents, with options that command has', () => {
    const wrong: string[] = [];
    for (const [path, examples] of Object.entries(EXAMPLES)) {
      for (const example of examples) {
        const { command, options } = resolve(example);
        // `mp kaspi orders --since 7d` runs the default subcommand `orders list`.
        const ran = commandPath(command);
        if (ran !== path && !(path.endsWith(' list') && ran === path.slice(0, -5))) wrong.push(`${path}: "${example}" runs \`${ran}\``);
        const target = ran === path ? command : command.commands.find((c) => c.name() === 'list')!;
        const flags = knownOptions(target);
        for (const o of options) if (o !== '-' && !flags.has(o)) wrong.push(`${path}: "${example}" has no option ${o}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('help as a subprocess', { timeout: 180_000 }, () => {
  it('bare `mp` and every bare group print their help on stdout and exit 0', async () => {
    // Groups that run something bare (`mp wb bot`, `mp kaspi orders` = its default `list`) are not help.
    const internals = (g: Command) => g as unknown as { _actionHandler?: unknown; _defaultCommandName?: string };
    const bare = groups.filter((g) => !internals(g)._actionHandler && !internals(g)._defaultCommandName);
    expect(bare.length).toBeGreaterThan(8);
    for (const args of [[], ...bare.map((g) => commandPath(g).split(' '))]) {
      const r = await runMp(args);
      expect(r.code, `mp ${args.join(' ')}`).toBe(0);
      expect(r.stderr, `mp ${args.join(' ')}`).toBe('');
      expect(r.stdout).toMatch(new RegExp(`^Usage: mp${args.length ? ` ${args.join(' ')}` : ''} `));
      expect(r.stdout).not.toContain('(outputHelp)');
      expect(r.stdout).toContain('Commands:');
    }
  });

  it('a leaf command help ends with its examples; help lines fit 80 columns', async () => {
    const r = await runMp(['kaspi', 'scrape', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd()).toMatch(
      /Examples:\n {2}\$ mp kaspi scrape .*\n {2}\$ mp kaspi scrape .*\n {2}\$ mp kaspi scrape --tracked --json > scrape\.ndjson$/,
    );
    const root = await runMp(['--help']);
    for (const line of root.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('`mp jobs --help` lists every job, `mp export --help` every dataset', async () => {
    const jobs = await runMp(['jobs', '--help']);
    expect(jobs.code).toBe(0);
    for (const job of builtinJobs) expect(jobs.stdout).toMatch(new RegExp(`^ {2}${job.name.replace('.', '\\.')} +\\S`, 'm'));
    const bare = await runMp(['jobs']);
    expect(bare.stdout).toContain('payouts.process');
    const run = await runMp(['help', 'jobs', 'run']);
    expect(run.stdout).toContain('kaspi.scrape');
    const exp = await runMp(['export', '--help']);
    expect(exp.code).toBe(0);
    for (const d of DATASETS) expect(exp.stdout).toMatch(new RegExp(`^ {2}${d.name} +\\S`, 'm'));
    for (const l of [...jobs.stdout.split('\n'), ...exp.stdout.split('\n')]) if (!l.includes('$ mp')) expect(l.length, l).toBeLessThanOrEqual(80);
  });

  it('`mp help exit-codes` prints the table; `mp help <command>` its help; an unknown topic is a usage error', async () => {
    const r = await runMp(['help', 'exit-codes']);
    expect(r.code).toBe(0);
    for (const code of ['0', '1', '2', '4', '5', '70', '130']) expect(r.stdout).toMatch(new RegExp(`^ {2}${code} +\\S`, 'm'));
    const cmd = await runMp(['help', 'wb', 'sync']);
    expect(cmd.code).toBe(0);
    expect(cmd.stdout).toMatch(/^Usage: mp wb sync /);
    const bad = await runMp(['help', 'nosuch']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('no command or help topic \\"nosuch\\"');
  });
});

describe('mp completion', { timeout: 180_000 }, () => {
  const script = (shell: string) => {
    const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/mp.js'), 'completion', shell], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const file = join(tmpdir(), `mp-completion-test-${process.pid}.${shell}`);
    writeFileSync(file, r.stdout);
    return file;
  };
  const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

  it('bash: subcommands, options (own and global), job names and datasets complete', () => {
    const file = script('bash');
    const complete = (...line: string[]) =>
      spawnSync(
        'bash',
        ['-c', `source ${file}; COMP_WORDS=(${line.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${line.length - 1}; _mp; echo "\${COMPREPLY[*]}"`],
        {
          encoding: 'utf8',
        },
      ).stdout.trim();
    expect(complete('mp', 'kaspi', 'tr')).toBe('track');
    expect(complete('mp', 'kaspi', 'scrape', '--ci')).toBe('--city');
    expect(complete('mp', 'kaspi', 'scrape', '--city', 'astana', '--js')).toBe('--json');
    expect(complete('mp', 'jobs', 'run', 'wb.')).toBe('wb.sync wb.notify');
    expect(complete('mp', 'export', 'wb-s')).toBe('wb-sales wb-stocks');
    expect(complete('mp', 'comp')).toBe('completion');
  });

  it.skipIf(!has('zsh'))('zsh: the script parses and completes the same words', () => {
    const file = script('zsh');
    const r = spawnSync(
      'zsh',
      [
        '-c',
        `compdef() { :; }; compadd() { shift; print -r -- "$@"; }; source ${file}; words=(mp wb no); CURRENT=3; _mp; words=(mp wb sync --on); CURRENT=4; _mp`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    const [subs, opts] = r.stdout.trim().split('\n');
    expect(subs!.split(' ')).toContain('notify');
    expect(opts!.split(' ')).toContain('--only');
  });

  it.skipIf(!has('fish'))('fish: the script parses and completes the same words', () => {
    const file = script('fish');
    const r = spawnSync('fish', ['-c', `source ${file}; complete -C 'mp kaspi tr'; complete -C 'mp jobs run kaspi.'`], { encoding: 'utf8' });
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['track', 'kaspi.scrape', 'kaspi.orders']));
  });

  it('an unknown shell is a usage error', async () => {
    const r = await runMp(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no completion for \\"tcsh\\"');
  });
});
