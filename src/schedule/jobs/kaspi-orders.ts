// kaspi.orders: pull each Kaspi store's orders from the Shop API (reference/kaspi.md §5), one run and
// lock per store that has a Shop API token. Each run starts from the store's last synced window
// (minus the overlap that catches status changes), as `mp kaspi orders sync` does.
import type { JobDefinition } from '../registry.js';

export const kaspiOrders: JobDefinition = {
  name: 'kaspi.orders',
  description: 'sync the orders of each Kaspi store with a Shop API token (14-day windows; status changes of recent orders)',
  defaultSchedule: '*/15 * * * *',
  scopeKind: 'store',
  async scopes(ctx) {
    const { listStores } = await import('../../kaspi/merchant/stores.repository.js');
    // Stores without a token have no Shop API access: nothing to run for them.
    return (await listStores((await ctx.db()).db)).filter((s) => s.token_encrypted).map((s) => s.merchant_id);
  },
  async run(ctx, { scope }) {
    const [{ syncOrders }, { shopApiBaseUrl }] = await Promise.all([
      import('../../kaspi-orders/sync.service.js'),
      import('../../kaspi/merchant/shop-api.client.js'),
    ]);
    const { db } = await ctx.db();
    const s = await syncOrders(
      { db, secretKey: await ctx.secretKey(), baseUrl: shopApiBaseUrl(ctx.config), now: () => ctx.clock.now(), log: ctx.log },
      { store: scope },
    );
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
