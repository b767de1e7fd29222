// `mp demper backtest`.
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { parseSince } from '../../core/time.js';
import { currentUser } from '../../core/user.js';
import { backtest } from '../../demper/backtest.service.js';
import { parseStrategy } from '../../demper/product-settings.js';
import { selectStores } from '../../kaspi/merchant/stores.service.js';
import { marginRules } from '../../profit/floor.service.js';
import { number, parseRules, type RuleOptions } from './options.js';

export async function demperBacktest(ctx: Context, o: RuleOptions & { since?: string; strategy?: string; step?: string }): Promise<void> {
  const margin = marginRules(ctx.config, o.minMargin);
  let since: Date;
  try {
    since = parseSince(o.since ?? '7d', ctx.clock.now());
  } catch (error) {
    throw new UsageError('BAD_OPTION', `--since: ${(error as Error).message}`);
  }
  const strategy = o.strategy === undefined ? undefined : parseStrategy(o.strategy);
  if (o.strategy !== undefined && !strategy) throw new UsageError('BAD_OPTION', `--strategy must be undercut, match, hold or top-<N>, got "${o.strategy}"`);
  const { db } = await ctx.db();
  const rows = await backtest(db, await selectStores(db, o.store, currentUser(ctx.config.env)), {
    since,
    strategy,
    step: number(o.step, '--step', 1, 1e9),
    rules: parseRules(o),
    margin,
    now: ctx.clock.now(),
  });
  ctx.out.list(rows, [
    { key: 'store' },
    { key: 'sku' },
    { key: 'strategy' },
    { key: 'observations', header: 'moments', align: 'right' },
    { key: 'changes', align: 'right' },
    { key: 'avg_position', header: 'avg pos', align: 'right' },
    { key: 'avg_margin', header: 'avg over min ₸', align: 'right' },
    { key: 'start_price', header: 'start', align: 'right' },
    { key: 'end_price', header: 'end', align: 'right' },
    { key: 'floor', align: 'right', optional: true },
    { key: 'margin_floor', header: 'margin floor', align: 'right', optional: true },
  ]);
  const seen = rows.filter((r) => r.observations > 0);
  if (!ctx.out.json) {
    if (seen.length === 0) ctx.log.warn('No offer history in that window: record some with `mp kaspi track add` and `mp kaspi scrape --tracked`.');
    else ctx.log.info(`${seen.length} product(s) with history: ${seen.reduce((a, r) => a + r.changes, 0)} change(s) in total.`);
  }
}
