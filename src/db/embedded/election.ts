// Who owns an embedded database: exactly one process at a time, decided without a lock file.
//
// A lock file races (the process that reads a half-written or stale file removes another's fresh
// one: 2–4 "holders" in 20–30 trials started together) and a dead holder's file must be guessed
// stale. Here ownership is a listening socket, which the kernel closes when its process dies, and
// numbered generations make the choice of the next owner atomic:
//   - a contender listens on a private temporary path, then hard-links it to `owner-<n+1>.sock`, where
//     n is the highest generation it found and `owner-<n>.sock` refused a connection (its owner is
//     gone: a refused socket never comes back). link() fails when the name exists, so one contender
//     wins each generation, and the file appears already listening (no bind-to-listen gap);
//   - the winner reads the directory again: a higher generation means it linked a stale number (the
//     directory was cleaned meanwhile) and it steps down before opening anything. Otherwise it owns the
//     database; it removes the older (dead) generations and points the fixed name `.s.PGSQL.5432` at
//     its socket, where clients (and psql -h <run dir>) connect.
// Windows has no unix socket files: a named pipe is the same kind of kernel-held name, so listening on
// it is the election (EADDRINUSE: someone owns it).
import { createHash } from 'node:crypto';
import { chmodSync, linkSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GENERATION = /^owner-(\d+)\.sock$/;
/** The name pg and psql look for in a socket directory (`host=<dir>`, port 5432). */
export const SOCKET_NAME = '.s.PGSQL.5432';
export const SOCKET_PORT = 5432;
const IS_WINDOWS = process.platform === 'win32';
// sun_path is 108 bytes on Linux, 104 on macOS.
const MAX_SOCKET_PATH = 100;

export interface RunPaths {
  /** Directory (mode 0700) holding the sockets and the owner's log. */
  dir: string;
  /** Where clients connect: a unix socket path, or a named pipe on Windows. */
  endpoint: string;
  /** For pg's `host` (a socket directory; pg appends `/.s.PGSQL.5432`); undefined on Windows. */
  socketDir?: string;
}

/** The run directory of the embedded database at `dataDir`: `<dataDir>.run`, or a short one under the temp dir when that path is too long for a socket. */
export function runPaths(dataDir: string): RunPaths {
  const dir = `${dataDir}.run`;
  if (IS_WINDOWS) {
    const id = createHash('sha256').update(dataDir.toLowerCase()).digest('hex').slice(0, 24);
    return { dir, endpoint: `\\\\.\\pipe\\mp-db-${id}` };
  }
  let socketDir = dir;
  if (join(dir, 'owner-0000000000.sock').length > MAX_SOCKET_PATH) {
    const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
    socketDir = join(tmpdir(), `mp-${process.getuid?.() ?? 'u'}-${id}`);
  }
  return { dir, endpoint: join(socketDir, SOCKET_NAME), socketDir };
}

/** Creates a private directory (0700, ours) or refuses one that someone else could write to. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
    throw new Error(`${dir} is not a directory owned by this user: refusing to put the database socket there`);
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

export type Probe = 'live' | 'dead' | 'busy';

/** Whether something listens at `endpoint`: live, dead (refused or absent), or busy (backlog full: ask again). */
export function probe(endpoint: string, timeoutMs = 2000): Promise<Probe> {
  return new Promise((resolve) => {
    const socket: Socket = connect(endpoint);
    const timer = setTimeout(() => finish('busy'), timeoutMs);
    function finish(result: Probe) {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    }
    socket.once('connect', () => finish('live'));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      finish(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' || error.code === 'ENOTSOCK' ? 'dead' : 'busy');
    });
  });
}

export interface Ownership {
  server: Server;
  /** The generation won (0 on Windows). */
  generation: number;
  endpoint: string;
}

/**
 * Tries to become the owner: returns the listening server when this process won, or undefined when
 * a live owner exists. `server` is created (not listening) by the caller so it can attach its
 * connection handler first.
 */
export async function claimOwnership(paths: RunPaths, server: Server): Promise<Ownership | undefined> {
  if (IS_WINDOWS) {
    try {
      await listen(server, paths.endpoint);
      return { server, generation: 0, endpoint: paths.endpoint };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return undefined;
      throw error;
    }
  }
  const socketDir = paths.socketDir!;
  ensurePrivateDir(socketDir);
  const tmp = join(socketDir, `claim-${process.pid}-${Math.random().toString(36).slice(2, 8)}.sock`);
  await listen(server, tmp);
  try {
    chmodSync(tmp, 0o600);
    for (;;) {
      const current = highestGeneration(socketDir);
      if (current > 0) {
        // Busy (a full backlog, a stopped process) counts as there: never two owners.
        if ((await probe(generationPath(socketDir, current))) !== 'dead') {
          await close(server);
          return undefined;
        }
      }
      const mine = current + 1;
      try {
        linkSync(tmp, generationPath(socketDir, mine));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      if (highestGeneration(socketDir) > mine) {
        // A stale number: the directory had been cleaned past it. Not ours.
        rmSync(generationPath(socketDir, mine), { force: true });
        continue;
      }
      for (const n of generations(socketDir)) if (n < mine) rmSync(generationPath(socketDir, n), { force: true });
      const link = join(socketDir, `link-${process.pid}.sock`);
      rmSync(link, { force: true });
      linkSync(tmp, link);
      renameSync(link, paths.endpoint);
      return { server, generation: mine, endpoint: paths.endpoint };
    }
  } catch (error) {
    await close(server).catch(() => {});
    throw error;
  } finally {
    // The socket lives on under its generation's name (and the fixed one); node would otherwise
    // remove this path when the server closes.
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone.
    }
  }
}

function generationPath(dir: string, n: number): string {
  return join(dir, `owner-${String(n).padStart(10, '0')}.sock`);
}

function generations(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync(dir)) {
    const m = GENERATION.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out;
}

function highestGeneration(dir: string): number {
  return Math.max(0, ...generations(dir));
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}
