// `mp costs import|set|list|export|remove`.
import type { Context } from '../../core/context.js';
import { UsageError, UserError } from '../../core/errors.js';
import { normalizeDecimal } from '../../core/money.js';
import { parseTextEncoding } from '../../core/text-decode.js';
import { type Marketplace, marketplaceOf } from '../../costs/cost-row.js';
import { type CostRow, costsOf, importCostsFile, removeCost, type SetOptions, setCost, validFromOption } from '../../costs/costs.service.js';
import { exportRun } from '../export/run.js';

export async function costsImport(ctx: Context, o: { file: string; validFrom?: string; encoding?: string }): Promise<void> {
  const validFrom = validFromOption(o.validFrom);
  const encoding = parseTextEncoding(o.encoding);
  const { db } = await ctx.db();
  const result = await importCostsFile(db, o.file, { validFrom, now: ctx.clock.now(), encoding });
  ctx.out.object({ file: result.file, imported: result.imported, kaspi: result.kaspi, wb: result.wb });
}

export async function costsSet(ctx: Context, marketplace: string, product: string, o: SetOptions): Promise<void> {
  const { db } = await ctx.db();
  const input = await setCost(db, marketplace, product, o, ctx.clock.now());
  ctx.out.object({
    marketplace: input.marketplace,
    product: input.product,
    valid_from: input.validFrom,
    cost: input.cost,
    currency: input.currency,
    commission_pct: input.commissionPct === null ? null : normalizeDecimal(input.commissionPct),
    delivery: input.delivery,
  });
}

function marketplaceFlag(text: string | undefined): Marketplace | undefined {
  if (text === undefined) return undefined;
  const m = marketplaceOf(text);
  if (!m) throw new UsageError('COSTS_BAD_MARKETPLACE', `--marketplace is kaspi or wb, got "${text}"`);
  return m;
}

/** The record `costs list --json` prints: amounts as decimal strings, as stored. */
function record(c: CostRow) {
  return {
    marketplace: c.marketplace,
    product: c.product,
    valid_from: c.valid_from,
    cost: c.cost,
    currency: c.currency,
    commission_pct: c.commission_pct === null ? null : normalizeDecimal(c.commission_pct),
    delivery: c.delivery,
    source: c.source,
  };
}

export async function costsList(ctx: Context, o: { marketplace?: string; product?: string; at?: string; history?: boolean }): Promise<void> {
  const marketplace = marketplaceFlag(o.marketplace);
  if (o.history && o.at) throw new UsageError('COSTS_BAD_FLAGS', 'use either --history or --at');
  const at = validFromOption(o.at);
  const { db } = await ctx.db();
  const rows = await costsOf(db, { marketplace, product: o.product, at, history: o.history, now: ctx.clock.now() });
  ctx.out.list(rows.map(record), [
    { key: 'marketplace', header: 'mp' },
    { key: 'product', shrink: true },
    { key: 'valid_from', header: 'from' },
    { key: 'cost', align: 'right' },
    { key: 'currency', header: 'cur' },
    { key: 'commission_pct', header: 'comm %', align: 'right' },
    { key: 'delivery', align: 'right' },
    { key: 'source', optional: true, shrink: true },
  ]);
  if (rows.length === 0 && !ctx.out.json) {
    ctx.log.info('No costs yet: `mp costs import --file costs.csv` (marketplace,product,cost) or `mp costs set kaspi <product> --cost <amount>`.');
  }
}

export async function costsExport(ctx: Context, o: { out?: string; format?: string; marketplace?: string }): Promise<void> {
  const marketplace = marketplaceFlag(o.marketplace);
  await exportRun(ctx, 'unit-costs', { out: o.out, format: o.format, filter: marketplace ? [`marketplace=${marketplace}`] : undefined });
}

export async function costsRemove(ctx: Context, marketplaceText: string, product: string, o: { validFrom?: string }): Promise<void> {
  const marketplace = marketplaceOf(marketplaceText);
  if (!marketplace) throw new UsageError('COSTS_BAD_MARKETPLACE', `the marketplace is kaspi or wb, got "${marketplaceText}"`);
  const { db } = await ctx.db();
  const removed = await removeCost(db, marketplace, product, validFromOption(o.validFrom));
  if (removed === 0)
    throw new UserError(
      'COSTS_NOT_FOUND',
      `no ${marketplace} cost for "${product}"${o.validFrom ? ` from ${o.validFrom}` : ''}: see \`mp costs list --history\``,
    );
  ctx.out.object({ marketplace, product, removed });
}
