// What `mp kaspi scrape` shows: a table (TSV when piped) on stdout, failures and a summary on stderr.
import type { Context } from '../../core/context.js';
import { KASPI } from '../../core/format.js';
import { cityName } from '../../kaspi/cities.js';
import { countBy, type ScrapeSummary } from '../../kaspi/scrape-summary.js';
import { unacceptedPartial } from '../../kaspi/scrape-warnings.js';

export function renderScrapeResults(
  ctx: Context,
  rows: readonly ScrapeSummary[],
  exportDir: string,
  incomplete: { partial: number; acceptPartial: boolean } = { partial: 0, acceptPartial: false },
): void {
  const ok = rows.filter((r) => r.ok);
  const failed = rows.filter((r) => !r.ok);
  if (!ctx.out.json && ok.length) {
    ctx.out.list(
      ok,
      [
        { key: 'id' },
        // On a terminal: the city's name; piped: its id.
        { key: 'city', get: (r) => (ctx.out.isTTY && r.city ? cityName(r.city) : r.city) },
        { key: 'name', get: (r) => r.name ?? '', shrink: true, max: 40 },
        { key: 'min', kind: 'money', get: (r) => r.minPrice ?? null },
        { key: 'max', kind: 'money', get: (r) => r.maxPrice ?? null, priority: 3 },
        { key: 'sellers', kind: 'count', priority: 2 },
        { key: 'rating', align: 'right', priority: 4 },
        { key: 'reviews', kind: 'count', priority: 4 },
        { key: 'changes', priority: 2, shrink: true, ellipsis: 'end', min: 8 },
      ],
      { market: KASPI },
    );
  }
  for (const r of ok) for (const w of r.warnings) ctx.log.warn(`${r.id} (${r.city}): ${w.code}: ${w.message}`, { id: r.id, city: r.city, code: w.code });
  for (const f of failed) ctx.log.error(f.message ?? 'failed', { code: f.code, input: f.input });
  // A single failed input gets exactly one line: its error above.
  if (rows.length > 1 || ok.length) {
    const failedText = failed.length ? `, ${failed.length} failed (${countBy(failed.map((f) => f.code ?? 'ERROR'))})` : '';
    const notComplete = ok.filter((r) => r.complete === false);
    const incompleteText = notComplete.length
      ? `, ${notComplete.length} incomplete (${countBy(notComplete.flatMap((r) => unacceptedPartial(r.warnings, false).map((w) => w.code)))}: kept from the last scrape${
          incomplete.partial ? '' : incomplete.acceptPartial ? ', accepted with --accept-partial' : ''
        })`
      : '';
    ctx.log.info(`Scraped ${rows.length} product(s): ${ok.length - notComplete.length} ok${incompleteText}${failedText}. Exported to ${exportDir}/`, {
      ok: ok.length - notComplete.length,
      incomplete: notComplete.length,
      failed: failed.length,
    });
  }
}
