// demper.run: reprice each Kaspi store. A dry run unless the store is listed in `demper.apply` /
// MP_DEMPER_APPLY (merchant ids or names, comma-separated, or `all`): prices change only where the
// seller said so.
import { join } from 'node:path';
import { type Config, setting } from '../../core/config.js';
import { number } from '../../core/validate.js';
import { type JobDefinition, JobIncomplete } from '../registry.js';

/** Whether a store's prices are changed by the scheduled job (not just planned). */
export function appliesTo(config: Config, store: { merchant_id: string; name: string }): boolean {
  const list = (setting(config, 'demper.apply', 'MP_DEMPER_APPLY') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.includes('all') || list.includes(store.merchant_id) || list.includes(store.name);
}

/** The job's rates, checked (MP_DEMPER_WRITE_RATE=0 spun forever; a negative offers rate was taken as is). */
export function demperRates(config: Config, maxWriteRate: number): { rate: number; writeRate: number } {
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
    // The run service's MAX_WRITE_RATE (1.5/s), without importing it here.
    demperRates(config, 1.5);
  },
  async scopes(ctx) {
    const { listStores } = await import('../../kaspi/merchant/stores.repository.js');
    return (await listStores((await ctx.db()).db)).map((s) => s.merchant_id);
  },
  async run(ctx, { scope, shard }) {
    const [{ selectStores }, offers, mcClient, { runRepricing, MAX_WRITE_RATE }, { marginRules }] = await Promise.all([
      import('../../kaspi/merchant/stores.service.js'),
      import('../../demper/offers-source.js'),
      import('../../kaspi/merchant/mc-client.js'),
      import('../../demper/run.service.js'),
      import('../../profit/floor.service.js'),
    ]);
    const { db } = await ctx.db();
    const stores = await selectStores(db, scope);
    const { rate, writeRate } = demperRates(ctx.config, MAX_WRITE_RATE);
    const exclude = (setting(ctx.config, 'demper.exclude', 'MP_DEMPER_EXCLUDE') ?? '').split(',').filter(Boolean);
    // The margin floor's store-wide default (demper.minMargin) and commission table, as `mp demper run` uses.
    const margin = marginRules(ctx.config);
    const client = offers.createOffersClient(ctx.config, rate, ctx.log);
    const mc = mcClient.createMcClient(mcClient.mcBaseUrl(ctx.config), ctx.log);
    const summary: Record<string, unknown> = { stores: [] as unknown[] };
    let failed = 0;
    try {
      // One store per call: `apply` is decided per store.
      for (const store of stores) {
        const apply = appliesTo(ctx.config, store);
        const report = await runRepricing(
          db,
          { offers: offers.kaspiOffersFetcher(client), mc, key: await ctx.secretKey() },
          {
            stores: [store],
            shard,
            rules: { exclude },
            concurrency: 8,
            now: ctx.clock.now(),
            margin,
            apply,
            via: setting(ctx.config, 'demper.via', 'MP_DEMPER_VIA', 'api') === 'xml' ? 'xml' : 'api',
            writeRate,
            exportDir: setting(ctx.config, 'demper.exportDir', 'MP_DEMPER_EXPORT_DIR', join(ctx.config.home, 'export')),
          },
        );
        for (const s of report.stores) {
          (summary.stores as unknown[]).push({ ...s, apply, run_id: report.runId });
          failed += s.failed + s.skipped;
        }
      }
    } finally {
      await Promise.all([client.close(), mc.close()]);
    }
    // A run for one store (the usual case: one run per store) keeps that store's report flat.
    const flat = stores.length === 1 ? (summary.stores as Record<string, unknown>[])[0]! : summary;
    const clean = JSON.parse(JSON.stringify(flat)) as Record<string, unknown>;
    if (failed > 0) throw new JobIncomplete(`${failed} price change(s) failed or were skipped: see mp demper products list`, clean);
    return clean;
  },
};
