// The Kaspi scrape, once: `mp kaspi scrape` and the scheduled kaspi.scrape job both call
// scrapeKaspi() with typed options (issue 16). It picks the products (given ones, the tracked list,
// one shard of them), takes the lock of that unit of work, scrapes with bounded concurrency, writes
// each product's export file as it finishes and products.json at the end, and keeps only a small
// summary per product, so a long tracked list needs no more memory than a short one.
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { inShard, type Shard, shardLabel } from '../core/shard.js';
import type { DbHandle } from '../db/connect.js';
import { withLocksOrBusy } from '../db/locks.js';
import type { RateLimit } from '../http/client.js';
import { exportAllProducts, exportProduct, kaspiExportDir } from './json-export.js';
import { createKaspiClient, kaspiBaseUrl } from './kaspi.client.js';
import { type ScrapeResult, type ScrapeTarget, scrapeProducts } from './scrape.service.js';
import { type ScrapeSummary, summarize } from './scrape-summary.js';
import { unacceptedPartial } from './scrape-warnings.js';
import { listTracked } from './tracked.repository.js';

export interface KaspiScrapeOptions {
  /** Products named by the caller (already resolved to id and city). */
  targets: readonly ScrapeTarget[];
  /** Also every product on the tracked list (the scheduled job: only those). */
  tracked: boolean;
  /** Only products whose id hashes to this shard (given ones and tracked ones alike). */
  shard?: Shard;
  /** Requests per second per exit IP; null = unlimited, undefined = KASPI_DEFAULT_RATE. */
  rateLimit?: RateLimit | null;
  /** Products in flight at once (≥ 1). */
  concurrency: number;
  /** Proxy URLs used in turn; none = direct. */
  proxies?: readonly string[];
  /** The export folder: `<exportDir>/kaspi/<id>-<city>.json` and `products.json` are written. */
  exportDir: string;
  /** Once aborted, products not started yet are left for the next run; those in flight finish. */
  signal?: AbortSignal;
  /** Called once the products are known, before the first request (a progress bar's total). */
  onStart?(total: number): void | Promise<void>;
  /** Called as each product finishes, after its export file is written (progress, NDJSON). */
  onResult?(result: ScrapeResult): void;
  /** Receives the function that commits the products read and not stored yet (scrapeProducts' onStoreDrain). */
  onStoreDrain?: (drain: () => Promise<void>) => void;
}

export interface KaspiScrapeDeps {
  handle: DbHandle;
  /** Where MP_KASPI_URL (kaspi.baseUrl) comes from: kaspi.kz, a relay, a test server. */
  config: Config;
  now: () => Date;
  log?: Logger;
}

export interface ProductOutcome extends ScrapeSummary {
  /** Fields that changed and offer events, as counts (for the job's summary). */
  changedFields: number;
  offerEvents: number;
}

export interface KaspiScrapeResult {
  /** Products on the tracked list (every shard); 0 when the tracked list was not asked for. */
  trackedTotal: number;
  /** Tracked products in this run's shard. */
  tracked: number;
  /** Products this run set out to scrape (given + tracked, in its shard, without duplicates). */
  total: number;
  /** The products that ran, in input order. */
  products: ProductOutcome[];
  /** Products not started because the signal aborted. */
  notStarted: number;
  /** The folder the export files went to (`<exportDir>/kaspi`). */
  exportDir: string;
}

/** The lock of a scrape of the tracked list: one per shard, so two shards never block each other. */
export function scrapeLockName(shard: Shard | undefined): string {
  return `kaspi.scrape:tracked:${shardLabel(shard)}`;
}

/**
 * Scrapes the given products and (with `tracked`) the tracked list, in one shard or all; returns a
 * summary per product. A scrape of the tracked list holds the lock of its shard for the whole run and
 * throws LockBusy (ALREADY_RUNNING) when another process or host is scraping that shard; products
 * named one by one take no lock (each is its own transaction).
 */
export async function scrapeKaspi(deps: KaspiScrapeDeps, o: KaspiScrapeOptions): Promise<KaspiScrapeResult> {
  // An export folder that cannot be written fails the run before anything is fetched.
  const dir = kaspiExportDir(o.exportDir);
  if (!o.tracked) return scrapeTargets(deps, o, dir, [...o.targets], { trackedTotal: 0, tracked: 0 });
  const what = () => `the scrape of the tracked list (${o.shard ? `shard ${o.shard.index}/${o.shard.count}` : 'all shards'})`;
  return withLocksOrBusy(deps.handle, [scrapeLockName(o.shard)], what, async () => {
    const all = await listTracked(deps.handle.db);
    const targets = [...o.targets];
    const seen = new Set(targets.map((t) => `${t.id}|${t.city}`));
    let tracked = 0;
    for (const t of all) {
      if (!inShard(t.kaspi_id, o.shard)) continue;
      tracked += 1;
      if (!seen.has(`${t.kaspi_id}|${t.city_id}`)) targets.push({ input: t.kaspi_id, id: t.kaspi_id, city: t.city_id });
    }
    return scrapeTargets(deps, o, dir, targets, { trackedTotal: all.length, tracked });
  });
}

async function scrapeTargets(
  deps: KaspiScrapeDeps,
  o: KaspiScrapeOptions,
  dir: string,
  chosen: ScrapeTarget[],
  counts: { trackedTotal: number; tracked: number },
): Promise<KaspiScrapeResult> {
  const targets = chosen.filter((t) => inShard(t.id, o.shard));
  if (targets.length === 0) return { ...counts, total: 0, products: [], notStarted: 0, exportDir: dir };
  await o.onStart?.(targets.length);
  const baseUrl = kaspiBaseUrl(deps.config);
  const client = createKaspiClient(baseUrl, {
    rateLimit: o.rateLimit,
    proxies: o.proxies?.length ? [...o.proxies] : undefined,
    log: deps.log,
  });
  let products: ProductOutcome[];
  try {
    products = await scrapeProducts({ db: deps.handle.db, client, baseUrl, now: deps.now }, targets, {
      concurrency: Math.max(1, o.concurrency),
      signal: o.signal,
      onStoreDrain: o.onStoreDrain,
      onResult(r): ProductOutcome {
        if (r.ok) exportProduct(dir, r);
        o.onResult?.(r);
        return {
          ...summarize(r),
          changedFields: r.ok ? r.saved.changed.length : 0,
          offerEvents: r.ok ? r.saved.offerEvents.length : 0,
        };
      },
    });
  } finally {
    await client.close();
  }
  await exportAllProducts(deps.handle.db, dir);
  return { ...counts, total: targets.length, products, notStarted: targets.length - products.length, exportDir: dir };
}

/**
 * A run's result as counts and a few examples (job_runs.summary), and what keeps it from being a
 * success: failed products, products stored incomplete (kept from the last scrape), products left
 * undone by a shutdown. Empty `problems` = a clean run.
 */
export function scrapeRunSummary(r: KaspiScrapeResult): { summary: Record<string, unknown>; problems: string[] } {
  if (r.total === 0) return { summary: { tracked: 0, scraped: 0, failed: 0 }, problems: [] };
  const ok = r.products.filter((p) => p.ok);
  const failures = r.products.filter((p) => !p.ok);
  const incomplete = ok.filter((p) => p.complete === false);
  const summary = {
    tracked: r.total,
    scraped: ok.length,
    changed: ok.filter((p) => p.changedFields > 0).length,
    offer_events: ok.reduce((n, p) => n + p.offerEvents, 0),
    failed: failures.length,
    incomplete: incomplete.length,
    not_started: r.notStarted,
    errors: failures.slice(0, 5).map((p) => `${p.input}: ${p.code}`),
    incomplete_products: incomplete.slice(0, 5).map(
      (p) =>
        `${p.input}: ${unacceptedPartial(p.warnings, false)
          .map((w) => w.code)
          .join(', ')}`,
    ),
    export_dir: r.exportDir,
  };
  const problems: string[] = [];
  if (failures.length > 0) problems.push(`${failures.length} of ${r.total} product(s) failed, e.g. ${summary.errors[0]}`);
  if (incomplete.length > 0)
    problems.push(
      `${incomplete.length} of ${r.total} product(s) incomplete (kept from the last scrape, not stored as complete), e.g. ${summary.incomplete_products[0]}`,
    );
  if (r.notStarted > 0) problems.push(`stopped by shutdown: ${r.notStarted} of ${r.total} product(s) not scraped, left for the next run`);
  return { summary, problems };
}
