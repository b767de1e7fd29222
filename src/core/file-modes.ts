// MP_HOME holds the embedded database (payout accounts, tokens) and the secret key: it is created
// 0700, the key 0600, and a new embedded database's files 0600 (PGlite writes them 0666). At start-up
// a home, database folder or key file that others can read is named in a warning with the fix.
import { chmodSync, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirectories } from './dirs.js';
import type { Logger } from './log.js';

/** Group and other permission bits. */
const OPEN = 0o077;

/** What may be looser than it should be, with the mode it should have. */
export interface LooseFile {
  path: string;
  mode: number;
  want: number;
}

/**
 * Creates MP_HOME (0700, parents included) when missing; returns whether it was created. A home
 * that cannot be created (a file, /proc, no permission) is CANNOT_CREATE_DIR.
 */
export function prepareHome(home: string): boolean {
  if (existsSync(home) && statSync(home).isDirectory()) return false;
  makeDirectories(home, 'MP_HOME (--home)', 0o700);
  chmodSync(home, 0o700);
  return true;
}

/** The home, its database folder and its key file, when others may read them. */
export function looseFiles(home: string): LooseFile[] {
  const out: LooseFile[] = [];
  for (const [path, want] of [
    [home, 0o700],
    [join(home, 'db'), 0o700],
    [join(home, 'secret.key'), 0o600],
  ] as const) {
    try {
      const mode = statSync(path).mode & 0o777;
      if (mode & OPEN) out.push({ path, mode, want });
    } catch {
      // Not there (yet): nothing to check.
    }
  }
  return out;
}

/** One warning per loose file, saying how to fix it. */
export function warnLooseFiles(home: string, log: Logger): LooseFile[] {
  const loose = looseFiles(home);
  for (const f of loose) {
    log.warn(
      `${f.path} is open to other users (mode ${f.mode.toString(8)}): it holds the database or the secret key; run \`chmod ${f.want === 0o700 ? '-R go-rwx' : '600'} ${f.path}\``,
      { code: 'FILE_MODE_LOOSE', path: f.path, mode: f.mode.toString(8) },
    );
  }
  return loose;
}

/** Folders 0700 and files 0600 under `dir` (a new embedded database). Returns how many were changed. */
export function tightenTree(dir: string): number {
  let changed = 0;
  const walk = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== want) {
      chmodSync(path, want);
      changed++;
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  if (existsSync(dir)) walk(dir);
  return changed;
}
