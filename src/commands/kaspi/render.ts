// What `mp kaspi scrape` shows: a table (TSV when piped) on stdout, failures and a summary on stderr.
import type { Context } from '../../core/context.js';
import type { ScrapeFailure, ScrapeSuccess } from '../../kaspi/scrape.service.js';

export function renderScrapeResults(ctx: Context, ok: readonly ScrapeSuccess[], failed: readonly ScrapeFailure[], exportDir: string): void {
  if (!ctx.out.json && ok.length) {
    ctx.out.list(ok, [
      { key: 'id', get: (r) => r.target.id },
      { key: 'city', get: (r) => r.target.city },
      { key: 'name', get: (r) => truncate(r.saved.fields.name, ctx.out.isTTY ? 40 : Infinity) },
      { key: 'min', align: 'right', get: (r) => r.saved.fields.minPrice },
      { key: 'max', align: 'right', get: (r) => r.saved.fields.maxPrice },
      { key: 'sellers', align: 'right', get: (r) => (r.saved.fields.offersStatus === 'unknown' ? 'unknown' : r.saved.fields.sellerCount) },
      { key: 'rating', align: 'right', get: (r) => r.saved.fields.rating },
      { key: 'reviews', align: 'right', get: (r) => r.saved.fields.reviewCount },
      { key: 'changes', get: (r) => describeChanges(r) },
    ]);
  }
  for (const r of ok) for (const w of r.warnings) ctx.log.warn(`${r.target.id} (${r.target.city}): ${w}`, { id: r.target.id, city: r.target.city });
  for (const f of failed) ctx.log.error(f.message, { code: f.code, input: f.target.input });
  const total = ok.length + failed.length;
  // A single failed input gets exactly one line: its error above.
  if (total > 1 || ok.length) {
    const reasons = countBy(failed.map((f) => f.code));
    const failedText = failed.length ? `, ${failed.length} failed (${reasons})` : '';
    ctx.log.info(`Scraped ${total} product(s): ${ok.length} ok${failedText}. Exported to ${exportDir}/`, { ok: ok.length, failed: failed.length });
  }
}

function describeChanges(r: ScrapeSuccess): string {
  if (r.saved.created) return 'new';
  const parts: string[] = [...r.saved.changed];
  const events = countBy(r.saved.offerEvents.map((e) => e.event));
  if (events) parts.push(`offers: ${events}`);
  return parts.join(', ') || 'none';
}

function countBy(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
