// `mp demper stock import`.
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { parseTextEncoding } from '../../core/text-decode.js';
import { currentUser } from '../../core/user.js';
import { importStockFile } from '../../demper/stock.service.js';
import { resolveStore } from '../../kaspi/merchant/stores.service.js';

export async function stockImport(ctx: Context, o: { store?: string; file?: string; encoding?: string }): Promise<void> {
  if (!o.file) throw new UsageError('BAD_OPTION', 'give --file stock.csv|xlsx (sku,PP1,PP2,… or sku,point,stock)');
  const encoding = parseTextEncoding(o.encoding);
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store, currentUser(ctx.config));
  const result = await importStockFile(db, store, o.file, ctx.clock.now(), { encoding });
  ctx.out.object(
    { store: store.merchant_id, file: result.file, skus: result.skus, points: result.points, not_managed: result.not_managed.length },
    { store: store.merchant_id, ...result },
  );
  if (result.not_managed.length > 0 && !ctx.out.json) {
    ctx.log.warn(
      `${result.not_managed.length} SKU(s) in the file are not under management in ${store.merchant_id}, e.g. ${result.not_managed[0]}: their stock is kept for when they are`,
    );
  }
}
