import type { Context } from '../../core/context.js';
import { formatMoney } from '../../core/format.js';
import { readSetting } from '../../core/settings.js';

const tenge = (v: string | number | null | undefined) => formatMoney(v === null || v === undefined ? null : String(v), 'KZT').replace(/\u00a0/g, ' ');

import { UsageError } from '../../core/errors.js';
import { currentUser } from '../../core/user.js';
import { resolveCity } from '../../kaspi/cities.js';
import { selectStores } from '../../kaspi/merchant/stores.service.js';
import { productInsights } from '../../kaspi-orders/insights.service.js';

interface Options {
  city?: string;
  reviewRate?: string;
  days?: string;
  store?: string;
}

/** `mp kaspi insights <url-or-id>`: review-velocity sales estimate and price position. */
export async function kaspiInsights(ctx: Context, input: string, options: Options): Promise<void> {
  // A fraction of buyers who review, like 0.1 (0 < rate ≤ 1).
  const reviewRate = readSetting(ctx.config, 'kaspi.reviewRate', { value: options.reviewRate, flag: '--review-rate' });
  const days = options.days === undefined ? 90 : Number(options.days);
  if (!Number.isInteger(days) || days < 1) throw new UsageError('KASPI_BAD_DAYS', `--days is a positive whole number, got "${options.days}"`);
  const city = options.city ? resolveCity(options.city) : undefined;
  const db = (await ctx.db()).db;
  const stores = await selectStores(db, options.store, currentUser(ctx.config));
  const merchantId = stores.length === 1 ? stores[0]!.merchant_id : undefined;
  const result = await productInsights(db, { input, city, reviewRate, days, now: ctx.clock.now(), merchantId });
  if (ctx.out.json) {
    ctx.out.jsonDocument(result);
    return;
  }
  const e = result.estimate as Record<string, any>;
  const p = result.price as Record<string, any>;
  const lines = [
    `${result.product.name} (${result.product.kaspiId}, ${result.product.city}): ${result.product.reviews ?? '?'} reviews, rating ${result.product.rating ?? '?'}`,
  ];
  if (e.available) {
    lines.push(
      `ESTIMATE: ~${e.monthlySales} sales/month (all sellers), ~${e.monthlyRevenueAtMinPrice == null ? '? ₸' : tenge(e.monthlyRevenueAtMinPrice)}/month at the min price`,
      `  from ${e.reviewsPerMonth} new reviews/month (${e.basis.reviewsFrom} → ${e.basis.reviewsTo} over ${e.basis.days} days) ÷ review rate ${e.reviewRate}`,
    );
    if (e.warning) lines.push(`  warning: ${e.warning}`);
  } else {
    lines.push(`ESTIMATE: not available — ${e.reason}`);
  }
  lines.push('Assumptions:', ...e.assumptions.map((a: string) => `  - ${a}`));
  if (p.offers) {
    lines.push(`Price: ${p.offers} offers, min ${tenge(p.min)}, median ${tenge(p.median)}, max ${tenge(p.max)}`);
    if (p.ours)
      lines.push(`  our offer (${p.ours.merchantId}): ${tenge(p.ours.price)}, rank ${p.ours.rank} of ${p.offers}, ${tenge(p.ours.aboveMin)} above the min`);
  } else lines.push(`Price: ${p.note}`);
  ctx.out.text(lines.join('\n'));
}
