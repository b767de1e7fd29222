// `mp demper backtest`.
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { KASPI } from '../../core/format.js';
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
  const rows = await backtest(db, await selectStores(db, o.store, currentUser(ctx.config)), {
    since,
    strategy,
    step: number(o.step, '--step', 1, 1e9),
    rules: parseRules(o),
    margin,
    now: ctx.clock.now(),
  });
  ctx.out.list(
    rows,
    [
      { key: 'store' },
      { key: 'sku' },
      { key: 'strategy' },
      { key: 'observations', header: 'moments', kind: 'count', priority: 4 },
      { key: 'changes', kind: 'count' },
      { key: 'avg_position', header: 'avg pos', align: 'right', priority: 2 },
      { key: 'avg_margin', header: 'over min', kind: 'money', priority: 2 },
      { key: 'start_price', header: 'start', kind: 'money', priority: 3 },
      { key: 'end_price', header: 'end', kind: 'money' },
      { key: 'floor', kind: 'money', priority: 5 },
      { key: 'margin_floor', header: 'margin floor', kind: 'money', priority: 5 },
    ],
    { market: KASPI },
  );
  const seen = rows.filter((r) => r.observations > 0);
  if (!ctx.out.json) {
    if (seen.length === 0) ctx.log.warn('No offer history in that window: record some with `mp kaspi track add` and `mp kaspi scrape --tracked`.');
    else ctx.log.info(`${seen.length} product(s) with history: ${seen.reduce((a, r) => a + r.changes, 0)} change(s) in total.`);
  }
}
