// The action every command shares: build the context, lazy-import the command's module, run it,
// close the database. The module is imported only when the command runs, so `mp --help` stays cheap.
import type { Command } from 'commander';
import type { Context } from '../core/context.js';

type Handler = (ctx: Context, ...args: any[]) => Promise<unknown>;

/** Wraps a lazily imported command handler: builds the context, runs, closes the database. */
export function run(load: () => Promise<Handler>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const { createContext } = await import('../core/context.js');
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
