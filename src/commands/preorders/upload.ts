// `mp preorders upload`.
import { join } from 'node:path';
import type { Context } from '../../core/context.js';
import { UserError } from '../../core/errors.js';
import { operationDeps } from '../../core/operation-deps.js';
import { currentUser } from '../../core/user.js';
import { resolveStore } from '../../kaspi/merchant/stores.service.js';
import { uploadPreorders } from '../../preorders/upload.service.js';

type StoreOption = { store?: string };

/** Exports (or takes --file) and uploads the template to the cabinet; prints Kaspi's answer. */
export async function preordersUpload(ctx: Context, o: StoreOption & { file?: string }): Promise<void> {
  const deps = await operationDeps(ctx);
  const store = await resolveStore(deps.db, o.store, currentUser(ctx.config));
  const path = o.file ?? join(process.cwd(), 'export', `preorders-${store.merchant_id}.xlsx`);
  const answer = await uploadPreorders(deps, store, path, { export: !o.file });
  ctx.out.object({ store: store.merchant_id, file: path, status: answer.status, ok: answer.ok, unfinished: answer.unfinished, answer: answer.message });
  const unfinished = 'Kaspi says an earlier file is still being processed ("Unfinished file found"): upload again in a few minutes.';
  if (answer.unfinished && !answer.ok) throw new UserError('KASPI_UPLOAD_UNFINISHED', unfinished);
  if (answer.unfinished) ctx.log.warn(unfinished);
  else if (!answer.ok) throw new UserError('KASPI_UPLOAD_REJECTED', `Kaspi rejected the file (HTTP ${answer.status}): ${answer.message}`);
}
