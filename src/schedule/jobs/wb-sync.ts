// wb.sync: pull orders, sales, stocks, reviews and cards of each Wildberries cabinet, one run per
// cabinet through the WB sync operation (which takes the cabinet's lock). Streams WB asks us to wait
// for are `skipped` inside the run and picked up by the next one; a failed stream fails the run (with
// the per-stream summary kept).

import { operationDeps } from '../../core/operation-deps.js';
import { JobBusy, type JobDefinition, JobIncomplete } from '../registry.js';

export const wbSync: JobDefinition = {
  name: 'wb.sync',
  description: 'sync every Wildberries cabinet (orders, sales, stocks, reviews, cards) and detect events',
  defaultSchedule: '*/5 * * * *',
  scopeKind: 'cabinet',
  locksItself: true,
  async scopes(ctx) {
    const { wbSyncScopes } = await import('../../wb/sync.operation.js');
    return wbSyncScopes(await operationDeps(ctx));
  },
  async run(ctx, { scope }) {
    const op = await import('../../wb/sync.operation.js');
    const { outcomes, busy } = await op.syncWbCabinets(await operationDeps(ctx), { cabinet: scope });
    if (busy.length > 0) throw new JobBusy(`another mp process is syncing cabinet ${busy.map((b) => b.cabinet.name).join(', ')}`);
    const summary = op.wbSyncSummary(outcomes);
    if (summary.failed !== 0) throw new JobIncomplete(op.wbSyncFailures(outcomes), summary);
    return summary;
  },
};
