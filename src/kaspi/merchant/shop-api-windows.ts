// The Shop API refuses a creationDate filter wider than 14 days: sync walks the range in windows.

export const MAX_WINDOW_MS = 14 * 86_400_000;

export interface CreationWindow {
  /** `filter[orders][creationDate][$ge]`, ms. */
  from: number;
  /** `filter[orders][creationDate][$le]`, ms (inclusive; `to - from` < 14 days). */
  to: number;
}

/** Splits [from, to] into consecutive inclusive windows of at most `spanMs` (≤ 14 days). */
export function creationWindows(from: Date, to: Date, spanMs = MAX_WINDOW_MS): CreationWindow[] {
  const span = Math.min(spanMs, MAX_WINDOW_MS);
  const out: CreationWindow[] = [];
  for (let start = from.getTime(); start <= to.getTime(); start += span) {
    out.push({ from: start, to: Math.min(start + span - 1, to.getTime()) });
  }
  return out;
}
