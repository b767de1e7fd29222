// `mp kaspi orders | sales | top | insights`: the Shop API orders and what is read from them.
import type { Command } from 'commander';
import { run } from './action.js';

/** Under `mp kaspi`. */
export function registerKaspiOrders(kaspi: Command): void {
  // `list` is the default subcommand, so `mp kaspi orders --since 30d` lists and `orders sync --store X`
  // reaches sync's own options (options on `orders` itself would swallow sync's --store and --since).
  const orders = kaspi.command('orders').description('Kaspi Shop API orders: list them (default) or `sync` them');
  orders
    .command('list', { isDefault: true })
    .description('orders of a store from the Kaspi Shop API (after `mp kaspi orders sync`), newest first, Almaty time')
    .option('--store <merchant-id|name>', 'the store (default: the only one)')
    .option('--since <when>', 'created since an age (7d, 12h) or a date (2026-11-01, Almaty time); default 7d')
    .option('--state <state>', 'NEW, SIGN_REQUIRED, PICKUP, DELIVERY, KASPI_DELIVERY or ARCHIVE')
    .option('--status <status>', 'e.g. APPROVED_BY_BANK, ACCEPTED_BY_MERCHANT, COMPLETED, CANCELLED, RETURNED')
    .option('--limit <n>', 'at most this many (default 1000)')
    .action(run(async () => (await import('../commands/kaspi/orders-list.js')).kaspiOrders));
  orders
    .command('sync')
    .description('pull orders and their entries from the Shop API (token: `mp demper store add --token-stdin`), in 14-day windows')
    .option('--store <merchant-id|name>', 'the store (default: the only one)')
    .option('--since <when>', 'from an age (30d) or a date (Almaty time); default: the last synced window minus --overlap, first run 30d')
    .option('--overlap <days>', 're-read this much before the last synced window so status changes land (default 14d)')
    .option('--with-customers', 'also store customer names and phones (personal data; always masked in output)')
    .option(
      '--proxy <url>',
      'call the Shop API through this proxy (repeat for several, used in turn; default MP_KASPI_PROXIES)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .action(run(async () => (await import('../commands/kaspi/orders-sync.js')).kaspiOrdersSync));
  kaspi
    .command('sales')
    .description('orders, revenue, average order value, cancellations and returns per Almaty day, product or city; today vs yesterday, this week vs last')
    .option('--store <merchant-id|name>', 'the store (default: the only one)')
    .option('--period <days>', 'the last N Almaty days, e.g. 7d or 30d (default 7d)')
    .option('--by <key>', 'day (default), product or city')
    .action(run(async () => (await import('../commands/kaspi/sales.js')).kaspiSales));
  kaspi
    .command('top')
    .description('best-selling products by revenue and by units (Almaty days)')
    .option('--store <merchant-id|name>', 'the store (default: the only one)')
    .option('--period <days>', 'the last N Almaty days (default 30d)')
    .option('--limit <n>', 'how many (default 20)')
    .option('--by <key>', 'revenue (default) or units')
    .action(run(async () => (await import('../commands/kaspi/top.js')).kaspiTop));
  kaspi
    .command('insights <url-or-id>')
    .description('ESTIMATED monthly sales of any tracked product from its review growth, next to its price position among offers')
    .option('--city <city>', 'city id or name (default: the stored one, else Almaty)')
    .option('--review-rate <fraction>', 'share of buyers who leave a review (default 0.1 = 1 review per 10 sales; MP_KASPI_REVIEW_RATE)')
    .option('--days <n>', 'look back this many days of review history (default 90)')
    .option('--store <merchant-id|name>', 'show this store’s place among the offers (default: the only store, if any)')
    .action(run(async () => (await import('../commands/kaspi/insights.js')).kaspiInsights));
}
