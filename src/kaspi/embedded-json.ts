import { decodeEntities } from './html-text.js';

// Finds JSON embedded in a big HTML page without building a DOM (a DOM of a 400 KB page costs
// 30–60 ms of CPU; these scans cost well under 1 ms).

/** A page as fetched (bytes) or as text. Bytes let the fast path decode only the JSON it needs. */
export type PageSource = string | Buffer;

/**
 * Given an open `{` at `start`, returns the index just past the matching `}`, or -1. String-aware:
 * braces, `};` and `</script>` inside double- or single-quoted strings do not count, and escaped
 * quotes (`\"`) do not end a string. Works on UTF-8 bytes too: every byte it looks for is ASCII,
 * and no byte of a multi-byte UTF-8 sequence is.
 */
export function matchBraces(text: PageSource, start: number): number {
  return typeof text === 'string' ? matchWith(text.length, (i) => text.charCodeAt(i), text, start) : matchWith(text.length, (i) => text[i]!, text, start);
}

function matchWith(n: number, at: (i: number) => number, text: PageSource, start: number): number {
  let depth = 0;
  let quote = 0; // the char code of the open quote, 0 outside strings
  for (let i = start; i < n; i++) {
    const c = at(i);
    if (quote) {
      if (c === 92 /* \ */) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 34 /* " */ || c === 39 /* ' */) quote = c;
    else if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */) {
      depth--;
      if (depth === 0) return i + 1;
    } else if (c === 60 /* < */ && startsWithAt(text, i, SCRIPT_END)) {
      // A real end of the script element outside any string: the object was cut short.
      return -1;
    }
  }
  return -1;
}

const SCRIPT_END = '</script';

/**
 * Whether `needle` (ASCII) starts at `i`: a comparison of its few characters, not a search. (A
 * search from `i` — `indexOf(needle, i) === i` — scans to the next match, as far as the end of a
 * 400 KB page, for every `<` outside a string.)
 */
function startsWithAt(text: PageSource, i: number, needle: string): boolean {
  if (typeof text === 'string') return text.startsWith(needle, i);
  if (i + needle.length > text.length) return false;
  for (let k = 0; k < needle.length; k++) if (text[i + k] !== needle.charCodeAt(k)) return false;
  return true;
}

function codeAt(text: PageSource, i: number): number {
  return typeof text === 'string' ? text.charCodeAt(i) : (text[i] ?? Number.NaN);
}

export function sliceText(text: PageSource, start: number, end: number): string {
  return typeof text === 'string' ? text.slice(start, end) : text.toString('utf8', start, end);
}

/**
 * The object literal assigned as `<name> = {…}` (e.g. `BACKEND.components.item`), parsed as JSON.
 * Skips mentions that are not assignments (`if (BACKEND.components.item)`, `==`). Returns
 * undefined when there is no such assignment or it does not parse.
 */
export function extractAssignedJson(html: PageSource, name: string): unknown {
  let from = 0;
  for (;;) {
    const at = html.indexOf(name, from);
    if (at < 0) return undefined;
    from = at + name.length;
    let i = from;
    while (isSpace(codeAt(html, i))) i++;
    if (codeAt(html, i) !== 61 /* = */ || codeAt(html, i + 1) === 61) continue;
    i++;
    while (isSpace(codeAt(html, i))) i++;
    if (codeAt(html, i) !== 123 /* { */) continue;
    const end = matchBraces(html, i);
    if (end < 0) continue;
    try {
      return JSON.parse(sliceText(html, i, end));
    } catch {
      // Not JSON (a JS literal or a cut blob): look for a later assignment.
    }
  }
}

/** Every `<script type="application/ld+json">` block that parses, flattened (arrays and @graph). */
export function extractJsonLd(html: PageSource): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  // indexOf instead of a regex so bytes work too; a mention of the type inside other script code
  // leads to a slice that does not parse and is skipped.
  for (let from = 0; ; ) {
    const at = html.indexOf('application/ld+json', from);
    if (at < 0) break;
    const start = html.indexOf('>', at) + 1;
    const end = start > 0 ? html.indexOf('</script', start) : -1;
    if (end < 0) break;
    from = end;
    const text = sliceText(html, start, end);
    try {
      flatten(JSON.parse(text), out);
    } catch {
      // Real pages end their BreadcrumbList block with a stray comma (`},` before `</script>`):
      // retry without trailing commas; a block still broken after that is ignored.
      try {
        flatten(JSON.parse(withoutTrailingCommas(text)), out);
      } catch {
        // A broken block among good ones: ignore it.
      }
    }
  }
  return out;
}

/** JSON text with every comma that closes nothing (`,}` `,]` or a comma at the end) removed, strings untouched. */
export function withoutTrailingCommas(text: string): string {
  let out = '';
  let quote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    if (c === ',') {
      let j = i + 1;
      while (j < text.length && isSpace(text.charCodeAt(j))) j++;
      if (j === text.length || text[j] === '}' || text[j] === ']') continue;
    }
    out += c;
  }
  return out;
}

function flatten(value: unknown, out: Record<string, unknown>[]): void {
  if (Array.isArray(value)) for (const v of value) flatten(v, out);
  else if (value && typeof value === 'object') {
    out.push(value as Record<string, unknown>);
    const graph = (value as Record<string, unknown>)['@graph'];
    if (Array.isArray(graph)) flatten(graph, out);
  }
}

/** The `content` of `<meta property|name="<key>" content="…">`, entities decoded. */
export function metaContent(html: string, key: string): string | undefined {
  const re = new RegExp(`<meta[^>]+(?:property|name)\\s*=\\s*["']${key.replace(/[.:]/g, '\\$&')}["'][^>]*>`, 'i');
  const tag = re.exec(html)?.[0];
  const content = tag && /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(tag);
  const value = content ? (content[1] ?? content[2]) : undefined;
  return value === undefined ? undefined : decodeEntities(value);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
