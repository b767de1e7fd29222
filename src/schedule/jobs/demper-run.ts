// demper.run: reprice each Kaspi store through the same operation as `mp demper run`
// (src/demper/run.operation.ts), so it takes the same run lock (store + shard) and the same per-merchant
// write lock. A dry run unless the store is listed in `demper.apply` / MP_DEMPER_APPLY (merchant ids
// or names, comma-separated, or `all`): prices change only where the seller said so.
import type { Config } from '../../core/config.js';
import { readSetting } from '../../core/settings.js';
import { type JobDefinition, JobIncomplete } from '../registry.js';

/** Whether a store's prices are changed by the scheduled job (not just planned). */
export function appliesTo(config: Config, store: { merchant_id: string; name: string }): boolean {
  const list = readSetting(config, 'demper.apply');
  return list.includes('all') || list.includes(store.merchant_id) || list.includes(store.name);
}

/** The job's options from the settings table, typed and checked (a bad value is a usage error naming it). */
function demperSettings(config: Config) {
  return {
    offersRate: readSetting(config, 'demper.offersRate'),
    writeRate: readSetting(config, 'demper.writeRate'),
    proxies: readSetting(config, 'kaspi.proxies'),
    rules: { exclude: readSetting(config, 'demper.exclude') },
    via: readSetting(config, 'demper.via'),
    exportDir: readSetting(config, 'demper.exportDir'),
    concurrency: 8,
  };
}

export const demperRun: JobDefinition = {
  name: 'demper.run',
  description: 'reprice each Kaspi store (applied only for stores in demper.apply / MP_DEMPER_APPLY, else a dry run)',
  defaultSchedule: '*/10 * * * *',
  scopeKind: 'store',
  sharded: true,
  checkSettings(config) {
    demperSettings(config);
    appliesTo(config, { merchant_id: '', name: '' });
  },
  async scopes(ctx) {
    const { listStores } = await import('../../kaspi/merchant/stores.repository.js');
    return (await listStores((await ctx.db()).db)).map((s) => s.merchant_id);
  },
  async run(ctx, { scope, shard }) {
    const [{ runDemper }, { selectStores }, { marginRules }] = await Promise.all([
      import('../../demper/run.operation.js'),
      import('../../kaspi/merchant/stores.service.js'),
      import('../../profit/floor.service.js'),
    ]);
    const deps = { handle: await ctx.db(), config: ctx.config, log: ctx.log, now: () => ctx.clock.now(), secretKey: () => ctx.secretKey() };
    // The margin floor's store-wide default (demper.minMargin) and commission table, as `mp demper run` uses.
    const options = { ...demperSettings(ctx.config), shard, margin: marginRules(ctx.config) };
    const stores: Record<string, unknown>[] = [];
    let failed = 0;
    // One store per call: `apply` is decided per store.
    for (const store of await selectStores(deps.handle.db, scope)) {
      const apply = appliesTo(ctx.config, store);
      const report = await runDemper(deps, { ...options, store: store.merchant_id, apply });
      for (const s of report.stores) {
        stores.push({ ...s, apply, run_id: report.runId });
        failed += s.failed + s.skipped;
      }
    }
    // A run for one store (the usual case: one run per store) keeps that store's report flat.
    const clean = JSON.parse(JSON.stringify(stores.length === 1 ? stores[0] : { stores })) as Record<string, unknown>;
    if (failed > 0) throw new JobIncomplete(`${failed} price change(s) failed or were skipped: see mp demper products list`, clean);
    return clean;
  },
};
