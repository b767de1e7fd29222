// kaspi.orders: pull each Kaspi store's orders from the Shop API (reference/kaspi.md §5), one run per
// store that has a Shop API token, through the orders sync operation (which takes the store's lock).
// Each run starts from the store's last synced window (minus the overlap that catches status
// changes), as `mp kaspi orders sync` does.
import { operationDeps } from '../../core/operation-deps.js';
import { JobBusy, type JobDefinition } from '../registry.js';

export const kaspiOrders: JobDefinition = {
  name: 'kaspi.orders',
  description: 'sync the orders of each Kaspi store with a Shop API token (14-day windows; status changes of recent orders)',
  defaultSchedule: '*/15 * * * *',
  scopeKind: 'store',
  locksItself: true,
  async scopes(ctx) {
    const { kaspiOrdersScopes } = await import('../../kaspi-orders/sync.operation.js');
    return kaspiOrdersScopes(await operationDeps(ctx));
  },
  async run(ctx, { scope }) {
    const { syncKaspiOrders } = await import('../../kaspi-orders/sync.operation.js');
    const result = await syncKaspiOrders(await operationDeps(ctx), { store: scope });
    if (result.busy) throw new JobBusy(`another mp process is syncing the orders of store ${result.store.merchant_id}`);
    const s = result.summary;
    return {
      store: s.store,
      from: s.from.toISOString(),
      to: s.to.toISOString(),
      windows: s.windows,
      orders: s.orders,
      new: s.inserted,
      updated: s.updated,
      status_changed: s.statusChanged,
      entries_read: s.entriesRead,
    };
  },
};
