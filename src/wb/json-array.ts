// Iterates the items of a JSON array as its bytes stream in, a chunk at a time. A statistics page is
// up to ~80,000 rows (~60 MB); JSON.parse of the whole body would hold the UTF-16 string and every
// raw object at once, several hundred MB, and even the page's bytes are more than mp needs to hold.
// Item boundaries are found by a byte scan (strings and escapes respected; string bodies are skipped
// with the native indexOf), and each chunk of items is parsed with one JSON.parse, so only the
// current chunk of rows (and the bytes of the next) is alive.
import { UserError } from '../core/errors.js';

const SPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function cutOff(what: string): UserError {
  return new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response is cut off`);
}

/** The first bytes of a streamed answer, kept to describe it in an error (an HTML page, `{}`…). */
export interface BodySample {
  bytes: Buffer;
  /** Bytes of the whole answer read so far. */
  total: number;
}

const SAMPLE_BYTES = 64 * 1024;

/**
 * The items of a top-level JSON array, parsed,
 * `size` at a time, while the bytes arrive; only the current chunk of items (and the start of the
 * next one) is held, never the whole answer. Throws WB_BAD_RESPONSE when it is cut off or holds a
 * non-object item; when it is not an array at all, `notArray(sample)` makes the error (the sample
 * then holds the answer's first 64 KB, read on to its end when shorter).
 */
export async function* streamJsonArrayChunks(
  body: AsyncIterable<Buffer>,
  what: string,
  size: number,
  sample: BodySample,
  notArray: (sample: BodySample) => Error,
): AsyncGenerator<unknown[]> {
  const source = body[Symbol.asyncIterator]();
  /** Unscanned bytes: the start of an item whose end has not arrived yet, then what came after. */
  let buf: Buffer = Buffer.alloc(0);
  let i = 0;
  /** Complete items of the current chunk: slices of earlier buffers, each a run of comma-separated items. */
  let parts: Buffer[] = [];
  let count = 0;
  /** The current run in `buf`: from the first of its items to the end of the last (-1: none yet). */
  let runStart = -1;
  let runEnd = -1;

  const more = async (): Promise<boolean> => {
    const next = await source.next();
    if (next.done) return false;
    const chunk = next.value;
    if (sample.total < SAMPLE_BYTES) sample.bytes = Buffer.concat([sample.bytes, chunk.subarray(0, SAMPLE_BYTES - sample.total)]);
    sample.total += chunk.length;
    // Keep the completed run of this buffer, then carry on from its unscanned rest.
    if (runStart >= 0) parts.push(buf.subarray(runStart, runEnd));
    runStart = -1;
    buf = i < buf.length ? Buffer.concat([buf.subarray(i), chunk]) : chunk;
    i = 0;
    return true;
  };
  const flush = (): unknown[] => {
    if (runStart >= 0) parts.push(buf.subarray(runStart, runEnd));
    runStart = -1;
    const text = parts.length === 1 ? parts[0]!.toString('utf8') : parts.map((p) => p.toString('utf8')).join(',');
    parts = [];
    count = 0;
    try {
      return JSON.parse(`[${text}]`) as unknown[];
    } catch (cause) {
      throw new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response has an unparsable row`, { cause });
    }
  };

  // The opening bracket.
  for (;;) {
    while (i < buf.length && SPACE.has(buf[i]!)) i++;
    if (i < buf.length) break;
    if (!(await more())) throw notArray(sample);
  }
  if (buf[i] !== 0x5b) {
    // Not an array: read on (bounded) so that a short answer is described whole.
    while (sample.total < SAMPLE_BYTES && (await more())) i = buf.length;
    throw notArray(sample);
  }
  i++;
  for (;;) {
    while (i < buf.length && (SPACE.has(buf[i]!) || buf[i] === 0x2c)) i++;
    if (i >= buf.length) {
      if (!(await more())) throw cutOff(what);
      continue;
    }
    if (buf[i] === 0x5d) {
      if (count > 0) yield flush();
      // Whatever follows the array is not read.
      return;
    }
    const open = buf[i];
    if (open !== 0x7b && open !== 0x5b) throw new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response has a non-object item`);
    const end = itemEnd(buf, i);
    if (end < 0) {
      if (!(await more())) throw cutOff(what);
      continue;
    }
    if (runStart < 0) runStart = i;
    i = runEnd = end;
    if (++count === size) yield flush();
  }
}

/** The index just past the object or array that opens at `start`, or -1 when it does not end within `buf` (more bytes are coming). */
function itemEnd(buf: Buffer, start: number): number {
  let depth = 0;
  for (let i = start; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      for (;;) {
        i = buf.indexOf(QUOTE, i + 1);
        if (i < 0) return -1;
        let slashes = 0;
        while (buf[i - 1 - slashes] === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
