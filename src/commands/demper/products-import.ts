// `mp demper products import`.
import type { Context } from '../../core/context.js';
import { parseTextEncoding } from '../../core/text-decode.js';
import { currentUser } from '../../core/user.js';
import { importProductsFile, importStoreCabinetOffers } from '../../demper/products.service.js';
import { resolveStore } from '../../kaspi/merchant/stores.service.js';

export async function productsImport(ctx: Context, o: { store?: string; file?: string; encoding?: string }): Promise<void> {
  const encoding = parseTextEncoding(o.encoding);
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store, currentUser(ctx.config));
  if (o.file) {
    const result = await importProductsFile(db, store, o.file, { encoding });
    ctx.out.object({ store: store.merchant_id, imported: result.imported, file: o.file });
    return;
  }
  const result = await importStoreCabinetOffers({ db, secretKey: await ctx.secretKey(), config: ctx.config, log: ctx.log }, store);
  // Every row left out says why, on stderr; --json carries the same list.
  for (const s of result.skipped) ctx.log.warn(`skipped ${s.sku}: ${s.reason}`, { sku: s.sku, reason: s.reason });
  for (const u of result.updated) ctx.log.info(`${u.sku}: stored price ${u.from ?? 'unknown'} → ${u.to} (the cabinet's)`);
  if (result.incomplete) {
    ctx.log.warn(`the cabinet says it has ${result.incomplete.total} offers but listed ${result.incomplete.listed}: run the import again later for the rest`);
  }
  ctx.out.object(
    { store: store.merchant_id, offers: result.offers, imported: result.imported, updated: result.updated.length, skipped: result.skipped.length },
    {
      store: store.merchant_id,
      offers: result.offers,
      imported: result.imported,
      updated: result.updated,
      skipped: result.skipped,
      incomplete: result.incomplete,
    },
  );
  if (result.imported > 0)
    ctx.log.info('New products start as `hold` with min = max = price: set a range with `mp demper products set <sku> --min … --max … --strategy undercut`.');
}
