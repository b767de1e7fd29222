// `mp kaspi track add|remove|list`.
import type { Context } from '../../core/context.js';
import { UserError } from '../../core/errors.js';
import { KASPI } from '../../core/format.js';
import { cityName } from '../../kaspi/cities.js';
import { trackedProducts, trackProducts, untrackProducts } from '../../kaspi/tracked.service.js';
import { cityOption } from './options.js';

const refJson = (r: { kaspiId: string; cityId: string }) => ({ id: r.kaspiId, city_id: r.cityId });

export async function trackAdd(ctx: Context, inputs: string[], o: { city?: string }): Promise<void> {
  const city = cityOption(o.city);
  const { db } = await ctx.db();
  const { added, already } = await trackProducts(db, inputs, city, ctx.clock.now());
  if (ctx.out.json) ctx.out.jsonDocument({ added: added.map(refJson), already_tracked: already.map(refJson) });
  else
    ctx.log.info(
      `Tracking ${added.length} new product(s)${already.length ? `, ${already.length} already tracked` : ''}. Scrape them with \`mp kaspi scrape --tracked\`.`,
    );
}

export async function trackRemove(ctx: Context, inputs: string[], o: { city?: string }): Promise<void> {
  const city = cityOption(o.city);
  const { db } = await ctx.db();
  const { removed, missing } = await untrackProducts(db, inputs, city);
  if (ctx.out.json) ctx.out.jsonDocument({ removed: removed.map(refJson), not_tracked: missing.map(refJson) });
  else {
    ctx.log.info(`Removed ${removed.length} product(s) from the tracked list.`);
    for (const m of missing) ctx.log.warn(`${m.kaspiId} (${cityName(m.cityId)}) was not tracked: see \`mp kaspi track list\``);
  }
  if (missing.length && !removed.length) throw new UserError('KASPI_NOT_TRACKED', 'none of these products was tracked: see `mp kaspi track list`');
}

export async function trackList(ctx: Context): Promise<void> {
  const { db } = await ctx.db();
  const rows = await trackedProducts(db);
  ctx.out.list(
    rows,
    [
      { key: 'kaspi_id', header: 'id' },
      { key: 'city', get: (r) => cityName(r.city_id) },
      { key: 'name', shrink: true, max: 48 },
      { key: 'min_price', header: 'min', kind: 'money' },
      { key: 'seller_count', header: 'sellers', kind: 'count', priority: 3 },
      { key: 'last_checked_at', header: 'checked', kind: 'time' },
      { key: 'added_at', header: 'added', kind: 'time', priority: 4 },
    ],
    {
      market: KASPI,
      json: (r) => ({
        id: r.kaspi_id,
        city_id: r.city_id,
        name: r.name,
        min_price: r.min_price,
        seller_count: r.seller_count,
        last_checked_at: r.last_checked_at,
        added_at: r.added_at,
      }),
    },
  );
  if (!rows.length && !ctx.out.json) ctx.log.info('No tracked products. Add some with `mp kaspi track add <url-or-id>`.');
}
