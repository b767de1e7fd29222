import { resolve } from 'node:path';
import type { Context } from '../core/context.js';
import { makeDirectories } from '../core/dirs.js';
import { UsageError } from '../core/errors.js';
import { type DemoCli, runDemo } from '../demo/demo.service.js';

interface Options {
  out?: string;
}

/** `mp demo`: a full cycle against fake marketplaces in a throw-away home; keeps only the files it names. */
export async function demo(ctx: Context, options: Options, cli: DemoCli): Promise<void> {
  // Its stdout is a transcript for people, not data: say so instead of printing text under --json.
  if (ctx.out.json) {
    throw new UsageError('DEMO_NO_JSON', 'mp demo prints a transcript for people and has no --json output', {
      hint: 'run it without --json; each step it shows takes --json when you run it yourself',
    });
  }
  const outDir = resolve(options.out ?? 'mp-demo');
  makeDirectories(outDir, 'the demo folder');
  ctx.log.info('mp demo: fake Kaspi, Wildberries and Telegram servers on 127.0.0.1, a throw-away home, no network and no accounts needed.');
  const result = await runDemo({ outDir, env: ctx.config.env, write: (t) => process.stdout.write(t), tty: ctx.out.isTTY, cli });
  process.stdout.write('\n');
  if (result.files.length) ctx.log.info(`The demo wrote: ${result.files.join(', ')}`);
  else ctx.log.info('The demo wrote no files.');
  for (const gap of result.notIncluded) ctx.log.warn(`not included: ${gap}`);
  ctx.log.info(`Done: ${result.steps} commands in ${(result.durationMs / 1000).toFixed(1)} s; the demo's home and servers are gone.`);
}
