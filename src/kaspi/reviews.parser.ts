// The reviews API response → rating and review count. The count is the `groupSummary` entry whose
// id is COMMENT, found by id: its position differs between products (the seed used index 1).
export interface ReviewsSummary {
  rating: number | null;
  reviewCount: number | null;
}

type Obj = Record<string, unknown>;

export function parseReviews(body: unknown): ReviewsSummary {
  const b = (body && typeof body === 'object' ? body : {}) as Obj;
  const summary = (b.summary && typeof b.summary === 'object' ? b.summary : {}) as Obj;
  const groups = Array.isArray(b.groupSummary) ? (b.groupSummary as Obj[]) : [];
  const comment = groups.find((g) => g && typeof g === 'object' && g.id === 'COMMENT');
  const rating = typeof summary.global === 'number' && Number.isFinite(summary.global) ? summary.global : null;
  const total = comment && typeof comment.total === 'number' && Number.isInteger(comment.total) ? comment.total : null;
  return { rating, reviewCount: total };
}
