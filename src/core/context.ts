import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DbHandle } from '../db/connect.js';
import { type Config, type GlobalOptions, resolveConfig } from './config.js';
import { prepareHome, tightenTree, warnLooseFiles } from './file-modes.js';
import { createLogger, type Logger } from './log.js';
import { Output } from './output.js';
import { type Progress, startProgress } from './progress.js';
import { type Clock, systemClock } from './time.js';

/** What every command gets: configuration, stdout renderer, stderr logger, the database on demand. */
export interface Context {
  config: Config;
  globals: GlobalOptions;
  out: Output;
  log: Logger;
  clock: Clock;
  /** stdin and stderr are terminals: prompts are allowed. */
  interactive: boolean;
  /** Opens (and migrates) the database on first call; later calls return the same handle. */
  db(): Promise<DbHandle>;
  /** A progress indicator: shown only on a terminal, never with --quiet or --json. */
  progress(label: string, total?: number): Promise<Progress>;
  /** The key that encrypts secrets at rest. */
  secretKey(): Promise<Buffer>;
  close(): Promise<void>;
}

export interface ContextOverrides {
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  stdinIsTTY?: boolean;
}

export function createContext(globals: GlobalOptions, overrides: ContextOverrides = {}): Context {
  const env = overrides.env ?? process.env;
  const config = resolveConfig(globals, env);
  const stderr = overrides.stderr ?? process.stderr;
  const { jqFilter: filter, wide } = globals as { jqFilter?: (value: unknown) => unknown[]; wide?: boolean };
  const out = new Output({ json: globals.json, filter, wide, env, stream: overrides.stdout ?? process.stdout });
  const log = createLogger({ quiet: globals.quiet, verbose: globals.verbose, env, stream: stderr });
  let handle: Promise<DbHandle> | undefined;
  let key: Buffer | undefined;
  let homeChecked = false;
  /** MP_HOME made (0700) when missing, else checked for modes others can read: once per process. */
  const checkHome = (): void => {
    if (homeChecked) return;
    if (!prepareHome(config.home)) warnLooseFiles(config.home, log);
    homeChecked = true;
  };
  const openDb = async (): Promise<DbHandle> => {
    const embedded = !config.databaseUrl;
    if (embedded) checkHome();
    const fresh = embedded && !existsSync(join(config.home, 'db', 'PG_VERSION'));
    const opened = await (await import('../db/connect.js')).openDatabase(config);
    // PGlite writes its files 0666: a new database is made private at once.
    if (fresh && opened.engine === 'pglite') tightenTree(join(config.home, 'db'));
    return opened;
  };
  return {
    config,
    globals,
    out,
    log,
    clock: overrides.clock ?? systemClock,
    interactive: Boolean(overrides.stdinIsTTY ?? process.stdin.isTTY) && Boolean(stderr.isTTY),
    db() {
      handle ??= openDb();
      // A failed open is not cached: the next call tries again.
      handle.catch(() => {
        handle = undefined;
      });
      return handle;
    },
    progress(label, total) {
      return startProgress({ label, total, enabled: !globals.quiet && !globals.json, stream: stderr });
    },
    async secretKey() {
      if (!key) {
        if (!env.MP_SECRET_KEY) checkHome();
        const { loadSecretKey } = await import('./secrets.js');
        key = loadSecretKey(config.home, env);
      }
      return key;
    },
    async close() {
      if (handle) {
        const h = await handle.catch(() => undefined);
        handle = undefined;
        await h?.close();
      }
    },
  };
}
