// What a scrape that succeeded could not see. Each warning has a stable code (README: "When a page or
// an answer looks incomplete"); the partial ones mean something was NOT stored as observed and make
// `mp kaspi scrape` exit 1 (the offers ones only until `--accept-partial`) and the kaspi.scrape job
// record an incomplete run.

export interface ScrapeWarning {
  code: ScrapeWarningCode;
  message: string;
  /** The product fields it concerns (KASPI_LAYOUT_CHANGED: those kept from the last scrape or read from a fallback). */
  fields?: string[];
}

export const WARNING = {
  /** Kaspi's `total` says more offers exist than its pages gave: the stored offers were kept as they were. */
  offersIncomplete: 'KASPI_OFFERS_INCOMPLETE',
  /** The offers API said [] while the page shows a price or sellers: the stored offers were kept. */
  offersUnknown: 'KASPI_OFFERS_UNKNOWN',
  /** The page lost fields or containers mp reads: stored values were kept, not overwritten with nothing. */
  layoutChanged: 'KASPI_LAYOUT_CHANGED',
  /** No embedded item state: name, price, … came from JSON-LD (or the markup). Stored as read. */
  pageFallback: 'KASPI_PAGE_FALLBACK',
  /** Neither the page nor the reviews API gave a rating or review count: the stored ones were kept. */
  reviewsUnavailable: 'KASPI_REVIEWS_UNAVAILABLE',
} as const;
export type ScrapeWarningCode = (typeof WARNING)[keyof typeof WARNING];

/** Warnings after which the stored product is not fully what Kaspi shows now. */
const PARTIAL: ReadonlySet<string> = new Set([WARNING.offersIncomplete, WARNING.offersUnknown, WARNING.layoutChanged]);
/** Partial warnings `--accept-partial` accepts: offer lists Kaspi gave only in part. */
const ACCEPTABLE: ReadonlySet<string> = new Set([WARNING.offersIncomplete, WARNING.offersUnknown]);

/** True when no warning says part of the product was not observed. */
export function isComplete(warnings: readonly { code: string }[]): boolean {
  return !warnings.some((w) => PARTIAL.has(w.code));
}

/** The partial warnings that still fail the run when the user accepted partial offer lists (or not). */
export function unacceptedPartial<W extends { code: string }>(warnings: readonly W[], acceptPartial: boolean): W[] {
  return warnings.filter((w) => PARTIAL.has(w.code) && !(acceptPartial && ACCEPTABLE.has(w.code)));
}
