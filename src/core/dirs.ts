// Folders mp creates for the user (MP_HOME, export folders) and the temporary files it leaves in
// them. Node's recursive mkdir spins forever at 100% CPU under /proc (`--export-dir /proc/x` did),
// so folders are made one level at a time here, and every failure is one clear UserError.
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { UserError } from './errors.js';

/**
 * Creates `path` and its missing parents (each with `mode`), like `mkdir -p` but bounded: a parent
 * that is a file, a read-only or virtual file system (/proc, /sys) is CANNOT_CREATE_DIR naming `what`.
 */
export function makeDirectories(path: string, what: string, mode = 0o777): string {
  const full = resolve(path);
  const { root } = parse(full);
  const parts = full.slice(root.length).split(sep).filter(Boolean);
  let current = root;
  for (const part of parts) {
    current = join(current, part);
    let made = false;
    try {
      mkdirSync(current, { mode });
      made = true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'EISDIR') throw cannotCreate(what, full, current, error);
    }
    if (!made) {
      let isDir = false;
      try {
        isDir = statSync(current).isDirectory();
      } catch (error) {
        throw cannotCreate(what, full, current, error);
      }
      if (!isDir) throw new UserError('CANNOT_CREATE_DIR', `cannot use ${full} as ${what}: ${current} is a file, not a folder`);
    }
  }
  return full;
}

/**
 * A folder mp writes files into (exports, price lists): created like makeDirectories, and the
 * temporary files that a killed mp left there are removed first (start-up housekeeping).
 */
export function prepareOutputDir(path: string, what: string): string {
  const full = makeDirectories(path, what);
  sweepStaleTempFiles(full);
  return full;
}

function cannotCreate(what: string, full: string, at: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOENT'
        ? `${dirname(at)} does not accept new folders`
        : code === 'EROFS'
          ? 'a read-only file system'
          : code === 'ENOTDIR'
            ? `${dirname(at)} is not a folder`
            : ((error as Error).message ?? String(error));
  return new UserError('CANNOT_CREATE_DIR', `cannot create ${what} ${full}: ${reason}; choose another folder`, { cause: error });
}

/**
 * Temporary files mp writes beside their target: `.<name>.<pid>-<hex>.part` (export), and
 * `<name>.<ext>.<pid>[.<hex>].tmp` (Kaspi JSON, XML price lists, preorder templates).
 */
const TEMP_FILE = /^(?:\..+\.(\d+)-[0-9a-f]{8}\.part|.+\.(?:json|xml|xlsx|csv|ndjson)\.(\d+)(?:\.[0-9a-f]{8})?\.tmp)$/;

/**
 * Removes temporary files left in `dir` by mp processes that no longer run (a kill -9 during an
 * export); files of live processes stay. Returns the names removed. A missing folder is nothing.
 */
export function sweepStaleTempFiles(dir: string, isAlive: (pid: number) => boolean = processAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_FILE.exec(name);
    if (!m) continue;
    const pid = Number(m[1] ?? m[2]);
    if (pid === process.pid || isAlive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

/** Whether a process with this id runs on this host. */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
