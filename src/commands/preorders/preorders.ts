// `mp preorders add|set|list|remove|export|import` (upload is in upload.ts: it needs the HTTP client).
import { join } from 'node:path';
import type { Context } from '../../core/context.js';
import { parseTextEncoding } from '../../core/text-decode.js';
import { currentUser } from '../../core/user.js';
import { resolveStore, storeIdsFor } from '../../kaspi/merchant/stores.service.js';
import {
  addPreorder,
  exportPreorders,
  importPreorders,
  listStorePreorders,
  type PreorderFields,
  removePreorders,
  setPreorders,
} from '../../preorders/preorders.service.js';

type StoreOption = { store?: string };

export async function preordersAdd(ctx: Context, sku: string, o: PreorderFields & StoreOption): Promise<void> {
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store, currentUser(ctx.config));
  const { input, warnings } = await addPreorder(db, store, sku, fields(o));
  for (const w of warnings) ctx.log.warn(w);
  const price = input.price === null ? 'the price of the product under price management' : `price ${input.price}`;
  ctx.log.info(
    `Preorder ${input.sku} saved (${input.preorderDays} day(s), ${price}). Export the file with \`mp preorders export --store ${store.merchant_id}\`.`,
  );
}

export async function preordersSet(ctx: Context, skus: string[], o: PreorderFields & StoreOption): Promise<void> {
  const { db } = await ctx.db();
  const { updated, warnings } = await setPreorders(db, await resolveStore(db, o.store, currentUser(ctx.config)), skus, fields(o));
  for (const w of warnings) ctx.log.warn(w);
  ctx.log.info(`Updated ${updated} preorder(s).`);
}

/** The row fields of the options (without --store). */
function fields(o: PreorderFields & StoreOption): PreorderFields {
  const { store: _store, ...rest } = o;
  return rest;
}

export async function preordersList(ctx: Context, o: StoreOption): Promise<void> {
  const { db } = await ctx.db();
  const store = o.store ? await resolveStore(db, o.store, currentUser(ctx.config)) : undefined;
  const visible = store ? undefined : new Set(await storeIdsFor(db, undefined, currentUser(ctx.config)));
  const rows = (await listStorePreorders(db, store))
    .filter(({ row }) => !visible || visible.has(row.store_id))
    .map(({ row: r, file }) => ({
      sku: r.sku,
      model: r.model,
      brand: r.brand,
      // What the template file states: the managed product's current price first.
      price: file?.price ?? null,
      price_from: file?.from ?? null,
      own_price: r.price === null ? null : Number(r.price),
      pp1: r.pp1,
      pp2: r.pp2,
      pp3: r.pp3,
      pp4: r.pp4,
      pp5: r.pp5,
      preorder: r.preorder_days,
    }));
  ctx.out.list(
    rows,
    ['sku', 'model', 'brand', 'price', 'price_from', 'pp1', 'pp2', 'pp3', 'pp4', 'pp5', 'preorder'].map((key) => ({
      key,
      ...(key === 'price_from' ? { header: 'from', optional: true } : {}),
      ...(key === 'model' ? { shrink: true } : {}),
    })),
  );
}

export async function preordersRemove(ctx: Context, skus: string[], o: StoreOption): Promise<void> {
  const { db } = await ctx.db();
  const n = await removePreorders(db, await resolveStore(db, o.store, currentUser(ctx.config)), skus);
  ctx.log.info(`Removed ${n} preorder(s).`);
}

export async function preordersExport(ctx: Context, o: StoreOption & { out?: string }): Promise<void> {
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store, currentUser(ctx.config));
  const path = o.out ?? join(process.cwd(), 'export', `preorders-${store.merchant_id}.xlsx`);
  const { rows, fromRepricer } = await exportPreorders(db, store, path);
  ctx.out.object({ store: store.merchant_id, rows, price_from_repricer: fromRepricer, file: path });
}

export async function preordersImport(ctx: Context, file: string, o: StoreOption & { encoding?: string }): Promise<void> {
  const encoding = parseTextEncoding(o.encoding);
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store, currentUser(ctx.config));
  const { imported, managed } = await importPreorders(db, store, file, { encoding });
  if (managed > 0) ctx.log.info(`${managed} of them are under price management: their file price is the product's current price, not the file's.`);
  ctx.out.object({ store: store.merchant_id, imported, managed, file });
}
