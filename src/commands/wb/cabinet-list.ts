import type { Context } from '../../core/context.js';
import { WB } from '../../core/format.js';
import { currentUser } from '../../core/user.js';
import { listCabinetRows } from '../../wb/cabinet.service.js';

/** `mp wb cabinet list`: tokens masked. */
export async function wbCabinetList(ctx: Context): Promise<void> {
  const rows = await listCabinetRows((await ctx.db()).db, currentUser(ctx.config));
  if (rows.length === 0 && !ctx.out.json) ctx.log.info('No Wildberries cabinet. Add one with `mp wb cabinet add`.');
  ctx.out.list(
    rows,
    [
      { key: 'id' },
      { key: 'name', shrink: true },
      { key: 'token', priority: 4 },
      { key: 'seller', shrink: true, priority: 3 },
      { key: 'expires', kind: 'day', priority: 2 },
      { key: 'lastSync', header: 'last sync', kind: 'time' },
      { key: 'status', shrink: true, ellipsis: 'end', get: (r) => (r.statusDetail ? `${r.status} (${r.statusDetail})` : r.status) },
      { key: 'users', priority: 5 },
    ],
    { market: WB },
  );
}
