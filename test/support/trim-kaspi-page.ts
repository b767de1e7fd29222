// Trims a real saved kaspi.kz product page (~380 KB) to what mp reads, as verbatim excerpts in their
// original order: the <html>/<head> opening, <title>, the og: and canonical tags, every JSON-LD block,
// the script holding `BACKEND.state.productId` and `BACKEND.components.item`, and from the item's
// markup the breadcrumbs, the photo slider and the heading/rating/price block. Nothing inside an
// excerpt is changed; what lies between excerpts is replaced by one `<!-- trimmed -->` marker.
//   npx tsc -p tsconfig.json && node dist/test/support/trim-kaspi-page.js <in.html> <out.html> "<provenance>"
import { readFileSync, writeFileSync } from 'node:fs';

interface Range {
  start: number;
  end: number;
}

function all(html: string, re: RegExp): Range[] {
  const out: Range[] = [];
  for (const m of html.matchAll(re)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** From the first `open` at or after `from` to its balanced closing `</div>` (no nesting of other tags matters). */
function balancedDiv(html: string, from: number): Range | undefined {
  if (from < 0) return undefined;
  let depth = 0;
  const re = /<div\b|<\/div>/g;
  re.lastIndex = from;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[0] === '</div>' ? -1 : 1;
    if (depth === 0) return { start: from, end: m.index + m[0].length };
  }
  return undefined;
}

export function trimKaspiPage(html: string): string {
  const ranges: Range[] = [];
  const headOpen = html.indexOf('<head>');
  ranges.push({ start: 0, end: headOpen + '<head>'.length });
  ranges.push(...all(html, /<title>[^<]*<\/title>/g));
  ranges.push(...all(html, /<meta property="og:[^"]*"[^>]*>|<link rel="canonical"[^>]*>/g));
  ranges.push(...all(html, /<script type="application\/ld\+json">[\s\S]*?<\/script>/g));
  const item = html.indexOf('BACKEND.components.item');
  if (item >= 0) ranges.push({ start: html.lastIndexOf('<script', item), end: html.indexOf('</script>', item) + '</script>'.length });
  for (const marker of ['<div class="breadcrumbs', '<ul class="item__slider-self"', '<div class="item__description"']) {
    const at = html.indexOf(marker);
    if (at < 0) continue;
    if (marker.startsWith('<ul')) ranges.push({ start: at, end: html.indexOf('</ul>', at) + '</ul>'.length });
    else {
      const div = balancedDiv(html, at);
      if (div) ranges.push(div);
    }
  }
  ranges.sort((a, b) => a.start - b.start);
  let out = '';
  let last = 0;
  for (const r of ranges) {
    if (r.start < last) continue; // nested in an excerpt already taken
    if (r.start > last) out += '\n<!-- trimmed -->\n';
    out += html.slice(r.start, r.end);
    last = r.end;
  }
  return `${out}\n<!-- trimmed -->\n</html>\n`;
}

if (process.argv[1]?.endsWith('trim-kaspi-page.js')) {
  const [input, output, provenance] = process.argv.slice(2);
  if (!input || !output || !provenance) throw new Error('usage: trim-kaspi-page <in.html> <out.html> "<provenance>"');
  const trimmed = trimKaspiPage(readFileSync(input, 'utf8'));
  writeFileSync(output, `<!-- ${provenance.replace(/--/g, '- -')} -->\n${trimmed}`);
}
