// `mp demo`: one full cycle against fake marketplaces in a throw-away home, each step a real `mp`
// command (shown as a user would type it) with its output.
import { rmSync } from 'node:fs';
import { DemoWorld } from './demo-world.js';
import { demoSections } from './sections.js';

export interface DemoOptions {
  /** Where the files the demo keeps (the XLSX export, the chart) are written. */
  outDir: string;
  env: NodeJS.ProcessEnv;
  /** Transcript: section titles, `$ mp …` lines and the commands' stdout. */
  write(text: string): void;
  /** Whether the transcript is a terminal (children then draw tables and colours). */
  tty: boolean;
  /** mp's own command line, run in this process (given by the CLI layer: the demo does not import it). */
  cli: DemoCli;
}

/** What the demo needs of mp's command line. */
export interface DemoCli {
  /** Every command path of this build (`kaspi track add`, `wb sync`, …). */
  commandNames(): Promise<Set<string>>;
  /**
   * Runs `mp <args>` in this process with `env` as its environment and `input` as its stdin; returns
   * its stdout when `capture`. A failing command throws DEMO_STEP_FAILED after its message is shown.
   */
  run(args: string[], env: NodeJS.ProcessEnv, capture: boolean, input: string): Promise<string>;
}

export interface DemoResult {
  files: string[];
  /** Parts of the cycle that could not be shown in this build, and why. */
  notIncluded: string[];
  steps: number;
  durationMs: number;
}

/** What a section can do: run `mp` in the demo's world, and report files it kept. */
export interface DemoRunner {
  world: DemoWorld;
  outDir: string;
  /**
   * Runs `mp <args>`; its stdout is shown (and returned when `capture`); a non-zero exit fails the
   * demo. `input` is the command's stdin (for `--…-stdin` secrets); without it stdin is empty.
   */
  mp(title: string, args: string[], options?: { capture?: boolean; env?: NodeJS.ProcessEnv; input?: string }): Promise<string>;
  note(text: string): void;
  wrote(file: string): void;
  /** Whether this build has the command (e.g. `kaspi track`). */
  has(command: string): Promise<boolean>;
  /** Whether this build has the scheduled job (e.g. `kaspi.orders`). */
  hasJob(name: string): Promise<boolean>;
  /** Lifts WB's one-request-a-minute wait of the statistics streams, so a second sync can follow at once. */
  allowWbRequestsNow(): Promise<void>;
}

export interface DemoSection {
  title: string;
  /** Runs the section, or returns a reason it cannot run in this build. */
  run(r: DemoRunner): Promise<{ skipped: string } | undefined>;
}

/** Runs the demo end to end and removes everything but the files it reports. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const world = new DemoWorld(options.env);
  const files: string[] = [];
  const notIncluded: string[] = [];
  let steps = 0;
  let commandNames: Set<string> | undefined;
  const runner: DemoRunner = {
    world,
    outDir: options.outDir,
    note: (text) => options.write(`  ${text}\n`),
    wrote: (file) => files.push(file),
    async has(command) {
      commandNames ??= await options.cli.commandNames();
      return commandNames.has(command);
    },
    async hasJob(name) {
      const [{ findJob }, { resolveConfig }] = await Promise.all([import('../schedule/registry.js'), import('../core/config.js')]);
      return (await findJob(name, resolveConfig({}, world.env))) !== undefined;
    },
    async allowWbRequestsNow() {
      const [{ resolveConfig }, { openDatabase }, { listCabinets }, { saveStreamState }] = await Promise.all([
        import('../core/config.js'),
        import('../db/connect.js'),
        import('../wb/cabinet.repository.js'),
        import('../wb/sync-state.repository.js'),
      ]);
      const handle = await openDatabase(resolveConfig({}, world.env));
      try {
        for (const cabinet of await listCabinets(handle.db)) {
          for (const stream of ['orders', 'sales', 'stocks'] as const) await saveStreamState(handle.db, cabinet.id, stream, { next_allowed_at: null });
        }
      } finally {
        await handle.close();
      }
      options.write('  (the demo skips the wait WB wants between two statistics or stock-report requests)\n');
    },
    async mp(title, args, o = {}) {
      steps += 1;
      options.write(`${title ? `\n${title}\n` : ''}$ mp ${args.map(shellQuote).join(' ')}\n`);
      return options.cli.run(args, { ...world.env, ...o.env }, o.capture ?? false, o.input ?? '');
    },
  };
  // Ctrl-C: the servers die with the process, but the throw-away home must not stay behind.
  const interrupted = () => {
    rmSync(world.home, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let closeDatabase: (() => Promise<void>) | undefined;
  try {
    // One embedded database open for every step (each step's own open and close would cost about
    // half a second of CPU); creating it is the demo's slowest moment, so say so.
    options.write("\n(creating the demo's embedded database in its throw-away home)\n");
    const [{ resolveConfig }, { keepEmbeddedDatabaseOpen }] = await Promise.all([import('../core/config.js'), import('../db/connect.js')]);
    closeDatabase = await keepEmbeddedDatabaseOpen(resolveConfig({}, world.env));
    for (const section of demoSections()) {
      options.write(`\n== ${section.title} ==\n`);
      const result = await section.run(runner);
      if (result && 'skipped' in result) {
        notIncluded.push(`${section.title}: ${result.skipped}`);
        options.write(`  (not in this build: ${result.skipped})\n`);
      }
    }
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await closeDatabase?.().catch(() => {});
    await world.dispose();
  }
  return { files, notIncluded, steps, durationMs: Date.now() - started };
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
