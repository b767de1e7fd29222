import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { currentUser } from '../../core/user.js';
import { cabinetFor } from '../../wb/cabinet.service.js';
import { reviewsReport, sinceMoscow } from '../../wb/report.service.js';
import { wbSince } from './deps.js';
import { stateWindow } from './render.js';

/** `mp wb reviews [--rating ≤3] [--unanswered]`. */
export async function wbReviews(
  ctx: Context,
  options: { cabinet?: string; rating?: string; unanswered?: boolean; since?: string; nm?: string },
): Promise<void> {
  let maxRating: number | undefined;
  if (options.rating !== undefined) {
    const m = /^(?:<=|≤)?\s*([1-5])$/.exec(options.rating.trim());
    if (!m) throw new UsageError('WB_BAD_RATING', `--rating takes a maximum rating 1–5 (e.g. 3 or "<=3"), got "${options.rating}"`);
    maxRating = Number(m[1]);
  }
  const db = (await ctx.db()).db;
  const cabinet = await cabinetFor(db, options.cabinet, currentUser(ctx.config));
  const window = sinceMoscow(wbSince(options.since, ctx, '90d'), ctx.clock.now());
  const rows = await reviewsReport(db, cabinet.id, { maxRating, unanswered: options.unanswered, since: window.from, nmId: options.nm });
  if (ctx.out.json) {
    ctx.out.jsonDocument({ cabinet: cabinet.name, window, reviews: rows });
    return;
  }
  stateWindow(ctx, `${rows.length} reviews`, window);
  ctx.out.list(rows, [
    { key: 'date_msk', header: 'date (MSK)' },
    { key: 'rating', align: 'right' },
    { key: 'nm_id', header: 'nmId' },
    { key: 'product_name', header: 'product' },
    { key: 'is_answered', header: 'answered' },
    { key: 'pros', shrink: true, optional: true },
    { key: 'cons', shrink: true },
    { key: 'text', shrink: true },
  ]);
}
