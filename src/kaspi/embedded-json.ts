// Finds JSON embedded in a big HTML page without building a DOM (a DOM of a 400 KB page costs
// 30–60 ms of CPU; these scans cost well under 1 ms).

/**
 * Given `text[start] === '{'`, returns the index just past the matching `}`, or -1. String-aware:
 * braces, `};` and `</script>` inside double- or single-quoted strings do not count, and escaped
 * quotes (`\"`) do not end a string.
 */
export function matchBraces(text: string, start: number): number {
  let depth = 0;
  let quote = 0; // the char code of the open quote, 0 outside strings
  const n = text.length;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
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
    } else if (c === 60 /* < */ && text.startsWith('</script', i)) {
      // A real end of the script element outside any string: the object was cut short.
      return -1;
    }
  }
  return -1;
}

/**
 * The object literal assigned as `<name> = {…}` (e.g. `BACKEND.components.item`), parsed as JSON.
 * Skips mentions that are not assignments (`if (BACKEND.components.item)`, `==`). Returns
 * undefined when there is no such assignment or it does not parse.
 */
export function extractAssignedJson(html: string, name: string): unknown {
  let from = 0;
  for (;;) {
    const at = html.indexOf(name, from);
    if (at < 0) return undefined;
    from = at + name.length;
    let i = from;
    while (isSpace(html.charCodeAt(i))) i++;
    if (html.charCodeAt(i) !== 61 /* = */ || html.charCodeAt(i + 1) === 61) continue;
    i++;
    while (isSpace(html.charCodeAt(i))) i++;
    if (html.charCodeAt(i) !== 123 /* { */) continue;
    const end = matchBraces(html, i);
    if (end < 0) continue;
    try {
      return JSON.parse(html.slice(i, end));
    } catch {
      // Not JSON (a JS literal or a cut blob): look for a later assignment.
    }
  }
}

/** Every `<script type="application/ld+json">` block that parses, flattened (arrays and @graph). */
export function extractJsonLd(html: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const open = /<script[^>]*type\s*=\s*["']?application\/ld\+json["']?[^>]*>/gi;
  for (let m = open.exec(html); m; m = open.exec(html)) {
    const start = m.index + m[0].length;
    const end = html.indexOf('</script', start);
    if (end < 0) break;
    open.lastIndex = end;
    try {
      flatten(JSON.parse(html.slice(start, end)), out);
    } catch {
      // A broken block among good ones: ignore it.
    }
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

/** The `content` of `<meta property|name="<key>" content="…">`, entity-decoded minimally. */
export function metaContent(html: string, key: string): string | undefined {
  const re = new RegExp(`<meta[^>]+(?:property|name)\\s*=\\s*["']${key.replace(/[.:]/g, '\\$&')}["'][^>]*>`, 'i');
  const tag = re.exec(html)?.[0];
  const content = tag && /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(tag);
  const value = content ? (content[1] ?? content[2]) : undefined;
  return value === undefined ? undefined : decodeBasicEntities(value);
}

export function decodeBasicEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
