import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../core/errors.js';

export interface FileLock {
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/**
 * An exclusive lock file: PGlite must not be opened by two processes at once. A lock left by a
 * process that no longer exists (on this host) is taken over. Waits up to `timeoutMs`.
 */
export async function acquireFileLock(path: string, timeoutMs: number, what = 'the embedded database'): Promise<FileLock> {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        try {
          const holder = readHolder(path);
          if (holder?.pid === me.pid) unlinkSync(path);
        } catch {
          // Already gone.
        }
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (!holder || (holder.host === me.host && !processAlive(holder.pid))) {
      // Stale (its process died) or half-written: remove it and try again.
      try {
        unlinkSync(path);
      } catch {
        // Someone else removed it first.
      }
      continue;
    }
    if (Date.now() >= deadline) {
      throw new UserError(
        'DB_LOCKED',
        `${what} is in use by another mp process (pid ${holder.pid} on ${holder.host}, since ${holder.since}); wait for it, raise --lock-timeout, or use PostgreSQL (DATABASE_URL) to run several mp processes at once`,
      );
    }
    await sleep(Math.min(100, Math.max(1, deadline - Date.now())));
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
