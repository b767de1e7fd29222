// What the terminal can do: TTY detection and colour, honouring NO_COLOR and FORCE_COLOR.

export interface Stream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

/** Whether colour may be used on this stream (NO_COLOR wins, then FORCE_COLOR, then the TTY). */
export function colorEnabled(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  gray: [90, 39],
} as const;

export type Paint = { -readonly [K in keyof typeof codes]: (s: string) => string };

/**
 * A tiny ANSI painter. chalk is used for richer output where it is loaded anyway; this one keeps
 * the start-up path of every command free of it.
 */
export function painter(enabled: boolean): Paint {
  const out = {} as Paint;
  for (const [name, [open, close]] of Object.entries(codes)) {
    out[name as keyof Paint] = enabled ? (s: string) => `\u001b[${open}m${s}\u001b[${close}m` : (s: string) => s;
  }
  return out;
}

/** Display width of a string (ANSI codes ignored; wide CJK characters count two). */
export function displayWidth(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  let width = 0;
  for (const ch of plain) {
    const cp = ch.codePointAt(0) ?? 0;
    width +=
      cp >= 0x1100 &&
      (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xff60))
        ? 2
        : 1;
  }
  return width;
}

/**
 * Cuts text to at most `width` terminal columns, ending in `…` when something was cut. Colour codes
 * are dropped from a cut text (a cut could leave one open).
 */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const ch of plain) {
    const w = displayWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/**
 * Cuts text to at most `width` columns by taking characters out of the middle: a product name
 * keeps its start and its distinguishing end (size, colour): `Apple iPh…128Gb черный`. Two fifths
 * of the room go to the start, the rest to the end.
 */
export function truncateMiddle(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width < 8) return truncateToWidth(text, width);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
  const chars = [...text.replace(/\u001b\[[0-9;]*m/g, '')];
  const room = width - 1;
  const headRoom = Math.floor((room * 2) / 5);
  let head = '';
  let used = 0;
  for (const ch of chars) {
    const w = displayWidth(ch);
    if (used + w > headRoom) break;
    head += ch;
    used += w;
  }
  head = head.trimEnd();
  used = displayWidth(head);
  let tail = '';
  let tailUsed = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const w = displayWidth(chars[i]!);
    if (used + tailUsed + w > room) break;
    tail = chars[i] + tail;
    tailUsed += w;
  }
  return `${head}…${tail.trimStart()}`;
}
