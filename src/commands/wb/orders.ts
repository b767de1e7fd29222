import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { WB } from '../../core/format.js';
import { currentUser } from '../../core/user.js';
import { cabinetFor } from '../../wb/cabinet.service.js';
import { ordersReport, sinceMoscow } from '../../wb/report.service.js';
import { wbSince } from './deps.js';
import { stateWindow } from './render.js';

interface Options {
  cabinet?: string;
  since?: string;
  status?: string;
  nm?: string;
}

/** `mp wb orders`: orders since an age (exactly) or a date (its Moscow midnight), newest first. */
export async function wbOrders(ctx: Context, options: Options): Promise<void> {
  if (options.status && !['active', 'cancelled'].includes(options.status))
    throw new UsageError('WB_BAD_STATUS', `--status is active or cancelled, got "${options.status}"`);
  if (options.nm && !/^\d+$/.test(options.nm)) throw new UsageError('WB_BAD_NM', `--nm takes a WB article number (nmId), got "${options.nm}"`);
  const db = (await ctx.db()).db;
  const cabinet = await cabinetFor(db, options.cabinet, currentUser(ctx.config));
  const window = sinceMoscow(wbSince(options.since, ctx, '7d'), ctx.clock.now());
  const rows = await ordersReport(db, cabinet.id, window, { status: options.status as 'active' | 'cancelled' | undefined, nmId: options.nm });
  if (ctx.out.json) {
    ctx.out.jsonDocument({ cabinet: cabinet.name, window, orders: rows });
    return;
  }
  stateWindow(ctx, `${rows.length} orders`, window);
  ctx.out.list(
    rows,
    [
      { key: 'order_date', header: 'date', kind: 'time' },
      { key: 'srid', priority: 2 },
      { key: 'nm_id', header: 'nmId' },
      { key: 'supplier_article', header: 'article', priority: 4 },
      { key: 'tech_size', header: 'size', priority: 3 },
      { key: 'finished_price', header: 'price', kind: 'money' },
      { key: 'warehouse_name', header: 'warehouse', priority: 5 },
      { key: 'region_name', header: 'region', priority: 6 },
      { key: 'status' },
    ],
    { market: WB },
  );
}
