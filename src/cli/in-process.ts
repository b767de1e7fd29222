// mp's command line run inside this process, for `mp demo`: one PGlite open per command instead of
// a Node start-up, a WASM compile and an open per subprocess. Given to the demo by src/cli/demo.ts,
// so the demo itself never imports the command tree.
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import type { DemoCli } from '../demo/demo.service.js';

export const inProcessCli: DemoCli = {
  async commandNames() {
    const { buildProgram } = await import('../cli.js');
    const names = new Set<string>();
    const walk = (c: Command, prefix: string) => {
      for (const sub of c.commands) {
        const name = prefix ? `${prefix} ${sub.name()}` : sub.name();
        names.add(name);
        walk(sub, name);
      }
    };
    walk(buildProgram(), '');
    return names;
  },
  run: runInProcess,
};

/**
 * Runs `mp <args>` in this process with `env` as process.env: one PGlite open per command instead
 * of a Node start-up, a WASM compile and an open per subprocess (several seconds each on a busy
 * machine). The commands are the real ones, parsed by the real command tree.
 *
 * stdin is `input` (not the terminal): nobody is there to answer a prompt, so a command that would
 * ask (e.g. `demper store add` on a terminal) takes its `--…-stdin` input or fails with its message.
 */
async function runInProcess(args: string[], env: NodeJS.ProcessEnv, capture: boolean, input: string): Promise<string> {
  const { buildProgram } = await import('../cli.js');
  const program = buildProgram();
  const saved = process.env;
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Readable.from(input ? [Buffer.from(input)] : []), configurable: true, writable: true });
  const write = process.stdout.write;
  let out = '';
  if (capture) {
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    }) as typeof process.stdout.write;
  }
  process.env = env;
  try {
    await program.parseAsync(['node', 'mp', ...args]);
  } catch (error) {
    const { reportError } = await import('../core/report-error.js');
    reportError(error, {});
    throw new UserError('DEMO_STEP_FAILED', `the demo step \`mp ${args.join(' ')}\` failed: see its message above`);
  } finally {
    Object.defineProperty(process, 'stdin', stdin);
    process.env = saved;
    process.stdout.write = write;
  }
  return out;
}
