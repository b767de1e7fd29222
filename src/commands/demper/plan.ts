// `mp demper plan` and `mp demper run`.
import { join } from 'node:path';
import type { Context } from '../../core/context.js';
import { PartialFailure, UsageError } from '../../core/errors.js';
import type { Column } from '../../core/output.js';
import { readSetting } from '../../core/settings.js';
import { currentUser } from '../../core/user.js';
import { type PlanItem, planRecord, priceDrifted, storedPrice } from '../../demper/plan.service.js';
import { type DemperDeps, MAX_WRITE_RATE, planDemper, runDemper } from '../../demper/run.operation.js';
import type { RunItem } from '../../demper/run.service.js';
import { cityName } from '../../kaspi/cities.js';
import { kaspiProxies } from '../../kaspi/read-options.js';
import { marginRules } from '../../profit/floor.service.js';
import { number, parseRules, parseShard, type RuleOptions } from './options.js';

const planColumns: Column<unknown>[] = [
  { key: 'store' },
  { key: 'sku' },
  // One row per product and city: the city's name (its id in --json).
  { key: 'city_name', header: 'city' },
  // The price on Kaspi now (our live offer), and the stored one only when it differs from it.
  { key: 'price', kind: 'money', currency: 'KZT' },
  { key: 'stored', kind: 'money', currency: 'KZT', priority: 4 },
  { key: 'competitor_price', header: 'competitor', kind: 'money', currency: 'KZT', priority: 2 },
  { key: 'competitor', header: 'rival', shrink: true, priority: 3 },
  { key: 'new_price', header: 'new', kind: 'money', currency: 'KZT' },
  { key: 'reason' },
  // The effective floor: min_price, or the margin floor when it is higher; `no cost` when a minimum
  // margin is set but the unit cost is not known (the plain floor holds).
  { key: 'floor', align: 'right' as const, optional: true },
];

/** The typed options both commands share, from flags (and the settings they fall back to). */
function planOptions(ctx: Context, o: RuleOptions) {
  const rules = parseRules(o);
  const shard = parseShard(o.shard);
  const concurrency = number(o.concurrency, '--concurrency', 1, 256) ?? 8;
  // Offers bans are per IP at ~15 requests/s; 8/s is the safe default.
  const offersRate = readSetting(ctx.config, 'demper.offersRate', { value: o.rate, flag: '--rate' });
  const proxies = kaspiProxies(ctx.config, o.proxy);
  const margin = marginRules(ctx.config, o.minMargin);
  return { store: o.store, user: currentUser(ctx.config), rules, shard, concurrency, offersRate, proxies, margin };
}

async function demperDeps(ctx: Context): Promise<DemperDeps> {
  return { handle: await ctx.db(), config: ctx.config, log: ctx.log, now: () => ctx.clock.now(), secretKey: () => ctx.secretKey() };
}

async function withProgress<T>(ctx: Context, label: string, fn: (tick: (failed: boolean) => void) => Promise<T>): Promise<T> {
  const progress = await ctx.progress(label);
  try {
    return await fn((failed) => progress.tick(failed));
  } finally {
    progress.stop();
  }
}

export async function demperPlan(ctx: Context, o: RuleOptions): Promise<void> {
  const options = planOptions(ctx, o);
  const deps = await demperDeps(ctx);
  const items = await withProgress(ctx, 'Planning', (tick) => planDemper(deps, { ...options, onProgress: tick }));
  ctx.out.list(
    items,
    planColumns.map((c) => ({ ...c, get: (i: PlanItem) => row(i)[c.key as keyof ReturnType<typeof row>] })),
    planRecord,
  );
  summarize(ctx, items);
}

interface RunOptions extends RuleOptions {
  apply?: boolean;
  via?: string;
  writeRate?: string;
  exportDir?: string;
}

export async function demperRun(ctx: Context, o: RunOptions): Promise<void> {
  const via = o.via ?? 'api';
  if (via !== 'api' && via !== 'xml') throw new UsageError('BAD_OPTION', `--via must be api or xml, got "${o.via}"`);
  if (via === 'xml' && o.shard) throw new UsageError('BAD_OPTION', '--via xml writes the whole price list of a store: it cannot be combined with --shard');
  // At most MAX_WRITE_RATE (the table's bound and default).
  const writeRate = Math.min(MAX_WRITE_RATE, readSetting(ctx.config, 'demper.writeRate', { value: o.writeRate, flag: '--write-rate' }));
  const options = planOptions(ctx, o);
  const deps = await demperDeps(ctx);
  const report = await withProgress(ctx, o.apply ? 'Repricing' : 'Dry run', (tick) =>
    runDemper(deps, {
      ...options,
      onProgress: tick,
      apply: Boolean(o.apply),
      via,
      writeRate,
      exportDir: o.exportDir ?? join(process.cwd(), 'export'),
    }),
  );
  if (ctx.out.json) {
    ctx.out.jsonDocument({ run_id: report.runId, stores: report.stores, decisions: report.items.map(runRecord) });
  } else {
    const changed = report.items.filter((i) => i.decision.change);
    ctx.out.list(
      changed,
      [...planColumns, { key: 'mode' }, { key: 'error', shrink: true, ellipsis: 'end' as const }].map((c) => ({
        ...c,
        get: (i: RunItem) => (({ ...row(i), mode: i.mode, error: i.runError ?? i.error ?? null }) as Record<string, unknown>)[c.key],
      })),
    );
  }
  for (const s of report.stores) {
    const line = `${s.merchant_id}: ${s.planned} checked, ${s.changes} to change, ${s.applied} ${via === 'xml' ? 'in the price list' : 'applied'}, ${s.failed} failed, ${s.skipped} skipped`;
    ctx.log.info(s.xml ? `${line}; price list written to ${s.xml}` : line);
    if (s.note) ctx.log.warn(`${s.merchant_id}: ${s.note}`);
  }
  warnDrift(ctx, report.items);
  warnNoCost(ctx, report.items);
  const unknown = report.items.filter((i) => i.error);
  if (unknown.length > 0) {
    ctx.log.warn(
      `${unknown.length} product(s) left unchanged because their offers could not be read (UNKNOWN), e.g. ${unknown[0]!.product.sku}: ${unknown[0]!.error}`,
    );
  }
  if (!o.apply) ctx.log.info(`Dry run (run ${report.runId}): nothing was sent. Add --apply to change prices.`);
  const failed = report.stores.reduce((n, s) => n + s.failed, 0);
  const skipped = report.stores.reduce((n, s) => n + s.skipped, 0);
  if (failed + skipped > 0)
    throw new PartialFailure('DEMPER_RUN_PARTIAL', `not every price went through: ${failed} failed, ${skipped} skipped (the lines above say why)`);
}

function row(i: PlanItem) {
  const record = planRecord(i);
  const floor = record.floor === null ? 'none' : record.floor_note === 'NO_COST' ? `${record.floor} (no cost)` : record.floor;
  return { store: i.store.merchant_id, ...record, city_name: cityName(i.cityId), floor, stored: priceDrifted(i) ? storedPrice(i) : null };
}

/** Products with a minimum margin but no known unit cost keep their plain floor: one warning that says so. */
function warnNoCost(ctx: Context, items: PlanItem[]): void {
  const missing = items.filter((i) => i.floor?.note === 'NO_COST');
  if (missing.length > 0) {
    const e = missing[0]!;
    ctx.log.warn(
      `${missing.length} product(s) have a minimum margin but no unit cost, so their floor is min_price alone, e.g. ${e.product.sku}: set one with \`mp costs set kaspi ${e.product.sku} --cost <tenge>\``,
    );
  }
  const unreachable = items.filter((i) => i.floor?.note === 'UNREACHABLE');
  if (unreachable.length > 0) {
    const e = unreachable[0]!;
    ctx.log.warn(
      `${unreachable.length} product(s) cannot keep their minimum margin at any price (commission + margin ≥ 100 %) and are not repriced (MARGIN_FLOOR), e.g. ${e.product.sku}`,
    );
  }
}

function runRecord(i: RunItem) {
  return { store: i.store.merchant_id, ...planRecord(i), mode: i.mode, error: i.runError ?? i.error ?? null };
}

/** One warning for products whose price on Kaspi is not the stored one (changed in the cabinet, or an update Kaspi did not take). */
function warnDrift(ctx: Context, items: PlanItem[]): void {
  const drifted = items.filter(priceDrifted);
  if (drifted.length === 0) return;
  const e = drifted[0]!;
  ctx.log.warn(
    `${drifted.length} product(s) have another price on Kaspi than the stored one, e.g. ${e.product.sku}: stored ${storedPrice(e)}, on Kaspi ${e.decision.livePrice}; decided from Kaspi's price`,
  );
}

function summarize(ctx: Context, items: PlanItem[]): void {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.decision.reason, (counts.get(i.decision.reason) ?? 0) + 1);
  const changes = items.filter((i) => i.decision.change).length;
  ctx.log.info(`${items.length} product(s), ${changes} change(s): ${[...counts].map(([r, n]) => `${r} ${n}`).join(', ') || 'nothing to do'}`);
  warnDrift(ctx, items);
  warnNoCost(ctx, items);
  for (const i of items.filter((x) => x.error).slice(0, 5)) ctx.log.warn(`${i.product.sku}: offers unknown (${i.error})`);
}
