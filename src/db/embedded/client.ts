// A command's side of the embedded database: connect to the process that serves it (its owner,
// src/db/embedded/owner.ts) with `pg`, exactly as to PostgreSQL; when there is none (first command,
// cron with no daemon, the owner went idle or was killed), start one and wait for it. Any number
// of mp processes share it this way; each pays what a PostgreSQL client pays.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../core/errors.js';
import { ensurePrivateDir, probe, type RunPaths, runPaths, SOCKET_PORT } from './election.js';

export interface EmbeddedClientOptions {
  /** How long to wait for an owner to start and accept (--lock-timeout). */
  timeoutMs: number;
  /** How long a started owner stays up with no client (MP_DB_IDLE). */
  idleMs: number;
}

/** dist/src/db/embedded/owner.js, from dist/ (the CLI) or src/ (vitest: npm test builds dist first). */
function ownerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(join('dist', 'src', 'db', 'embedded'))
    ? join(here, 'owner.js')
    : join(here, '..', '..', '..', 'dist', 'src', 'db', 'embedded', 'owner.js');
}

/** The owner's log, where a start that failed says why. */
export function ownerLogPath(paths: RunPaths): string {
  return join(paths.dir, 'owner.log');
}

/** Returns once something serves the database at `dataDir`, starting an owner when nobody does. */
export async function ensureOwner(dataDir: string, options: EmbeddedClientOptions): Promise<RunPaths> {
  const paths = runPaths(dataDir);
  const deadline = Date.now() + options.timeoutMs;
  let child: { exitCode: number | null } | undefined;
  for (let round = 0; ; round++) {
    if ((await probe(paths.endpoint)) !== 'dead') return paths;
    if (child?.exitCode === 1) {
      throw new UserError('DB_OPEN_FAILED', `the embedded database at ${dataDir} could not be opened: ${lastLogLine(paths)} (log: ${ownerLogPath(paths)})`);
    }
    // Started, and lost the election or stopped at once: look again before starting another.
    if (!child || child.exitCode !== null) child = startOwner(dataDir, paths, options.idleMs);
    if (Date.now() >= deadline) {
      throw new UserError(
        'DB_LOCKED',
        `the embedded database at ${dataDir} did not start serving within ${Math.round(options.timeoutMs / 1000)} s (log: ${ownerLogPath(paths)}); raise --lock-timeout on a busy machine`,
      );
    }
    await sleep(round < 40 ? 25 : 100);
  }
}

function startOwner(dataDir: string, paths: RunPaths, idleMs: number): { exitCode: number | null } {
  ensurePrivateDir(paths.dir);
  const logPath = ownerLogPath(paths);
  let size = 0;
  try {
    size = statSync(logPath).size;
  } catch {
    // No log yet.
  }
  const fd = openSync(logPath, size > 1_000_000 ? 'w' : 'a', 0o600);
  try {
    const child = spawn(process.execPath, [ownerScript(), dataDir, String(idleMs)], {
      detached: true,
      stdio: ['ignore', 'ignore', fd],
      cwd: paths.dir,
      windowsHide: true,
    });
    const state = { exitCode: null as number | null };
    child.once('exit', (code) => {
      state.exitCode = code ?? 1;
    });
    child.once('error', () => {
      state.exitCode = 1;
    });
    child.unref();
    return state;
  } finally {
    closeSync(fd);
  }
}

function lastLogLine(paths: RunPaths): string {
  try {
    const lines = readFileSync(ownerLogPath(paths), 'utf8').trim().split('\n');
    const failed = lines.findLast((l) => l.includes('failed:')) ?? lines.at(-1) ?? '';
    return failed.replace(/^\S+ \[owner \d+\] (failed: )?/, '').slice(0, 300);
  } catch {
    return 'no log';
  }
}

/** Whether a failed connect means "nobody serves it (any more)": start one and try again. */
export function ownerGone(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === 'ECONNREFUSED' ||
    e?.code === 'ENOENT' ||
    e?.code === '57P01' ||
    /Connection terminated unexpectedly|Connection terminated due to connection timeout/.test(e?.message ?? '')
  );
}

/** pg connection settings for the owner's socket (a named pipe on Windows). */
export function socketConfig(paths: RunPaths): { host?: string; port: number; stream?: () => Socket } {
  if (paths.socketDir) return { host: paths.socketDir, port: SOCKET_PORT };
  return {
    port: SOCKET_PORT,
    stream: () => {
      const socket = new Socket();
      const connect = socket.connect.bind(socket) as (path: string) => Socket;
      (socket as unknown as { connect: () => Socket }).connect = () => connect(paths.endpoint);
      return socket;
    },
  };
}
