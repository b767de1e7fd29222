// `mp kaspi scrape <url-or-id>… [--file f] [--tracked]`.
import { readFileSync } from 'node:fs';
import type { Context } from '../../core/context.js';
import { PartialFailure, UsageError, UserError } from '../../core/errors.js';
import { reportSavedOnInterrupt } from '../../core/interrupt.js';
import type { Progress } from '../../core/progress.js';
import { parseShard } from '../../core/shard.js';
import { refsFromText } from '../../kaspi/product-ref.js';
import { kaspiProxies } from '../../kaspi/read-options.js';
import { type KaspiScrapeResult, scrapeKaspi } from '../../kaspi/scrape.operation.js';
import { resolveTargets } from '../../kaspi/scrape-inputs.js';
import { failureRecord, successRecord } from '../../kaspi/scrape-record.js';
import { summarize } from '../../kaspi/scrape-summary.js';
import { unacceptedPartial } from '../../kaspi/scrape-warnings.js';
import { cityOption, intOption, rateOption } from './options.js';
import { renderScrapeResults } from './render.js';

export interface ScrapeOptions {
  city?: string;
  file?: string;
  tracked?: boolean;
  rate?: string;
  proxy?: string[];
  concurrency?: string;
  exportDir?: string;
  /** `i/n`: only products whose id hashes to shard i of n. */
  shard?: string;
  /** Partial offer lists (KASPI_OFFERS_INCOMPLETE/UNKNOWN) do not fail the run. */
  acceptPartial?: boolean;
}

export async function kaspiScrape(ctx: Context, inputs: string[], o: ScrapeOptions): Promise<void> {
  const city = cityOption(o.city);
  const rateLimit = rateOption(o.rate);
  const concurrency = intOption(o.concurrency, '--concurrency', 4, 1, 64);
  const shard = parseShard(o.shard);
  // --proxy (checked: a proxy that is not a URL was a TypeError deep in undici, exit 70), else MP_KASPI_PROXIES.
  const proxies = kaspiProxies(ctx.config, o.proxy);
  const all = [...inputs];
  if (o.file) all.push(...refsFromText(readInputFile(o.file)));
  const { targets, invalid } = resolveTargets(all, city);
  if (!o.tracked && !all.length) throw new UsageError('KASPI_NO_INPUT', 'nothing to scrape: give product URLs or ids, --file <path> or --tracked');
  if (!o.tracked && !targets.length) {
    throw new UserError('KASPI_BAD_INPUT', invalid.map((f) => f.message).join('; '));
  }
  const handle = await ctx.db();
  for (const f of invalid) if (ctx.out.json) ctx.out.ndjson(failureRecord(f));
  let progress: Progress | undefined;
  const deps = { handle, config: ctx.config, now: () => ctx.clock.now(), log: ctx.log };
  let result: KaspiScrapeResult;
  let saved = 0;
  let total = targets.length;
  let drain: (() => Promise<void>) | undefined;
  // On Ctrl-C the products already read are committed first (they are stored in batches).
  const endReport = reportSavedOnInterrupt(
    () => `${saved} of ${total} product(s) scraped and saved; run it again for the rest`,
    async () => drain?.(),
  );
  try {
    result = await scrapeKaspi(deps, {
      targets,
      tracked: o.tracked === true,
      shard,
      rateLimit,
      concurrency,
      proxies,
      exportDir: o.exportDir ?? 'export',
      async onStart(count) {
        total = count;
        progress = await ctx.progress('Scraping Kaspi', count);
      },
      onStoreDrain(d) {
        drain = d;
      },
      onResult(r) {
        if (r.ok) saved++;
        progress?.tick(!r.ok);
        if (ctx.out.json) ctx.out.ndjson(r.ok ? successRecord(r) : failureRecord(r));
      },
    });
  } finally {
    endReport();
    progress?.stop();
  }
  if (o.tracked && result.trackedTotal === 0 && !targets.length)
    throw new UserError('KASPI_NOTHING_TRACKED', 'no tracked products: add some with `mp kaspi track add <url-or-id>`');
  const summaries = [...invalid.map(summarize), ...result.products];
  const partial = summaries.filter((r) => r.ok && unacceptedPartial(r.warnings, o.acceptPartial === true).length > 0);
  renderScrapeResults(ctx, summaries, result.exportDir, { partial: partial.length, acceptPartial: o.acceptPartial === true });
  // A failed product, or one stored incomplete (its offers or fields kept from the last scrape), is
  // not a success: exit 1. Partial offer lists pass with --accept-partial; a changed layout never does.
  const failed = summaries.filter((r) => !r.ok).length;
  if (failed + partial.length > 0) {
    throw new PartialFailure('KASPI_SCRAPE_PARTIAL', `${failed} of ${summaries.length} product(s) failed, ${partial.length} stored incomplete: see above`);
  }
}

function readInputFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UserError('KASPI_FILE_NOT_FOUND', `cannot read --file ${path}: check the path`);
  }
}
