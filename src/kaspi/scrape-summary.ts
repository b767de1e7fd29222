// The little a run keeps of each product once its record and export file are written.
import type { ScrapeResult } from './scrape.service.js';
import type { ScrapeWarning } from './scrape-warnings.js';

export interface ScrapeSummary {
  ok: boolean;
  input: string;
  id?: string;
  city?: string;
  name?: string;
  minPrice?: string | null;
  maxPrice?: string | null;
  sellers?: number | string | null;
  rating?: string | null;
  reviews?: number | null;
  /** 'new', 'none', or the changed fields and offer events. */
  changes?: string;
  warnings: ScrapeWarning[];
  /** False when part of the product was not observed (kept from the last scrape). */
  complete?: boolean;
  code?: string;
  message?: string;
}

export function summarize(r: ScrapeResult): ScrapeSummary {
  if (!r.ok) return { ok: false, input: r.target.input, id: r.target.id, city: r.target.city, warnings: [], code: r.code, message: r.message };
  const f = r.saved.fields;
  return {
    ok: true,
    input: r.target.input,
    id: r.target.id,
    city: r.target.city,
    name: f.name,
    minPrice: f.minPrice,
    maxPrice: f.maxPrice,
    sellers: f.offersStatus === 'unknown' || f.offersStatus === 'incomplete' ? f.offersStatus : f.sellerCount,
    rating: f.rating,
    reviews: f.reviewCount,
    changes: describeChanges(r),
    warnings: r.warnings,
    complete: r.complete,
  };
}

function describeChanges(r: Extract<ScrapeResult, { ok: true }>): string {
  if (r.saved.created) return 'new';
  const parts: string[] = [...r.saved.changed];
  const events = countBy(r.saved.offerEvents.map((e) => e.event));
  if (events) parts.push(`offers: ${events}`);
  return parts.join(', ') || 'none';
}

export function countBy(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}
