// `mp preorders add|set|list|remove|export|import|upload`.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Context } from '../../core/context.js';
import { UserError } from '../../core/errors.js';
import { createMcClient, mcBaseUrl, uploadPriceFile } from '../../demper/mc-client.js';
import { renewCommand, resolveStore, sessionCookie } from '../../demper/stores.service.js';
import { XLSX_MIME } from '../../preorders/preorder-file.js';
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

/** Exports (or takes --file) and uploads the template to the cabinet; prints Kaspi's answer. */
export async function preordersUpload(ctx: Context, o: StoreOption & { file?: string }): Promise<number> {
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store);
  const path = o.file ?? join(process.cwd(), 'export', `preorders-${store.merchant_id}.xlsx`);
  if (!o.file) await exportPreorders(db, store, path);
  const content = await readFile(path).catch((cause: unknown) => {
    throw new UserError('FILE_UNREADABLE', `cannot read ${path}: ${(cause as Error).message}`);
  });
  const mc = createMcClient(mcBaseUrl(ctx.config), ctx.log);
  try {
    const type = path.toLowerCase().endsWith('.xml') ? 'text/xml' : XLSX_MIME;
    const answer = await uploadPriceFile(
      mc,
      sessionCookie(store, await ctx.secretKey()),
      store.merchant_id,
      { name: basename(path), content, type },
      renewCommand(store),
    );
    ctx.out.object({ store: store.merchant_id, file: path, status: answer.status, ok: answer.ok, unfinished: answer.unfinished, answer: answer.message });
    if (answer.unfinished) ctx.log.warn('Kaspi says an earlier file is still being processed ("Unfinished file found"): upload again in a few minutes.');
    else if (!answer.ok) ctx.log.error(`Kaspi rejected the file (HTTP ${answer.status}): ${answer.message}`);
    return answer.ok ? 0 : 1;
  } finally {
    await mc.close();
  }
}
