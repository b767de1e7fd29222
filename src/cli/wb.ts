// `mp wb`: cabinets, sync and the reports read from synced data.
import type { Command } from 'commander';
import { run } from './action.js';

/** Adds `mp wb` and returns it (`mp wb notify` and `mp wb bot` are added to it by wb-notify.ts). */
export function registerWb(program: Command): Command {
  const wb = program.command('wb').description('Wildberries cabinets: sync orders, sales, stocks, reviews and cards; reports');
  const cabinet = wb.command('cabinet').description('Wildberries cabinets (API tokens, stored encrypted)');
  cabinet
    .command('add')
    .description('add a cabinet: the token from a hidden prompt, --token-stdin or WB_TOKEN (never an argument)')
    .option('--name <name>', 'a name for the cabinet (default: the seller trade mark)')
    .option('--token-stdin', 'read the token from stdin')
    .action(run(async () => (await import('../commands/wb/cabinet-add.js')).wbCabinetAdd));
  cabinet
    .command('token <cabinet>')
    .description("replace a cabinet's token in place (checked like add, same seller): its orders, history and cursors stay")
    .option('--token-stdin', 'read the token from stdin')
    .action(run(async () => (await import('../commands/wb/cabinet-token.js')).wbCabinetToken));
  cabinet
    .command('list')
    .description('cabinets with masked token, seller, expiry, last sync and status')
    .action(run(async () => (await import('../commands/wb/cabinet-list.js')).wbCabinetList));
  cabinet
    .command('remove <cabinet>')
    .description('remove a cabinet (id or name) and its synced data')
    .action(run(async () => (await import('../commands/wb/cabinet-remove.js')).wbCabinetRemove));
  cabinet
    .command('check [cabinet]')
    .description('re-validate stored tokens (ping every host, expiry, categories)')
    .action(run(async () => (await import('../commands/wb/cabinet-check.js')).wbCabinetCheck));
  wb.command('sync')
    .description('fetch cards, orders, sales, stocks and reviews; each stream keeps its own cursor and rate limit')
    .option('--cabinet <cabinet>', 'only this cabinet (id or name)')
    .option('--since <when>', 'backfill start of a first sync (default 30d; Moscow time)')
    .option('--only <streams>', 'comma-separated: cards,orders,sales,stocks,reviews; realization (the report `mp wb profit` reads) only when named')
    .option('--status', 'show the latest run of every stream instead of syncing')
    .action(run(async () => (await import('../commands/wb/sync.js')).wbSync));
  wb.command('orders')
    .description('orders since an age (the last 12h, 7d) or a date (its Moscow midnight), newest first')
    .option('--cabinet <cabinet>', 'cabinet id or name (needed when there are several)')
    .option('--since <when>', 'age (7d) or date (2026-11-01), Moscow time (default 7d)')
    .option('--status <status>', 'active or cancelled')
    .option('--nm <nmId>', 'only this product')
    .action(run(async () => (await import('../commands/wb/orders.js')).wbOrders));
  wb.command('order <srid>')
    .description('one order card: product and photo, prices, warehouse and region, stock by size, 7–90 day stats, reviews')
    .option('--cabinet <cabinet>', 'cabinet id or name')
    .action(run(async () => (await import('../commands/wb/order.js')).wbOrder));
  wb.command('sales')
    .description('orders, buyouts, returns and cancellations per Moscow day and per product; today vs yesterday')
    .option('--cabinet <cabinet>', 'cabinet id or name')
    .option('--period <days>', 'number of Moscow days, e.g. 7d (default 7d)')
    .action(run(async () => (await import('../commands/wb/sales.js')).wbSales));
  wb.command('profit')
    .description(
      'profit per product (nmId) or day from the realization report (`mp wb sync --only realization`): payouts − returns − fees − net units × cost (docs/profit.md)',
    )
    .option('--cabinet <cabinet>', 'cabinet id or name')
    .option('--days <n>', 'the last N Moscow days including today (default 30)')
    .option('--from <date>', 'first Moscow day, e.g. 2026-11-01')
    .option('--to <date>', 'last Moscow day, inclusive (default today)')
    .option('--by <key>', 'product (default) or day')
    .action(run(async () => (await import('../commands/wb/profit.js')).wbProfitCommand));
  wb.command('stocks')
    .description('stock per product, size and warehouse, with days left at the 30-day order rate')
    .option('--cabinet <cabinet>', 'cabinet id or name')
    .option('--critical [units]', 'only products with at most this many units (default 10)')
    .action(run(async () => (await import('../commands/wb/stocks.js')).wbStocks));
  wb.command('reviews')
    .description('reviews, newest first')
    .option('--cabinet <cabinet>', 'cabinet id or name')
    .option('--rating <max>', 'only ratings up to this (e.g. 3 or "<=3")')
    .option('--unanswered', 'only reviews without an answer')
    .option('--since <when>', 'age or date, Moscow time (default 90d)')
    .option('--nm <nmId>', 'only this product')
    .action(run(async () => (await import('../commands/wb/reviews.js')).wbReviews));
  return wb;
}
