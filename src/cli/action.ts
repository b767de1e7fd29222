// The action every command shares: build the context, lazy-import the command's module, run it,
// close the database. The module is imported only when the command runs, so `mp --help` stays cheap.
import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import { InternalError } from '../core/errors.js';

type Handler = (ctx: Context, ...args: any[]) => Promise<void>;

/** What a command's action receives once commander has parsed its command line. */
export interface Invocation {
  /** The command's path, e.g. `kaspi scrape`. */
  command: string;
  /** Its positional arguments, in order. */
  args: unknown[];
  /** Its own options: each flag as commander parsed it (a repeatable flag is an array). */
  options: Record<string, unknown>;
  /** Its options with the root program's (--json, --db, --home, …). */
  globals: Record<string, unknown>;
}

let intercepted: ((invocation: Invocation) => void) | undefined;

/**
 * Replaces every command's action with `spy` (gh's runF): a parse-only test builds the program,
 * parses a command line and checks the options it gave; nothing is imported, opened or run.
 * `undefined` puts the real actions back.
 */
export function interceptActions(spy: ((invocation: Invocation) => void) | undefined): void {
  intercepted = spy;
}

/** Wraps a lazily imported command handler: builds the context, runs, closes the database. */
export function run(load: () => Promise<Handler>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    if (intercepted) {
      const path: string[] = [];
      for (let c: Command | null = command; c?.parent; c = c.parent) path.unshift(c.name());
      intercepted({
        command: path.join(' '),
        args: args.slice(0, -2),
        options: args[args.length - 2] as Record<string, unknown>,
        globals: command.optsWithGlobals(),
      });
      return;
    }
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
