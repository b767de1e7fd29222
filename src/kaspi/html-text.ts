// Description HTML → readable plain text (paragraphs and list items on their own lines). A small
// tag scanner rather than a DOM: it runs once per product on the fast path, where a cheerio
// document costs ~0.8 ms and this ~0.02 ms.

const DROP = /<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/gi;
// A tag starts with a letter, `/` or `!` right after `<` (so "a < b" stays text); quoted attribute
// values may hold `>`.
const TAG = /<(\/?)([a-zA-Z][\w:-]*|!)((?:"[^"]*"|'[^']*'|[^'">])*)>/g;
const BLOCK = new Set(['p', 'div', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'table', 'section', 'blockquote', 'dt', 'dd', 'br', 'hr']);

export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return tidy(html);
  const text = html.replace(DROP, '').replace(TAG, (_m, close: string, name: string) => {
    const tag = name.toLowerCase();
    if (tag === 'li' && !close) return '\n• ';
    return BLOCK.has(tag) ? '\n' : '';
  });
  return tidy(decodeEntities(text));
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  laquo: '«',
  raquo: '»',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  times: '×',
  plusmn: '±',
  middot: '·',
  bull: '•',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  sup2: '²',
  sup3: '³',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  euro: '€',
  shy: '',
  minus: '−',
  micro: 'µ',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '' && line !== '•')
    .join('\n')
    .trim();
}
