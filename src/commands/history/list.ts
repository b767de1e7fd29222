import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { ALMATY, parseSince } from '../../core/time.js';
import type { ListSort } from '../../history/history.repository.js';
import { listProductHistory } from '../../history/history.service.js';
import { cityName, resolveCity } from '../../kaspi/cities.js';
import { tengeCell, timeCell } from './format.js';

export interface HistoryListOptions {
  sort?: string;
  limit?: string;
  city?: string;
  search?: string;
  since?: string;
}

const SORTS: readonly ListSort[] = ['last-checked', 'name', 'min-price', 'max-price', 'history', 'offers'];

/** `mp history list`: every stored product with its last check, prices, history rows and offers. */
export async function historyList(ctx: Context, options: HistoryListOptions): Promise<void> {
  const sort = (options.sort ?? 'last-checked') as ListSort;
  if (!SORTS.includes(sort)) throw new UsageError('HISTORY_BAD_SORT', `--sort must be one of ${SORTS.join(', ')}, got "${options.sort}"`);
  const limit = Number(options.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw new UsageError('HISTORY_BAD_LIMIT', `--limit must be a whole number from 1 to 100000, got "${options.limit}"`);
  const city = options.city !== undefined ? resolveCity(options.city) : undefined;
  const since = options.since !== undefined ? parseSince(options.since, ctx.clock.now(), ALMATY) : undefined;
  const { db } = await ctx.db();
  const rows = await listProductHistory(db, { sort, limit, city, since, search: options.search });
  const tty = ctx.out.isTTY;
  ctx.out.list(
    rows,
    [
      { key: 'kaspi_id', header: 'id' },
      { key: 'city_id', header: 'city', get: (r) => (tty ? cityName(r.city_id) : r.city_id), optional: true },
      { key: 'name', shrink: true, max: 48 },
      { key: 'last_checked_at', header: 'last check', get: (r) => timeCell(ctx, r.last_checked_at) },
      { key: 'min_price', header: 'min', get: (r) => tengeCell(ctx, r.min_price), align: 'right' },
      { key: 'max_price', header: 'max', get: (r) => tengeCell(ctx, r.max_price), align: 'right' },
      { key: 'history_rows', header: 'history', align: 'right', optional: true },
      { key: 'offers', align: 'right' },
    ],
    (r) => ({ ...r, last_checked_at: r.last_checked_at.toISOString() }),
  );
  if (rows.length === 0) ctx.log.info('no stored products match: scrape some with `mp kaspi scrape <url-or-id>`');
}
