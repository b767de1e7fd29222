// `mp kaspi scrape` and the tracked list.
import type { Command } from 'commander';
import { run } from './action.js';

/** Adds `mp kaspi` and returns it (the order commands are added to it by kaspi-orders.ts). */
export function registerKaspi(program: Command): Command {
  const kaspi = program.command('kaspi').description('Kaspi.kz products: scrape pages and competitor offers, keep history, export JSON');
  kaspi
    .command('scrape [inputs...]')
    .description('scrape products (URLs in any form or ids): fields, all offers, history of changes; writes export/kaspi/')
    .option('--city <id|name>', 'city id or name (almaty, astana, shymkent, …); overrides ?c= in URLs (default 750000000)')
    .option('--file <path>', 'read URLs or ids from a file, one per line (# starts a comment)')
    .option('--tracked', 'also scrape every product on the tracked list')
    .option('--rate <n>', 'requests per second per exit IP, 0 = unlimited (default 4, burst 4)')
    .option('--proxy <url>', 'send requests through this proxy (repeat for several, used in turn)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--concurrency <n>', 'products in flight at once (default 4)')
    .option('--shard <i/n>', 'only products whose id hashes to shard i of n (split the work between hosts on one database)')
    .option('--export-dir <dir>', 'folder for the JSON export (default export/)')
    .option('--accept-partial', 'exit 0 when Kaspi gave only part of an offer list (still kept as incomplete, never stored as complete)')
    .action(run(async () => (await import('../commands/kaspi/scrape.js')).kaspiScrape));
  const track = kaspi.command('track').description('the tracked product list (`mp kaspi scrape --tracked`)');
  track
    .command('add <inputs...>')
    .description('track products (URLs or ids)')
    .option('--city <id|name>', 'city id or name (default: the URL’s ?c=, else 750000000)')
    .action(run(async () => (await import('../commands/kaspi/track.js')).trackAdd));
  track
    .command('remove <inputs...>')
    .description('stop tracking products (their scraped data and history stay)')
    .option('--city <id|name>', 'city id or name (default: the URL’s ?c=, else 750000000)')
    .action(run(async () => (await import('../commands/kaspi/track.js')).trackRemove));
  track
    .command('list')
    .description('tracked products with what the last scrape found')
    .action(run(async () => (await import('../commands/kaspi/track.js')).trackList));
  kaspi
    .command('profit')
    .description('profit per product and in total from synced orders: revenue − commission − seller delivery − units × cost (docs/profit.md)')
    .option('--store <merchant-id|name>', 'the store (default: the only one)')
    .option('--days <n>', 'the last N Almaty days including today (default 30)')
    .option('--from <date>', 'first Almaty day, e.g. 2026-11-01')
    .option('--to <date>', 'last Almaty day, inclusive (default today)')
    .action(run(async () => (await import('../commands/kaspi/profit.js')).kaspiProfitCommand));
  return kaspi;
}
