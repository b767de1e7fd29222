// `mp preorders add|set|list|remove|export|import` (upload is in upload.ts: it needs the HTTP client).
import { join } from 'node:path';
import type { Context } from '../../core/context.js';
import { resolveStore } from '../../kaspi/merchant/stores.service.js';
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
  const store = await resolveStore(db, o.store);
  const input = await addPreorder(db, store, sku, o);
  ctx.log.info(`Preorder ${input.sku} saved (${input.preorderDays} day(s)). Export the file with \`mp preorders export --store ${store.merchant_id}\`.`);
}

export async function preordersSet(ctx: Context, skus: string[], o: PreorderFields & StoreOption): Promise<void> {
  const { db } = await ctx.db();
  const n = await setPreorders(db, await resolveStore(db, o.store), skus, o);
  ctx.log.info(`Updated ${n} preorder(s).`);
}

export async function preordersList(ctx: Context, o: StoreOption): Promise<void> {
  const { db } = await ctx.db();
  const store = o.store ? await resolveStore(db, o.store) : undefined;
  const rows = (await listStorePreorders(db, store)).map((r) => ({
    sku: r.sku,
    model: r.model,
    brand: r.brand,
    price: Number(r.price),
    pp1: r.pp1,
    pp2: r.pp2,
    pp3: r.pp3,
    pp4: r.pp4,
    pp5: r.pp5,
    preorder: r.preorder_days,
  }));
  ctx.out.list(
    rows,
    ['sku', 'model', 'brand', 'price', 'pp1', 'pp2', 'pp3', 'pp4', 'pp5', 'preorder'].map((key) => ({ key })),
  );
}

export async function preordersRemove(ctx: Context, skus: string[], o: StoreOption): Promise<void> {
  const { db } = await ctx.db();
  const n = await removePreorders(db, await resolveStore(db, o.store), skus);
  ctx.log.info(`Removed ${n} preorder(s).`);
}

export async function preordersExport(ctx: Context, o: StoreOption & { out?: string }): Promise<void> {
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store);
  const path = o.out ?? join(process.cwd(), 'export', `preorders-${store.merchant_id}.xlsx`);
  const n = await exportPreorders(db, store, path);
  ctx.out.object({ store: store.merchant_id, rows: n, file: path });
}

export async function preordersImport(ctx: Context, file: string, o: StoreOption): Promise<void> {
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store);
  const n = await importPreorders(db, store, file);
  ctx.out.object({ store: store.merchant_id, imported: n, file });
}
