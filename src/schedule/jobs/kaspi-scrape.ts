// kaspi.scrape: scrape every tracked Kaspi product (page + all offers) and record what changed.
// `--shard i/n` splits the tracked list between hosts by the same product-id hash the repricer uses.
// Like `mp kaspi scrape`, each product's export file is written as it finishes and only a few counts
// are kept per product, so a long tracked list needs no more memory than a short one.
import { readSetting } from '../../core/settings.js';
import { kaspiReadOptions } from '../../kaspi/read-options.js';
import { type JobDefinition, JobIncomplete } from '../registry.js';

interface Outcome {
  ok: boolean;
  changed: boolean;
  offerEvents: number;
  /** Stored incomplete (offers or fields kept from the last scrape): "<id>: CODE, …". */
  incomplete?: string;
  error?: string;
}

export const kaspiScrape: JobDefinition = {
  name: 'kaspi.scrape',
  description: 'scrape every tracked Kaspi product and its offers; history and offer events on change; JSON export',
  defaultSchedule: '*/15 * * * *',
  sharded: true,
  checkSettings(config) {
    // MP_KASPI_RATE=abc used to turn the rate limit off, MP_KASPI_CONCURRENCY=abc to crash (exit 70).
    kaspiReadOptions(config);
    readSetting(config, 'kaspi.exportDir');
  },
  async run(ctx, { shard, signal }) {
    const [{ listTracked }, client, { scrapeProducts }, { inShard }, exporter, { unacceptedPartial }] = await Promise.all([
      import('../../kaspi/tracked.repository.js'),
      import('../../kaspi/kaspi.client.js'),
      import('../../kaspi/scrape.service.js'),
      import('../../demper/plan.service.js'),
      import('../../kaspi/json-export.js'),
      import('../../kaspi/scrape-warnings.js'),
    ]);
    const { db } = await ctx.db();
    const tracked = (await listTracked(db)).filter((t) => inShard(t.kaspi_id, shard));
    if (tracked.length === 0) return { tracked: 0, scraped: 0, failed: 0 };
    const { rateLimit, concurrency, proxies } = kaspiReadOptions(ctx.config);
    // The daemon's working folder is arbitrary, so the default is under mp's home (as demper.run's feed).
    const exportDir = exporter.kaspiExportDir(readSetting(ctx.config, 'kaspi.exportDir'));
    const baseUrl = client.kaspiBaseUrl(ctx.config);
    const http = client.createKaspiClient(baseUrl, { rateLimit, proxies: proxies.length ? proxies : undefined, log: ctx.log });
    const targets = tracked.map((t) => ({ input: t.kaspi_id, id: t.kaspi_id, city: t.city_id }));
    let results: Outcome[];
    try {
      // On shutdown (signal) the products not started yet are left for the next run.
      results = await scrapeProducts({ db, client: http, baseUrl, now: () => ctx.clock.now() }, targets, {
        concurrency: Math.max(1, concurrency),
        signal,
        onResult(r): Outcome {
          if (!r.ok) return { ok: false, changed: false, offerEvents: 0, error: `${r.target.input}: ${r.code}` };
          exporter.exportProduct(exportDir, r);
          const partial = r.complete
            ? undefined
            : `${r.target.input}: ${unacceptedPartial(r.warnings, false)
                .map((w) => w.code)
                .join(', ')}`;
          return { ok: true, changed: r.saved.changed.length > 0, offerEvents: r.saved.offerEvents.length, incomplete: partial };
        },
      });
    } finally {
      await http.close();
    }
    await exporter.exportAllProducts(db, exportDir);
    const ok = results.filter((r) => r.ok);
    const failures = results.filter((r) => !r.ok);
    const incomplete = ok.filter((r) => r.incomplete !== undefined);
    const summary = {
      tracked: tracked.length,
      scraped: ok.length,
      changed: ok.filter((r) => r.changed).length,
      offer_events: ok.reduce((n, r) => n + r.offerEvents, 0),
      failed: failures.length,
      incomplete: incomplete.length,
      not_started: tracked.length - results.length,
      errors: failures.slice(0, 5).map((r) => r.error ?? ''),
      incomplete_products: incomplete.slice(0, 5).map((r) => r.incomplete ?? ''),
      export_dir: exportDir,
    };
    // A run that failed products, stored some incomplete (a partial offer list, a page that lost
    // fields: kept from the last scrape) or was stopped before it reached every product is not a
    // success: it is recorded as failed with its summary, so `mp jobs status` shows the gap.
    const problems: string[] = [];
    if (failures.length > 0) problems.push(`${failures.length} of ${tracked.length} product(s) failed, e.g. ${summary.errors[0]}`);
    if (incomplete.length > 0)
      problems.push(
        `${incomplete.length} of ${tracked.length} product(s) incomplete (kept from the last scrape, not stored as complete), e.g. ${summary.incomplete_products[0]}`,
      );
    if (summary.not_started > 0)
      problems.push(`stopped by shutdown: ${summary.not_started} of ${tracked.length} product(s) not scraped, left for the next run`);
    if (problems.length > 0) throw new JobIncomplete(problems.join('; '), summary);
    return summary;
  },
};
