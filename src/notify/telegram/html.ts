// Telegram HTML: escaping dynamic values and fitting texts into Telegram's limits.

/** Telegram's limits, counted after entity parsing (what the reader sees). */
export const MESSAGE_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/** Escapes `&`, `<`, `>` and `"` so a value can never open a tag or an entity. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The length Telegram counts: tags removed and entities decoded. */
export function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, '').replace(/&(?:lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/gi, '_').length;
}

/** The text a reader would see, for sending without parse_mode: tags removed, entities decoded. */
export function htmlToPlain(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&(lt|gt|quot|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', amp: '&' };
    const lower = e.toLowerCase();
    if (named[lower]) return named[lower];
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number.parseInt(lower.slice(1), 10);
    return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/**
 * Splits a message into parts of at most `limit` characters on line breaks. Renderers keep every
 * tag inside one line, so a part never cuts a tag in two; a single overlong line (a long review) is
 * cut at a space, never inside an entity.
 */
export function splitMessage(html: string, limit = MESSAGE_LIMIT): string[] {
  const parts: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim() !== '') parts.push(current.replace(/\n+$/, ''));
    current = '';
  };
  for (const line of html.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length <= limit) {
      current = candidate;
      continue;
    }
    push();
    let rest = line;
    while (rest.length > limit) {
      const cut = safeCut(rest, limit);
      parts.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).trimStart();
    }
    current = rest;
  }
  push();
  return parts;
}

function safeCut(line: string, limit: number): number {
  let cut = line.lastIndexOf(' ', limit);
  if (cut < limit / 2) cut = limit;
  // Never cut inside `&amp;` and friends or a tag.
  const amp = line.lastIndexOf('&', cut);
  if (amp >= 0 && amp > cut - 10 && line.indexOf(';', amp) >= cut) cut = amp;
  const lt = line.lastIndexOf('<', cut);
  if (lt >= 0 && line.indexOf('>', lt) >= cut) cut = lt;
  return Math.max(1, cut);
}
