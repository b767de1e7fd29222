// `mp kaspi scrape <url-or-id>… [--file f] [--tracked]`.
import { readFileSync } from 'node:fs';
import type { Context } from '../../core/context.js';
import { UsageError, UserError } from '../../core/errors.js';
import { url } from '../../core/validate.js';
import { exportAllProducts, exportProduct, kaspiExportDir } from '../../kaspi/json-export.js';
import { createKaspiClient, kaspiBaseUrl } from '../../kaspi/kaspi.client.js';
import { refsFromText } from '../../kaspi/product-ref.js';
import { scrapeProducts } from '../../kaspi/scrape.service.js';
import { resolveTargets } from '../../kaspi/scrape-inputs.js';
import { failureRecord, successRecord } from '../../kaspi/scrape-record.js';
import { type ScrapeSummary, summarize } from '../../kaspi/scrape-summary.js';
import { unacceptedPartial } from '../../kaspi/scrape-warnings.js';
import { listTracked } from '../../kaspi/tracked.repository.js';
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
  /** Partial offer lists (KASPI_OFFERS_INCOMPLETE/UNKNOWN) do not fail the run. */
  acceptPartial?: boolean;
}

export async function kaspiScrape(ctx: Context, inputs: string[], o: ScrapeOptions): Promise<number> {
  const city = cityOption(o.city);
  const rateLimit = rateOption(o.rate);
  const concurrency = intOption(o.concurrency, '--concurrency', 4, 1, 64);
  // A proxy that is not a URL was a TypeError deep in undici (exit 70) at the first request.
  const proxies = (o.proxy ?? []).map((p) => {
    url(p, '--proxy', { credentials: true });
    return p.trim();
  });
  const all = [...inputs];
  if (o.file) all.push(...refsFromText(readInputFile(o.file)));
  const { targets, invalid } = resolveTargets(all, city);
  if (!o.tracked && !all.length) throw new UsageError('KASPI_NO_INPUT', 'nothing to scrape: give product URLs or ids, --file <path> or --tracked');
  if (!o.tracked && !targets.length) {
    throw new UserError('KASPI_BAD_INPUT', invalid.map((f) => f.message).join('; '));
  }
  // An export folder that cannot be written fails the run before anything is fetched.
  const dir = kaspiExportDir(o.exportDir ?? 'export');
  const { db } = await ctx.db();
  if (o.tracked) {
    const tracked = await listTracked(db);
    if (!tracked.length && !targets.length) throw new UserError('KASPI_NOTHING_TRACKED', 'no tracked products: add some with `mp kaspi track add <url-or-id>`');
    const seen = new Set(targets.map((t) => `${t.id}|${t.city}`));
    for (const t of tracked) {
      if (!seen.has(`${t.kaspi_id}|${t.city_id}`)) targets.push({ input: t.kaspi_id, id: t.kaspi_id, city: t.city_id });
    }
  }

  const baseUrl = kaspiBaseUrl(ctx.config);
  const client = createKaspiClient(baseUrl, { rateLimit, proxies: proxies.length ? proxies : undefined, log: ctx.log });
  const progress = await ctx.progress('Scraping Kaspi', targets.length);
  for (const f of invalid) if (ctx.out.json) ctx.out.ndjson(failureRecord(f));
  let rows: ScrapeSummary[];
  try {
    rows = await scrapeProducts({ db, client, baseUrl, now: () => ctx.clock.now() }, targets, {
      concurrency,
      onResult(r) {
        progress.tick(!r.ok);
        if (ctx.out.json) ctx.out.ndjson(r.ok ? successRecord(r) : failureRecord(r));
        if (r.ok) exportProduct(dir, r);
        return summarize(r);
      },
    });
  } finally {
    progress.stop();
    await client.close();
  }
  await exportAllProducts(db, dir);
  const summaries = [...invalid.map(summarize), ...rows];
  const partial = summaries.filter((r) => r.ok && unacceptedPartial(r.warnings, o.acceptPartial === true).length > 0);
  renderScrapeResults(ctx, summaries, dir, { partial: partial.length, acceptPartial: o.acceptPartial === true });
  // A failed product, or one stored incomplete (its offers or fields kept from the last scrape), is
  // not a success: exit 1. Partial offer lists pass with --accept-partial; a changed layout never does.
  return summaries.some((r) => !r.ok) || partial.length > 0 ? 1 : 0;
}

function readInputFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UserError('KASPI_FILE_NOT_FOUND', `cannot read --file ${path}: check the path`);
  }
}
