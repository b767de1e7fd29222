// `mp demo`: a full cycle against the fake servers.
import type { Command } from 'commander';
import { run } from './action.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('a full cycle against fake Kaspi, WB and Telegram servers in a throw-away home (no network, no accounts)')
    .option('--out <dir>', 'where to keep the files it writes (default ./mp-demo)')
    .action(
      run(async () => {
        // The demo runs mp's own commands in this process: the command line is handed to it here.
        const [{ demo }, { inProcessCli }] = await Promise.all([import('../commands/demo.js'), import('./in-process.js')]);
        return (ctx, options: { out?: string }) => demo(ctx, options, inProcessCli);
      }),
    );
}
