// The owner of an embedded database: one process that opens PGlite and serves it to every mp
// process over a unix socket in the run directory (src/db/embedded/wire-server.ts). Started by the
// first command that finds none (src/db/embedded/client.ts), detached, and gone again after
// `idleMs` with no connection (or at once when its data directory is deleted, or on SIGTERM).
//   node dist/src/db/embedded/owner.js <dataDir> <idleMs>
// Exit codes: 0 stopped (or another process owns the database), 1 could not open it.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { claimOwnership, runPaths } from './election.js';
import { type OwnerInfo, WireServer } from './wire-server.js';

const PGLITE_SHARED_BUFFERS = '32MB';
/** A client idle inside a transaction this long is disconnected (PostgreSQL: idle_in_transaction_session_timeout). */
const IDLE_IN_TRANSACTION_MS = 120_000;

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} [owner ${process.pid}] ${message}\n`);
}

/** Becomes the owner of `dataDir` and serves it until idle; false when another process owns it. */
export async function serveEmbedded(dataDir: string, idleMs: number): Promise<boolean> {
  const paths = runPaths(dataDir);
  const server = createServer({ pauseOnConnect: true });
  // Connections that arrive while PGlite opens wait (paused) until it is ready.
  const early: import('node:net').Socket[] = [];
  let wire: WireServer | undefined;
  server.on('connection', (socket) => {
    if (wire) {
      wire.attach(socket);
      socket.resume();
    } else early.push(socket);
  });
  const ownership = await claimOwnership(paths, server);
  if (!ownership) return false;
  // Everything PGlite creates (the data directory, WAL segments, new tables' files) is this user's
  // alone: it would write them 0666 minus the umask.
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const since = new Date().toISOString();
  log(`owns ${dataDir} (generation ${ownership.generation}), opening it`);
  const legacy = takeLegacyLock(dataDir, since);
  const { PGlite } = await import('@electric-sql/pglite');
  const fresh = !existsSync(`${dataDir}/PG_VERSION`);
  const seed = fresh ? (await import('../pglite-seed.js')).readSeed() : undefined;
  const pglite = await PGlite.create({
    dataDir,
    loadDataDir: seed,
    // One backend for every client: PostgreSQL's default 128 MB of shared buffers only adds memory
    // (the files stay in the OS cache anyway).
    postgresqlconf: `shared_buffers = ${PGLITE_SHARED_BUFFERS}`,
  });
  // The seed's files are unpacked with their own mode (0666): private at once, before anyone connects.
  if (fresh) (await import('../../core/file-modes.js')).tightenTree(dataDir);
  await pglite.exec("set timezone = 'UTC'");
  const { rows } = await pglite.query<{ name: string; setting: string }>(
    `select name, setting from pg_settings where name in ('server_version', 'server_encoding', 'client_encoding', 'DateStyle', 'IntervalStyle', 'TimeZone', 'integer_datetimes', 'standard_conforming_strings')`,
  );
  const parameters: Record<string, string> = { application_name: '', is_superuser: 'on', session_authorization: 'postgres' };
  for (const r of rows) parameters[r.name] = r.setting;
  const pgliteVersion = (await import('../pglite-seed.js')).pgliteVersion();
  wire = new WireServer(pglite, {
    parameters,
    idleInTransactionMs: IDLE_IN_TRANSACTION_MS,
    info: () => ({ pid: process.pid, since, dataDir, endpoint: ownership.endpoint, pgliteVersion }) satisfies Omit<OwnerInfo, 'clients'>,
    log,
  });
  for (const socket of early.splice(0)) {
    wire.attach(socket);
    socket.resume();
  }
  log(`serving on ${ownership.endpoint}${fresh ? ' (a new database)' : ''}`);

  let stopping: Promise<void> | undefined;
  const stop = (why: string) => {
    stopping ??= (async () => {
      log(`stopping: ${why}`);
      clearInterval(timer);
      await wire!.close();
      await pglite.close();
      legacy.release();
      // Only now may another process open the data directory: the socket goes last.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      log('stopped');
    })();
    return stopping;
  };
  // The same directory, not just the same path (a test's home removed and made again).
  const identity = (): string | undefined => {
    try {
      const st = statSync(dataDir);
      return `${st.dev}:${st.ino}`;
    } catch {
      return undefined;
    }
  };
  const mine = identity();
  const timer = setInterval(
    () => {
      if (identity() !== mine) void stop('the data directory is gone');
      else if (wire!.connections === 0 && Date.now() - wire!.lastActivity >= idleMs) void stop(`no client for ${idleMs} ms`);
    },
    Math.min(1000, Math.max(100, idleMs / 4)),
  );
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await new Promise<void>((resolve) => server.once('close', () => resolve()));
  await stopping;
  return true;
}

/**
 * mp before the owner process opened PGlite in each command under `<dataDir>.lock` (pid, host, since).
 * An older mp still running (a daemon not yet restarted after an upgrade) must not open the data
 * directory beside this owner, nor this owner beside it: refuse while such a holder lives, and write
 * the file with this process in it, which older versions wait for.
 */
function takeLegacyLock(dataDir: string, since: string): { release(): void } {
  const path = `${dataDir}.lock`;
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number; host?: string };
    if (typeof holder.pid === 'number' && holder.pid !== process.pid && holder.host === hostname() && alive(holder.pid)) {
      throw new Error(`an older mp process (pid ${holder.pid}) has the database open: stop it, then run the command again`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), since }), { mode: 0o600 });
  return {
    release() {
      rmSync(path, { force: true });
    },
  };
}

/** Whether `pid` runs, and (where /proc tells) runs node: a pid reused after a reboot is not mp. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return /node|mp/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [dataDir, idle] = process.argv.slice(2);
  if (!dataDir) {
    process.stderr.write('usage: owner.js <dataDir> [idleMs]\n');
    process.exit(2);
  }
  try {
    const served = await serveEmbedded(dataDir, Number(idle ?? 60_000));
    if (!served) log('another process owns the database: nothing to do');
    process.exit(0);
  } catch (error) {
    log(`failed: ${(error as Error)?.stack ?? error}`);
    process.exit(1);
  }
}
