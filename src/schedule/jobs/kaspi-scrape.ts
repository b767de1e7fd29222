// kaspi.scrape: scrape every tracked Kaspi product (page + all offers) and record what changed,
// through the same operation as `mp kaspi scrape --tracked` (src/kaspi/scrape.operation.ts).
// `--shard i/n` splits the tracked list between hosts by the same product-id hash the repricer uses.
import type { Config } from '../../core/config.js';
import { readSetting } from '../../core/settings.js';
import { type JobDefinition, JobIncomplete } from '../registry.js';

/** The job's settings, typed and checked (MP_KASPI_RATE=abc was "unlimited", MP_KASPI_CONCURRENCY=abc a crash: issue 16). */
export async function kaspiScrapeSettings(config: Config) {
  const { kaspiReadOptions } = await import('../../kaspi/read-options.js');
  // The daemon's working folder is arbitrary, so the default export folder is under mp's home.
  return { ...kaspiReadOptions(config), exportDir: readSetting(config, 'kaspi.exportDir') };
}

export const kaspiScrape: JobDefinition = {
  name: 'kaspi.scrape',
  description: 'scrape every tracked Kaspi product and its offers; history and offer events on change; JSON export',
  defaultSchedule: '*/15 * * * *',
  sharded: true,
  checkSettings(config) {
    readSetting(config, 'kaspi.rate');
    readSetting(config, 'kaspi.concurrency');
    readSetting(config, 'kaspi.proxies');
    readSetting(config, 'kaspi.exportDir');
  },
  async run(ctx, { shard, signal }) {
    const { scrapeKaspi, scrapeRunSummary } = await import('../../kaspi/scrape.operation.js');
    const options = { ...(await kaspiScrapeSettings(ctx.config)), targets: [], tracked: true, shard, signal };
    const deps = { handle: await ctx.db(), config: ctx.config, now: () => ctx.clock.now(), log: ctx.log };
    const { summary, problems } = scrapeRunSummary(await scrapeKaspi(deps, options));
    // A run that failed products, stored some incomplete or was stopped early is recorded as failed with its summary.
    if (problems.length > 0) throw new JobIncomplete(problems.join('; '), summary);
    return summary;
  },
};
