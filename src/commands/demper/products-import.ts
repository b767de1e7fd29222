// `mp demper products import`.
import type { Context } from '../../core/context.js';
import { createMcClient, listCabinetOffers, mcBaseUrl } from '../../demper/mc-client.js';
import { importCabinetOffers, importProductsFile } from '../../demper/products.service.js';
import { renewCommand, resolveStore, sessionCookie } from '../../demper/stores.service.js';

export async function productsImport(ctx: Context, o: { store?: string; file?: string }): Promise<void> {
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store);
  if (o.file) {
    const result = await importProductsFile(db, store, o.file);
    ctx.out.object({ store: store.merchant_id, imported: result.imported, file: o.file });
    return;
  }
  const mc = createMcClient(mcBaseUrl(ctx.config), ctx.log);
  try {
    const offers = await listCabinetOffers(mc, sessionCookie(store, await ctx.secretKey()), store.merchant_id, renewCommand(store));
    const result = await importCabinetOffers(db, store, offers);
    ctx.out.object({ store: store.merchant_id, offers: offers.length, imported: result.imported });
    if (result.imported > 0)
      ctx.log.info('New products start as `hold` with min = max = price: set a range with `mp demper products set <sku> --min … --max … --strategy undercut`.');
  } finally {
    await mc.close();
  }
}
