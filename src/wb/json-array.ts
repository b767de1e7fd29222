// Iterates the items of a JSON array held in a Buffer one at a time. A statistics page is ~80,000
// rows (~60 MB); JSON.parse of the whole body would hold the UTF-16 string and every raw object at
// once, several hundred MB. Items are located by a byte scan (strings and escapes respected) and
// parsed one by one, so only the current chunk of rows is alive.
import { UserError } from '../core/errors.js';

const SPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);

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
  let i = 0;
  while (i < buf.length && SPACE.has(buf[i]!)) i++;
  if (buf[i] !== 0x5b) throw new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response is not a JSON array`);
  i++;
  for (;;) {
    while (i < buf.length && (SPACE.has(buf[i]!) || buf[i] === 0x2c)) i++;
    if (i >= buf.length) throw new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response is cut off`);
    if (buf[i] === 0x5d) return;
    const open = buf[i];
    if (open !== 0x7b && open !== 0x5b) throw new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response has a non-object item`);
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < buf.length; i++) {
      const c = buf[i]!;
      if (inString) {
        if (c === 0x5c) i++;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) break;
      }
    }
    if (depth !== 0) throw new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response is cut off`);
    i++;
    try {
      yield JSON.parse(buf.toString('utf8', start, i));
    } catch (cause) {
      if (cause instanceof UserError) throw cause;
      throw new UserError('WB_BAD_RESPONSE', `Wildberries ${what} response has an unparsable row`, { cause });
    }
  }
}
