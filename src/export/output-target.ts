// Where an export goes: a file written under a temporary name and renamed into place only when
// complete (a failed or interrupted export leaves no file at all), or stdout.
import { randomBytes } from 'node:crypto';
import { createWriteStream, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { prepareOutputDir } from '../core/dirs.js';
import { UsageError, UserError } from '../core/errors.js';
import { FORMATS, type Format } from './writers/writer.js';

export interface OutputTarget {
  stream: Writable;
  /** The final file, or null for stdout. */
  path: string | null;
  /** Called after the writer finished: makes the file durable and moves it into place. */
  commit(): Promise<void>;
  /** Called on failure: removes the temporary file. */
  abort(): Promise<void>;
}

const EXTENSIONS: Record<string, Format> = { '.csv': 'csv', '.xlsx': 'xlsx', '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };

/** The format: `--format` when given, else from the `--out` extension, else CSV. */
export function resolveFormat(format: string | undefined, out: string | undefined): Format {
  if (format !== undefined) {
    const f = format.toLowerCase();
    if (!(FORMATS as readonly string[]).includes(f))
      throw new UsageError('EXPORT_BAD_FORMAT', `--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
    return f as Format;
  }
  if (out === undefined || out === '-') return 'csv';
  const byExt = EXTENSIONS[extname(out).toLowerCase()];
  if (!byExt) {
    throw new UsageError('EXPORT_BAD_FORMAT', `cannot tell the format from "${out}": name it .csv, .xlsx, .json or .ndjson, or pass --format`);
  }
  return byExt;
}

/** `<dir>/<dataset>-<UTC timestamp>.<ext>`, e.g. `export/kaspi-offers-20261121T193005Z.csv`. */
export function defaultOutputPath(dir: string, dataset: string, format: Format, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return join(dir, `${dataset}-${stamp}.${format}`);
}

/** Opens a file target: writes go to `.<name>.<pid>-<random>.part` beside it. */
export function openFileTarget(path: string): OutputTarget {
  const dir = dirname(path);
  try {
    prepareOutputDir(dir, 'the export folder');
  } catch (error) {
    throw new UserError('EXPORT_CANNOT_WRITE', `cannot create the folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.part`);
  const stream = createWriteStream(temp, { flags: 'wx' });
  let settled = false;
  // An interrupted export (Ctrl-C, a killed cron job) must not leave its temporary file behind.
  const onSignal = (signal: NodeJS.Signals) => {
    try {
      unlinkSync(temp);
    } catch {}
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const release = () => {
    settled = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  return {
    stream,
    path,
    async commit() {
      if (settled) return;
      if (!stream.closed) await new Promise<void>((resolve, reject) => stream.once('close', () => resolve()).once('error', reject));
      const handle = await open(temp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
      release();
    },
    async abort() {
      if (settled) return;
      release();
      // The file is opened asynchronously: unlinking before the open lands would leave it behind.
      if (!stream.closed) {
        const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
        stream.destroy();
        await closed;
      }
      await unlink(temp).catch(() => {});
    },
  };
}

/** stdout: the writer ends a pass-through; stdout itself stays open for the process. */
export function stdoutTarget(stdout: NodeJS.WritableStream = process.stdout): OutputTarget {
  const stream = new PassThrough();
  stream.pipe(stdout, { end: false });
  return {
    stream,
    path: null,
    async commit() {
      if (!stream.readableEnded) await new Promise((resolve) => stream.once('end', resolve));
    },
    async abort() {
      stream.unpipe(stdout);
      stream.destroy();
    },
  };
}
