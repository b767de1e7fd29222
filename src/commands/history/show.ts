import type { Context } from '../../core/context.js';
import { KASPI } from '../../core/format.js';
import { ALMATY, parseSince } from '../../core/time.js';
import { renderChart } from '../../history/chart.js';
import { type ProductHistory, showOfferHistory, showProductHistory } from '../../history/history.service.js';
import { cityName, resolveCity } from '../../kaspi/cities.js';
import { chartTime, tenge } from './format.js';

export interface HistoryShowOptions {
  city?: string;
  since?: string;
  offers?: boolean;
  seller?: string;
}

/** `mp history show <url-or-id>`: history table (+ chart on a terminal), or offer events per seller. */
export async function historyShow(ctx: Context, input: string, options: HistoryShowOptions): Promise<void> {
  const city = options.city !== undefined ? resolveCity(options.city) : undefined;
  const since = options.since !== undefined ? parseSince(options.since, ctx.clock.now(), ALMATY) : undefined;
  const { db } = await ctx.db();
  if (options.offers || options.seller !== undefined) {
    await showOffers(ctx, await showOfferHistory(db, { input, city, since, seller: options.seller }), options.seller !== undefined);
    return;
  }
  const history = await showProductHistory(db, { input, city, since });
  const { product, rows } = history;
  if (ctx.out.json) {
    ctx.out.jsonDocument({
      product: productJson(history.product),
      series: rows.map((r) => ({
        checked_at: r.checked_at.toISOString(),
        min_price: r.min_price,
        max_price: r.max_price,
        seller_count: r.seller_count,
        rating: r.rating,
        review_count: r.review_count,
        changed_fields: r.changed_fields,
      })),
    });
    return;
  }
  if (ctx.out.isTTY) ctx.out.text(ctx.out.paint.bold(`${product.name} · ${product.kaspi_id} · ${cityName(product.city_id)}`));
  ctx.out.list(
    rows,
    [
      { key: 'checked_at', header: 'checked at', kind: 'time' },
      { key: 'min_price', header: 'min', kind: 'money' },
      { key: 'max_price', header: 'max', kind: 'money' },
      { key: 'seller_count', header: 'sellers', kind: 'count' },
      { key: 'rating', align: 'right' },
      { key: 'review_count', header: 'reviews', kind: 'count' },
    ],
    { market: KASPI },
  );
  if (rows.length === 0) ctx.log.info(since ? 'no history rows in this period' : 'no history rows yet');
  if (ctx.out.isTTY) drawChart(ctx, history.series, history.product.last_checked_at);
}

function drawChart(ctx: Context, series: ProductHistory['series'], end: Date): void {
  if (!series.some((s) => s.points.some((p) => p.v !== null))) return;
  ctx.out.text('');
  // A pseudo-terminal may report 0 columns (script, some CI runners): fall back to $COLUMNS or 80.
  const width = ctx.out.columns >= 20 ? ctx.out.columns : Number(ctx.config.env.COLUMNS) || 80;
  const lines = renderChart(series, { width, height: 12, end: end.getTime(), paint: ctx.out.paint, formatValue: tenge, formatTime: chartTime });
  ctx.out.text(lines.join('\n'));
}

function productJson(p: ProductHistory['product']) {
  return {
    kaspi_id: p.kaspi_id,
    city_id: p.city_id,
    name: p.name,
    url: p.url,
    min_price: p.min_price,
    max_price: p.max_price,
    last_checked_at: p.last_checked_at.toISOString(),
  };
}

async function showOffers(ctx: Context, history: Awaited<ReturnType<typeof showOfferHistory>>, charts: boolean): Promise<void> {
  const { product, sellers } = history;
  if (ctx.out.json) {
    ctx.out.jsonDocument({
      product: productJson(product),
      sellers: sellers.map((s) => ({
        merchant_id: s.merchant_id,
        merchant_name: s.merchant_name,
        events: s.events.map((e) => ({ at: e.created_at.toISOString(), event: e.event, old_price: e.old_price, new_price: e.new_price })),
      })),
    });
    return;
  }
  const rows = [...sellers]
    .sort((a, b) => a.merchant_name.localeCompare(b.merchant_name))
    .flatMap((s) => s.events.map((e) => ({ ...e, merchant_name: s.merchant_name })));
  if (ctx.out.isTTY) ctx.out.text(ctx.out.paint.bold(`${product.name} · ${product.kaspi_id} · ${cityName(product.city_id)} · offers`));
  ctx.out.list(
    rows,
    [
      { key: 'created_at', header: 'at', kind: 'time' },
      { key: 'merchant_id', header: 'merchant', priority: 3 },
      { key: 'merchant_name', header: 'seller', shrink: true },
      { key: 'event' },
      { key: 'old_price', header: 'old price', kind: 'money', priority: 2 },
      { key: 'new_price', header: 'new price', kind: 'money' },
    ],
    { market: KASPI },
  );
  if (rows.length === 0) ctx.log.info('no offer events in this period');
  if (!charts || !ctx.out.isTTY) return;
  for (const seller of sellers) {
    ctx.out.text('');
    ctx.out.text(ctx.out.paint.bold(`${seller.merchant_name} (${seller.merchant_id})`));
    drawChart(ctx, [seller.series], product.last_checked_at);
  }
}
