import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { UserError } from './errors.js';
import { duration, MAX_TIMER_MS, url } from './validate.js';

const DATABASE_URL_RULE = { protocols: ['postgres:', 'postgresql:'], credentials: true, host: false };

/** Options every command accepts (set on the root program). */
export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  db?: string;
  home?: string;
  config?: string;
  lockTimeout?: string;
}

/** Resolved configuration: flags over environment over the config file over defaults. */
export interface Config {
  /** Where mp keeps its embedded database, secret key and lock file. */
  home: string;
  /** PostgreSQL URL; undefined means the embedded PGlite database in `<home>/db`. */
  databaseUrl?: string;
  /** How long to wait for another mp process holding the embedded database. */
  lockTimeoutMs: number;
  /** The parsed JSON config file ({} when there is none). */
  file: Record<string, unknown>;
  /** The config file path, when one was read. */
  filePath?: string;
  env: NodeJS.ProcessEnv;
}

/** Loads `.env` from the working directory without overriding variables already set. */
export function loadDotEnv(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): void {
  const path = join(cwd, '.env');
  if (!existsSync(path)) return;
  const parsed = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  for (const [key, value] of Object.entries(parsed)) {
    if (env[key] === undefined) env[key] = value;
  }
}

export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  return xdg ? join(xdg, 'mp') : join(homedir(), '.local', 'share', 'mp');
}

/**
 * Parses a duration such as `30s`, `500ms`, `2m` or a bare number of seconds into milliseconds,
 * at most `max` (default: the longest a timer can wait, ~24 days). A usage error names `what`.
 */
export function parseDurationMs(text: string, what: string, max = MAX_TIMER_MS): number {
  return duration(text, what, { max, code: 'BAD_DURATION' });
}

export function resolveConfig(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Config {
  const filePath = opts.config ?? env.MP_CONFIG;
  let file: Record<string, unknown> = {};
  if (filePath) {
    let text: string;
    try {
      text = readFileSync(filePath, 'utf8');
    } catch {
      throw new UserError('CONFIG_NOT_FOUND', `cannot read config file ${filePath}: check --config or MP_CONFIG`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      file = parsed as Record<string, unknown>;
    } catch (error) {
      throw new UserError('CONFIG_INVALID', `config file ${filePath} is not a JSON object: ${(error as Error).message}`);
    }
  }
  const fromFile = (key: string): string | undefined => {
    const v = lookup(file, key);
    return v === undefined || v === null ? undefined : String(v);
  };
  const home = resolve(opts.home ?? env.MP_HOME ?? fromFile('home') ?? defaultHome(env));
  const databaseUrl = opts.db ?? env.DATABASE_URL ?? fromFile('databaseUrl') ?? undefined;
  const lockTimeout = opts.lockTimeout ?? env.MP_LOCK_TIMEOUT ?? fromFile('lockTimeout') ?? '30s';
  // `not a url` used to reach the pg driver (a confusing connect error, or a RangeError for a bad port).
  if (databaseUrl) url(databaseUrl, opts.db !== undefined ? '--db' : env.DATABASE_URL !== undefined ? 'DATABASE_URL' : 'databaseUrl', DATABASE_URL_RULE);
  return {
    home,
    databaseUrl: databaseUrl || undefined,
    lockTimeoutMs: parseDurationMs(lockTimeout, '--lock-timeout'),
    file,
    filePath: filePath ? resolve(filePath) : undefined,
    env,
  };
}

function lookup(obj: Record<string, unknown>, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
