// Turns what the user gave (URLs, ids, --file lines, the tracked list) into scrape targets.
import { ALMATY_CITY_ID } from './cities.js';
import { parseProductRef } from './product-ref.js';
import type { ScrapeFailure, ScrapeTarget } from './scrape.service.js';

export interface ResolvedInputs {
  targets: ScrapeTarget[];
  /** Inputs that are not a product URL or id (KASPI_BAD_INPUT), in input order. */
  invalid: ScrapeFailure[];
}

/**
 * The city is `cityOverride` (an explicit --city) when given, else the URL's `?c=`, else Almaty.
 * The same product and city given twice is scraped once.
 */
export function resolveTargets(inputs: readonly string[], cityOverride?: string): ResolvedInputs {
  const targets: ScrapeTarget[] = [];
  const invalid: ScrapeFailure[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const ref = parseProductRef(input);
    if (!ref) {
      invalid.push({ ok: false, target: { input }, code: 'KASPI_BAD_INPUT', message: badInputMessage(input) });
      continue;
    }
    const city = cityOverride ?? ref.city ?? ALMATY_CITY_ID;
    const key = `${ref.id}|${city}`;
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push({ input, id: ref.id, city });
  }
  return { targets, invalid };
}

export function badInputMessage(input: string): string {
  const shown = input.length > 120 ? `${input.slice(0, 117)}...` : input;
  return `"${shown}" is not a Kaspi product URL or id: use https://kaspi.kz/shop/p/<name>-<id>/ or the numeric id`;
}
