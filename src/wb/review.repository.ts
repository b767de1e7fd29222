// All SQL for wb_reviews.
import type { ParsedReview } from './content-parser.js';
import { type Db, selectExisting, upsertRecordset } from './recordset.js';

const REVIEW_COLUMNS = [
  ['review_id', 'text'],
  ['nm_id', 'bigint'],
  ['rating', 'integer'],
  ['text', 'text'],
  ['pros', 'text'],
  ['cons', 'text'],
  ['user_name', 'text'],
  ['product_name', 'text'],
  ['supplier_article', 'text'],
  ['size', 'text'],
  ['is_answered', 'boolean'],
  ['answer_text', 'text'],
  ['created_date', 'timestamptz'],
] as const;

export async function existingReviewIds(db: Db, cabinetId: string, ids: readonly string[]): Promise<Set<string>> {
  const rows = await selectExisting<{ review_id: string }>(db, 'wb_reviews', cabinetId, 'review_id', 'review_id', ids);
  return new Set(rows.map((r) => r.review_id));
}

export async function upsertReviews(db: Db, cabinetId: string, rows: readonly ParsedReview[]): Promise<void> {
  await upsertRecordset(db, { table: 'wb_reviews', cabinetId, columns: REVIEW_COLUMNS, key: ['review_id'] }, rows);
}

export interface ReviewFilter {
  maxRating?: number;
  unanswered?: boolean;
  since?: Date;
  nmId?: string;
}

export async function listReviews(db: Db, cabinetId: string, f: ReviewFilter) {
  let q = db
    .selectFrom('wb_reviews')
    .select(['review_id', 'created_date', 'nm_id', 'rating', 'product_name', 'pros', 'cons', 'text', 'is_answered', 'user_name'])
    .where('cabinet_id', '=', cabinetId);
  if (f.maxRating !== undefined) q = q.where('rating', '<=', f.maxRating);
  if (f.unanswered) q = q.where('is_answered', '=', false);
  if (f.since) q = q.where('created_date', '>=', f.since);
  if (f.nmId) q = q.where('nm_id', '=', f.nmId);
  return q.orderBy('created_date', 'desc').execute();
}

/** Rating distribution (1–5) of one product. */
export async function ratingDistribution(db: Db, cabinetId: string, nmId: string) {
  return db
    .selectFrom('wb_reviews')
    .select(['rating', (eb) => eb.fn.countAll<string>().as('n')])
    .where('cabinet_id', '=', cabinetId)
    .where('nm_id', '=', nmId)
    .groupBy('rating')
    .execute();
}
