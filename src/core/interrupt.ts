// Ctrl-C (SIGINT) and SIGTERM in a command that does not handle them itself: one line on stderr
// saying what was saved, exit 130 (src/cli.ts installs the handler). Every unit of a scrape or a
// sync commits on its own (a scrape's products read but not written yet are committed first, see
// settle), so what finished before the signal is kept; the unit in flight is rolled back when the
// process leaves its database connection.
import { EXIT, InterruptedError } from './errors.js';

type Saved = () => string;
interface Running {
  saved: Saved;
  settle?: () => Promise<void>;
}
const running = new Set<Running>();

/** How long an interruption waits for the runs' `settle` (writes already under way) before it exits anyway. */
const SETTLE_MS = 5_000;

/**
 * While a long run is under way, `saved()` says what it has kept so far ("12 of 40 products scraped
 * and saved"), for the line an interruption prints; `settle()`, when given, first commits what the
 * run has finished but not written yet (a scrape's batch). Returns the function that ends the report.
 */
export function reportSavedOnInterrupt(saved: Saved, settle?: () => Promise<void>): () => void {
  const entry = { saved, settle };
  running.add(entry);
  return () => {
    running.delete(entry);
  };
}

/** Waits (at most SETTLE_MS) for the running reports' settle(); never rejects. */
export async function settleRunning(): Promise<void> {
  const settles = [...running].flatMap((r) => (r.settle ? [r.settle().catch(() => {})] : []));
  if (!settles.length) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(settles), new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_MS)))]);
  clearTimeout(timer);
}

/** The error an interruption by `signal` now ends mp with. */
export function interruption(signal: string): InterruptedError {
  const parts = [...running].map((r) => r.saved());
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
  let settling = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (othersListening(signal) > 0) return;
      // A second signal while the first waits for the runs to settle: report and exit now.
      const first = !settling;
      settling = true;
      void (first ? settleRunning() : Promise.resolve())
        .then(() => report(interruption(signal)))
        .then(
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
