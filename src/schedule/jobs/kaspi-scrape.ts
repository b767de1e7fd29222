// kaspi.scrape: scrape every tracked Kaspi product (page + all offers) and record what changed.
// `--shard i/n` splits the tracked list between hosts by the same product-id hash the repricer uses.
import { setting } from '../../core/config.js';
import type { ScrapeResult } from '../../kaspi/scrape.service.js';
import { type JobDefinition, JobIncomplete } from '../registry.js';

export const kaspiScrape: JobDefinition = {
  name: 'kaspi.scrape',
  description: 'scrape every tracked Kaspi product and its offers; history and offer events on change',
  defaultSchedule: '*/15 * * * *',
  sharded: true,
  async run(ctx, { shard, signal }) {
    const [{ listTracked }, client, { scrapeProducts }, { inShard }] = await Promise.all([
      import('../../kaspi/tracked.repository.js'),
      import('../../kaspi/kaspi.client.js'),
      import('../../kaspi/scrape.service.js'),
      import('../../demper/plan.service.js'),
    ]);
    const { db } = await ctx.db();
    const tracked = (await listTracked(db)).filter((t) => inShard(t.kaspi_id, shard));
    if (tracked.length === 0) return { tracked: 0, scraped: 0, failed: 0 };
    const perSecond = Number(setting(ctx.config, 'kaspi.rate', 'MP_KASPI_RATE', String(client.KASPI_DEFAULT_RATE.perSecond)));
    const concurrency = Number(setting(ctx.config, 'kaspi.concurrency', 'MP_KASPI_CONCURRENCY', '4'));
    const baseUrl = client.kaspiBaseUrl(ctx.config);
    const http = client.createKaspiClient(baseUrl, {
      rateLimit: perSecond > 0 ? { perSecond, burst: Math.max(1, Math.ceil(perSecond)) } : null,
      log: ctx.log,
    });
    // On shutdown the products not started yet are left for the next run.
    const targets = tracked.map((t) => ({ input: t.kaspi_id, id: t.kaspi_id, city: t.city_id }));
    let results: ScrapeResult[];
    try {
      results = await scrapeProducts(
        { db, client: http, baseUrl, now: () => ctx.clock.now() },
        targets.filter(() => !signal.aborted),
        { concurrency: Math.max(1, concurrency) },
      );
    } finally {
      await http.close();
    }
    const ok = results.filter((r) => r.ok);
    const failures = results.filter((r) => !r.ok);
    const summary = {
      tracked: tracked.length,
      scraped: ok.length,
      changed: ok.filter((r) => r.ok && r.saved.changed.length > 0).length,
      offer_events: ok.reduce((n, r) => n + (r.ok ? r.saved.offerEvents.length : 0), 0),
      failed: failures.length,
      errors: failures.slice(0, 5).map((r) => (r.ok ? '' : `${r.target.input}: ${r.code}`)),
    };
    if (failures.length > 0) throw new JobIncomplete(`${failures.length} of ${tracked.length} product(s) failed, e.g. ${summary.errors[0]}`, summary);
    return summary;
  },
};
