// Ctrl-C (SIGINT) and SIGTERM in a command that does not handle them itself: one line on stderr
// saying what was saved, exit 130 (src/cli.ts installs the handler). Every unit of a scrape or a
// sync commits on its own, so what finished before the signal is kept; the unit in flight is rolled
// back when the process leaves its database connection.
import { EXIT, InterruptedError } from './errors.js';

type Saved = () => string;
const running = new Set<Saved>();

/**
 * While a long run is under way, `saved()` says what it has kept so far ("12 of 40 products scraped
 * and saved"), for the line an interruption prints. Returns the function that ends the report.
 */
export function reportSavedOnInterrupt(saved: Saved): () => void {
  running.add(saved);
  return () => {
    running.delete(saved);
  };
}

/** The error an interruption by `signal` now ends mp with. */
export function interruption(signal: string): InterruptedError {
  const parts = [...running].map((saved) => saved());
  const what = parts.length ? parts.join('; ') : 'what finished before it is kept';
  return new InterruptedError('INTERRUPTED', `interrupted (${signal}): ${what}`);
}

/**
 * Listeners that are not ours: a command that stops gracefully on a signal (the daemon, `mp serve`,
 * the bot, an export) has its own, and then it decides. signal-exit's (ora's cursor restore,
 * @inquirer's prompts) only act when nothing else listens, so they do not count.
 */
function othersListening(signal: NodeJS.Signals): number {
  const signalExit = (process as { __signal_exit_emitter__?: { count?: unknown } }).__signal_exit_emitter__;
  const theirs = typeof signalExit?.count === 'number' ? signalExit.count : 0;
  return process.listenerCount(signal) - 1 - theirs;
}

/** Installs the handler: `report` prints the error (one line, or JSON with --json) and returns the exit code. */
export function exitOnInterrupt(report: (error: InterruptedError) => Promise<number>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (othersListening(signal) > 0) return;
      void report(interruption(signal)).then(
        (code) => process.exit(code),
        () => process.exit(EXIT.interrupted),
      );
    });
  }
}

/** @inquirer/prompts' answer to Ctrl-C at a prompt (ExitPromptError), as mp's interruption. */
export function promptInterruption(error: unknown): InterruptedError | undefined {
  if (error instanceof Error && error.name === 'ExitPromptError') {
    return new InterruptedError('INTERRUPTED', 'interrupted at the prompt (Ctrl-C)', { cause: error });
  }
  return undefined;
}
