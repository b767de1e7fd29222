import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { KASPI } from '../../core/format.js';
import { ALMATY, parseSince } from '../../core/time.js';
import { type ListSort, listProductHistory } from '../../history/history.service.js';
import { cityName, resolveCity } from '../../kaspi/cities.js';

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
  // The id and the city are the key (one product in three cities is three rows): they never drop.
  ctx.out.list(
    rows,
    [
      { key: 'kaspi_id', header: 'id' },
      { key: 'city_id', header: 'city', get: (r) => (tty ? cityName(r.city_id) : r.city_id) },
      { key: 'name', shrink: true, max: 48 },
      { key: 'last_checked_at', header: 'checked', kind: 'time' },
      { key: 'min_price', header: 'min', kind: 'money' },
      { key: 'max_price', header: 'max', kind: 'money', priority: 3 },
      { key: 'history_rows', header: 'history', kind: 'count', priority: 4 },
      { key: 'offers', kind: 'count', priority: 2 },
    ],
    { json: (r) => ({ ...r, last_checked_at: r.last_checked_at.toISOString() }), market: KASPI },
  );
  if (rows.length === 0) ctx.log.info('no stored products match: scrape some with `mp kaspi scrape <url-or-id>`');
}
