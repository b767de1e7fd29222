import type { Context } from '../../core/context.js';
import { currentUser } from '../../core/user.js';
import { cabinetFor } from '../../wb/cabinet.service.js';
import { orderCard } from '../../wb/report.service.js';

/** `mp wb order <srid>`: the detailed order card. */
export async function wbOrder(ctx: Context, srid: string, options: { cabinet?: string }): Promise<void> {
  const db = (await ctx.db()).db;
  const cabinet = await cabinetFor(db, options.cabinet, currentUser(ctx.config));
  const card = await orderCard(db, cabinet.id, srid, ctx.clock.now());
  if (ctx.out.json) {
    ctx.out.jsonDocument({ cabinet: cabinet.name, ...card });
    return;
  }
  const { order, product, prices, logistics, stats, reviews } = card;
  ctx.out.object({
    srid: order.srid,
    'date (MSK)': order.dateMsk,
    status: order.status + (order.cancelDate ? ` (${order.cancelDate.toISOString()})` : ''),
    cart: order.gNumber,
    product: `${product.name ?? ''} · nmId ${product.nmId} · ${product.article ?? ''} · size ${product.size ?? '-'}`,
    photo: product.photoUrl,
    price: `${prices.totalPrice} −${prices.discountPercent}% seller −${prices.spp}% WB → ${prices.finishedPrice} (with seller discount ${prices.priceWithDisc})`,
    warehouse: `${logistics.warehouse ?? ''} (${logistics.warehouseType ?? ''})`,
    region: [logistics.region, logistics.oblastOkrug, logistics.country].filter(Boolean).join(', '),
    'sales of this order': order.sales.map((s) => `${s.kind} ${s.sale_id} ${s.for_pay}`).join('; ') || '-',
    'stock by size': card.stockBySize.map((s) => `${s.size}: ${s.total}`).join(', ') || '0',
    'stock total': card.stockTotal,
    ...Object.fromEntries(
      stats.windows.map((w) => [`${w.days} days (MSK)`, `${w.orders} orders, ${w.buyouts} buyouts, ${w.returns} returns, buyout rate ${w.buyoutRate ?? '-'}%`]),
    ),
    rating: reviews.count
      ? `${reviews.averageRating} from ${reviews.count} reviews (${[5, 4, 3, 2, 1].map((r) => `${r}★ ${reviews.distribution[r]}`).join(', ')})`
      : 'no reviews',
  });
}
