// Parse-only tests of the command tree (gh's runF): every action is replaced by a spy, a command line
// is parsed by the real program, and the options object the command would get is checked. Nothing
// is imported, opened or run, so these take milliseconds.
import { CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Invocation, interceptActions } from '../../src/cli/action.js';
import { buildProgram } from '../../src/cli.js';

let calls: Invocation[];

beforeEach(() => {
  calls = [];
  interceptActions((invocation) => calls.push(invocation));
});
afterEach(() => interceptActions(undefined));

/** Parses `mp <argv>` and returns the one action it reached. */
async function parse(...argv: string[]): Promise<Invocation> {
  calls = [];
  const program = buildProgram();
  for (const c of [program, ...program.commands]) c.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await program.parseAsync(['node', 'mp', ...argv]);
  expect(calls).toHaveLength(1);
  return calls[0]!;
}

async function usageError(...argv: string[]): Promise<CommanderError> {
  const error = await parse(...argv).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CommanderError);
  return error as CommanderError;
}

describe('mp kaspi', () => {
  it('scrape: inputs, repeatable --proxy, and the rest as given', async () => {
    const r = await parse(
      'kaspi',
      'scrape',
      '101',
      'https://kaspi.kz/shop/p/x-102/',
      '--city',
      'astana',
      '--proxy',
      'http://a:1',
      '--proxy',
      'http://b:2',
      '--rate',
      '2',
      '--concurrency',
      '3',
      '--tracked',
      '--accept-partial',
      '--export-dir',
      'out',
    );
    expect(r.command).toBe('kaspi scrape');
    expect(r.args).toEqual([['101', 'https://kaspi.kz/shop/p/x-102/']]);
    expect(r.options).toMatchObject({
      city: 'astana',
      proxy: ['http://a:1', 'http://b:2'],
      rate: '2',
      concurrency: '3',
      tracked: true,
      acceptPartial: true,
      exportDir: 'out',
    });
  });

  it('scrape: no flags gives no options (the defaults live in the settings, not here)', async () => {
    const r = await parse('kaspi', 'scrape', '101');
    expect(r.options.proxy).toBeUndefined();
    expect(r.options.tracked).toBeUndefined();
  });

  it('track remove takes several inputs; global flags reach the command', async () => {
    const r = await parse('--json', 'kaspi', 'track', 'remove', '1', '2', '--city', '750000000');
    expect(r).toMatchObject({ command: 'kaspi track remove', args: [['1', '2']], options: { city: '750000000' } });
    expect(r.globals).toMatchObject({ json: true, city: '750000000' });
  });

  it('an unknown flag is a usage error before anything runs', async () => {
    expect((await usageError('kaspi', 'scrape', '1', '--cty', 'x')).code).toBe('commander.unknownOption');
    expect(calls).toEqual([]);
  });
});

describe('mp demper', () => {
  it('run: the rule flags and the run flags', async () => {
    const r = await parse(
      'demper',
      'run',
      '--store',
      'M1',
      '--shard',
      '1/4',
      '--apply',
      '--via',
      'xml',
      '--write-rate',
      '1',
      '--no-raise-to-max',
      '--exclude',
      '111,222',
      '--max-change-pct',
      '5',
    );
    expect(r.command).toBe('demper run');
    expect(r.options).toMatchObject({
      store: 'M1',
      shard: '1/4',
      apply: true,
      via: 'xml',
      writeRate: '1',
      raiseToMax: false,
      exclude: '111,222',
      maxChangePct: '5',
    });
  });

  it('plan: --raise-to-max is on unless --no-raise-to-max', async () => {
    expect((await parse('demper', 'plan')).options.raiseToMax).toBe(true);
  });

  it('products set: several SKUs and --sku lists', async () => {
    const r = await parse('demper', 'products', 'set', 'A', 'B', '--min', '1000', '--strategy', 'top-3', '--disable');
    expect(r).toMatchObject({ command: 'demper products set', args: [['A', 'B']], options: { min: '1000', strategy: 'top-3', disable: true } });
    const e = await parse('demper', 'products', 'enable', '--sku', 'A', 'B');
    expect(e.options).toMatchObject({ sku: ['A', 'B'] });
  });
});

describe('mp wb', () => {
  it('sync: cabinet, since, streams', async () => {
    const r = await parse('wb', 'sync', '--cabinet', 'Shop', '--since', '7d', '--only', 'cards,orders');
    expect(r).toMatchObject({ command: 'wb sync', options: { cabinet: 'Shop', since: '7d', only: 'cards,orders' } });
  });

  it('stocks --critical takes an optional value', async () => {
    expect((await parse('wb', 'stocks', '--critical')).options.critical).toBe(true);
    expect((await parse('wb', 'stocks', '--critical', '5')).options.critical).toBe('5');
  });

  it('order <srid> is positional', async () => {
    expect(await parse('wb', 'order', 'abc123', '--cabinet', '2')).toMatchObject({ args: ['abc123'], options: { cabinet: '2' } });
  });
});

describe('mp jobs and payouts', () => {
  it('jobs run: the job, its scope and shard', async () => {
    const r = await parse('jobs', 'run', 'kaspi.scrape', '--shard', '0/2');
    expect(r).toMatchObject({ command: 'jobs run', args: ['kaspi.scrape'], options: { shard: '0/2' } });
  });

  it('a missing argument is a usage error', async () => {
    expect((await usageError('jobs', 'run')).code).toBe('commander.missingArgument');
  });

  it('payouts create: the fields as given (amounts stay text: money is decimal)', async () => {
    const r = await parse('payouts', 'create', '--amount', '100.50', '--currency', 'rub', '--recipient', '40817', '--idempotency-key', 'k1');
    expect(r.options).toEqual({ amount: '100.50', currency: 'rub', recipient: '40817', idempotencyKey: 'k1' });
  });
});
