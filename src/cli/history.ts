// `mp history`: stored Kaspi product history.
import type { Command } from 'commander';
import { run } from './action.js';

export function registerHistory(program: Command): void {
  const history = program.command('history').description('stored Kaspi product history: tables, terminal charts, offer events');
  history
    .command('show <url-or-id>')
    .description("a product's history (checked at, min, max, sellers, rating, reviews) and, on a terminal, a price chart")
    .option('--city <city>', "city id or name (default: the URL's city, the only stored city, or Almaty)")
    .option('--since <when>', 'only since an age (7d, 12h) or a date (2026-11-01, Almaty time)')
    .option('--offers', 'offer events per seller instead: appeared, price changes, disappeared')
    .option('--seller <name-or-id>', "only this seller's offer events, with a chart of its price (implies --offers)")
    .action(run(async () => (await import('../commands/history/show.js')).historyShow));
  history
    .command('list')
    .description('every stored product: last check, current min/max price, history rows, active offers')
    .option('--sort <key>', 'last-checked (default), name, min-price, max-price, history or offers')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--city <city>', 'only this city (id or name)')
    .option('--search <text>', 'name contains this text, or the exact Kaspi id')
    .option('--since <when>', 'only products checked since an age or a date')
    .action(run(async () => (await import('../commands/history/list.js')).historyList));
}
