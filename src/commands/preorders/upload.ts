// `mp preorders upload`.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Context } from '../../core/context.js';
import { UserError } from '../../core/errors.js';
import { currentUser } from '../../core/user.js';
import { createMcClient, mcBaseUrl, uploadPriceFile } from '../../kaspi/merchant/mc-client.js';
import { renewCommand, resolveStore, sessionCookie } from '../../kaspi/merchant/stores.service.js';
import { XLSX_MIME } from '../../preorders/preorder-file.js';
import { exportPreorders } from '../../preorders/preorders.service.js';

type StoreOption = { store?: string };

/** Exports (or takes --file) and uploads the template to the cabinet; prints Kaspi's answer. */
export async function preordersUpload(ctx: Context, o: StoreOption & { file?: string }): Promise<number> {
  const { db } = await ctx.db();
  const store = await resolveStore(db, o.store, currentUser(ctx.config.env));
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
