import type { Context } from '../../core/context.js';
import { currentUser } from '../../core/user.js';
import { listCabinetRows } from '../../wb/cabinet.service.js';

/** `mp wb cabinet list`: tokens masked. */
export async function wbCabinetList(ctx: Context): Promise<number> {
  const rows = await listCabinetRows((await ctx.db()).db, currentUser(ctx.config.env));
  if (rows.length === 0 && !ctx.out.json) ctx.log.info('No Wildberries cabinet. Add one with `mp wb cabinet add`.');
  ctx.out.list(rows, [
    { key: 'id' },
    { key: 'name' },
    { key: 'token' },
    { key: 'seller' },
    { key: 'expires', get: (r) => r.expires?.toISOString().slice(0, 10) },
    { key: 'lastSync', header: 'last sync' },
    { key: 'status', get: (r) => (r.statusDetail ? `${r.status} (${r.statusDetail})` : r.status) },
    { key: 'users' },
  ]);
  return 0;
}
