// kaspi.scrape: scrape every tracked Kaspi product (page + all offers) and record what changed,
// through the same operation as `mp kaspi scrape --tracked` (src/kaspi/scrape.operation.ts).
// `--shard i/n` splits the tracked list between hosts by the same product-id hash the repricer uses.
import { join } from 'node:path';
import { type Config, setting } from '../../core/config.js';
import { integer, number } from '../../core/validate.js';
import type { RateLimit } from '../../http/client.js';
import { type JobDefinition, JobIncomplete } from '../registry.js';

/** The job's settings, checked: MP_KASPI_RATE=abc was "unlimited" and MP_KASPI_CONCURRENCY=abc a crash (issue 16). */
export function kaspiScrapeSettings(config: Config): { rateLimit: RateLimit | null; concurrency: number; exportDir: string } {
  const perSecond = number(setting(config, 'kaspi.rate', 'MP_KASPI_RATE', '4'), 'MP_KASPI_RATE', { min: 0, max: 1000 });
  return {
    rateLimit: perSecond > 0 ? { perSecond, burst: Math.max(1, Math.ceil(perSecond)) } : null,
    concurrency: integer(setting(config, 'kaspi.concurrency', 'MP_KASPI_CONCURRENCY', '4'), 'MP_KASPI_CONCURRENCY', { min: 1, max: 64 }),
    // The daemon's working folder is arbitrary, so the default is under mp's home (as demper.run's feed).
    exportDir: setting(config, 'kaspi.exportDir', 'MP_KASPI_EXPORT_DIR', join(config.home, 'export')),
  };
}

export const kaspiScrape: JobDefinition = {
  name: 'kaspi.scrape',
  description: 'scrape every tracked Kaspi product and its offers; history and offer events on change; JSON export',
  defaultSchedule: '*/15 * * * *',
  sharded: true,
  checkSettings: kaspiScrapeSettings,
  async run(ctx, { shard, signal }) {
    const { scrapeKaspi, scrapeRunSummary } = await import('../../kaspi/scrape.operation.js');
    const options = { ...kaspiScrapeSettings(ctx.config), targets: [], tracked: true, shard, signal };
    const deps = { handle: await ctx.db(), config: ctx.config, now: () => ctx.clock.now(), log: ctx.log };
    const { summary, problems } = scrapeRunSummary(await scrapeKaspi(deps, options));
    // A run that failed products, stored some incomplete or was stopped early is recorded as failed with its summary.
    if (problems.length > 0) throw new JobIncomplete(problems.join('; '), summary);
    return summary;
  },
};
