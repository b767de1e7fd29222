// The action every command shares: build the context, lazy-import the command's module, run it,
// close the database. The module is imported only when the command runs, so `mp --help` stays cheap.
import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import { InternalError } from '../core/errors.js';

type Handler = (ctx: Context, ...args: any[]) => Promise<void>;

/** Wraps a lazily imported command handler: builds the context, runs, closes the database. */
export function run(load: () => Promise<Handler>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const { createContext } = await import('../core/context.js');
    const ctx = createContext(command.optsWithGlobals());
    try {
      const handler = await load();
      const result = await handler(ctx, ...args.slice(0, -1));
      // Only src/cli.ts turns outcomes into exit codes: a command that failed throws (a
      // PartialFailure when some of its units failed), it never returns a code.
      if (typeof result === 'number') {
        throw new InternalError('COMMAND_RETURNED_CODE', `mp ${command.name()} returned exit code ${result} instead of throwing`);
      }
    } finally {
      await ctx.close();
    }
  };
}
