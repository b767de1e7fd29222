// `mp preorders upload`: a preorders template (exported now, or a file given) sent to the store's
// merchant cabinet, with Kaspi's answer.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { UserError } from '../core/errors.js';
import { createMcClient, mcBaseUrl, type UploadAnswer, uploadPriceFile } from '../kaspi/merchant/mc-client.js';
import { type CabinetDeps, renewCommand, type StoreRow, sessionCookie } from '../kaspi/merchant/stores.service.js';
import { XLSX_MIME } from './preorder-file.js';
import { exportPreorders } from './preorders.service.js';

export type { UploadAnswer } from '../kaspi/merchant/mc-client.js';

/** Exports the store's template to `path` (with `export`; else the file is the user's), uploads it, returns Kaspi's answer. */
export async function uploadPreorders(deps: CabinetDeps, store: StoreRow, path: string, o: { export: boolean }): Promise<UploadAnswer> {
  if (o.export) await exportPreorders(deps.db, store, path);
  const content = await readFile(path).catch((cause: unknown) => {
    throw new UserError('FILE_UNREADABLE', `cannot read ${path}: ${(cause as Error).message}`);
  });
  const mc = createMcClient(mcBaseUrl(deps.config), deps.log);
  try {
    const type = path.toLowerCase().endsWith('.xml') ? 'text/xml' : XLSX_MIME;
    return await uploadPriceFile(mc, sessionCookie(store, deps.secretKey), store.merchant_id, { name: basename(path), content, type }, renewCommand(store));
  } finally {
    await mc.close();
  }
}
