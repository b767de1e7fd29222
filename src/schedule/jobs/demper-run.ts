// demper.run: reprice each Kaspi store through the same operation as `mp demper run`
// (src/demper/run.operation.ts), so it takes the same run lock (store + shard) and the same per-merchant
// write lock. A dry run unless the store is listed in `demper.apply` / MP_DEMPER_APPLY (merchant ids
// or names, comma-separated, or `all`): prices change only where the seller said so.
import { join } from 'node:path';
import { type Config, setting } from '../../core/config.js';
import { number } from '../../core/validate.js';
import { type JobDefinition, JobIncomplete } from '../registry.js';

/** The run service's MAX_WRITE_RATE (1.5/s), without importing it here (checkSettings loads no domain code). */
const MAX_WRITE_RATE = 1.5;

/** Whether a store's prices are changed by the scheduled job (not just planned). */
export function appliesTo(config: Config, store: { merchant_id: string; name: string }): boolean {
  const list = (setting(config, 'demper.apply', 'MP_DEMPER_APPLY') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.includes('all') || list.includes(store.merchant_id) || list.includes(store.name);
}

/** The job's rates, checked (MP_DEMPER_WRITE_RATE=0 spun forever; a negative offers rate was taken as is). */
export function demperRates(config: Config, maxWriteRate = MAX_WRITE_RATE): { rate: number; writeRate: number } {
  return {
    rate: number(setting(config, 'demper.offersRate', 'MP_DEMPER_OFFERS_RATE', '8'), 'MP_DEMPER_OFFERS_RATE', { min: 0, max: 1000 }),
    writeRate: number(setting(config, 'demper.writeRate', 'MP_DEMPER_WRITE_RATE', String(maxWriteRate)), 'MP_DEMPER_WRITE_RATE', {
      min: 0.01,
      max: maxWriteRate,
    }),
  };
}

export const demperRun: JobDefinition = {
  name: 'demper.run',
  description: 'reprice each Kaspi store (applied only for stores in demper.apply / MP_DEMPER_APPLY, else a dry run)',
  defaultSchedule: '*/10 * * * *',
  scopeKind: 'store',
  sharded: true,
  checkSettings(config) {
    demperRates(config);
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
    const { rate, writeRate } = demperRates(ctx.config);
    const deps = { handle: await ctx.db(), config: ctx.config, log: ctx.log, now: () => ctx.clock.now(), secretKey: () => ctx.secretKey() };
    const options = {
      shard,
      rules: { exclude: (setting(ctx.config, 'demper.exclude', 'MP_DEMPER_EXCLUDE') ?? '').split(',').filter(Boolean) },
      concurrency: 8,
      offersRate: rate,
      // The margin floor's store-wide default (demper.minMargin) and commission table, as `mp demper run` uses.
      margin: marginRules(ctx.config),
      via: setting(ctx.config, 'demper.via', 'MP_DEMPER_VIA', 'api') === 'xml' ? ('xml' as const) : ('api' as const),
      writeRate,
      exportDir: setting(ctx.config, 'demper.exportDir', 'MP_DEMPER_EXPORT_DIR', join(ctx.config.home, 'export')),
    };
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
