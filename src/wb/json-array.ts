// Iterates the items of a JSON array held in a Buffer a chunk at a time. A statistics page is
// ~80,000 rows (~60 MB); JSON.parse of the whole body would hold the UTF-16 string and every raw
// object at once, several hundred MB. Item boundaries are found by a byte scan (strings and escapes
// respected; string bodies are skipped with the native indexOf), and each chunk of items is parsed
// with one JSON.parse, so only the current chunk of rows is alive.
import { UserError } from '../core/errors.js';

const SPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether the buffer is an empty JSON array (`[]`, whitespace allowed). */
export function isEmptyJsonArray(buf: Buffer): boolean {
  let i = 0;
  while (i < buf.length && SPACE.has(buf[i]!)) i++;
  if (buf[i] !== 0x5b) return false;
  i++;
  while (i < buf.length && SPACE.has(buf[i]!)) i++;
  return buf[i] === 0x5d;
}

/** Yields each object or array item of a top-level JSON array, parsed. */
export function* jsonArrayItems(buf: Buffer, what: string): Generator<unknown> {
  for (const chunk of jsonArrayChunks(buf, what, 1)) yield chunk[0];
}

/** Yields the object or array items of a top-level JSON array, parsed, `size` at a time. */
export function* jsonArrayChunks(buf: Buffer, what: string, size: number): Generator<unknown[]> {
  let i = 0;
  while (i < buf.length && SPACE.has(buf[i]!)) i++;
  if (buf[i] !== 0x5b) throw new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response is not a JSON array`);
  i++;
  let chunkStart = -1;
  let count = 0;
  for (;;) {
    while (i < buf.length && (SPACE.has(buf[i]!) || buf[i] === 0x2c)) i++;
    if (i >= buf.length) throw cutOff(what);
    if (buf[i] === 0x5d) {
      if (count > 0) yield parseChunk(buf, chunkStart, i, what);
      return;
    }
    const open = buf[i];
    if (open !== 0x7b && open !== 0x5b) throw new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response has a non-object item`);
    if (count === 0) chunkStart = i;
    i = itemEnd(buf, i, what);
    if (++count === size) {
      yield parseChunk(buf, chunkStart, i, what);
      count = 0;
    }
  }
}

/** The index just past the object or array that opens at `start`. */
function itemEnd(buf: Buffer, start: number, what: string): number {
  let depth = 0;
  for (let i = start; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      // Jump to the closing quote: one not preceded by an odd number of backslashes.
      for (;;) {
        i = buf.indexOf(QUOTE, i + 1);
        if (i < 0) throw cutOff(what);
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
  throw cutOff(what);
}

/** Items between `start` and `end` (separated by commas) as one JSON array. */
function parseChunk(buf: Buffer, start: number, end: number, what: string): unknown[] {
  try {
    return JSON.parse(`[${buf.toString('utf8', start, end)}]`) as unknown[];
  } catch (cause) {
    throw new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response has an unparsable row`, { cause });
  }
}

function cutOff(what: string): UserError {
  return new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response is cut off`);
}
