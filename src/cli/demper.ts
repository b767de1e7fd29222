// `mp demper`: Kaspi stores, products under price management, plan, run and backtest.
import type { Command } from 'commander';
import { flagHelp } from '../core/settings.js';
import { run } from './action.js';

export function registerDemper(program: Command): void {
  const demper = program.command('demper').description('Kaspi repricing: stores, products under management, plan and run');
  const store = demper.command('store').description('Kaspi stores with their merchant-cabinet session (encrypted)');
  store
    .command('login')
    .description('sign in to the merchant cabinet (phone + SMS code, or e-mail + password + code) and save the shops')
    .option('--phone <phone>', 'the cabinet login phone, e.g. +77012345678')
    .option('--email <email>', 'the cabinet login e-mail (password from a prompt or MP_KASPI_PASSWORD)')
    .option('--name <name>', 'a name for the store (default: the shop name)')
    .option('--city <id|name>', 'city the prices are for (default: the shop’s first point, else Almaty 750000000)')
    .option('--code-stdin', 'read the SMS/MFA code from stdin instead of a prompt')
    .action(run(async () => (await import('../commands/demper/store.js')).storeLogin));
  store
    .command('add')
    .description('add a store with existing cabinet cookies or a Shop API token')
    .option('--merchant-id <id>', 'Kaspi merchant id (uid)')
    .option('--name <name>', 'a name for the store')
    .option('--city <id|name>', 'city the prices are for: id or name (default Almaty 750000000)')
    .option('--session-stdin', 'read the cabinet cookies (mc-session=…; mc-sid=…) from stdin')
    .option('--token-stdin', 'read a Shop API token from stdin')
    .option('--session', 'ask for the cabinet cookies with a hidden prompt')
    .option('--token', 'ask for the Shop API token with a hidden prompt')
    .option('--points <PP1,PP2>', 'the store’s enabled points of sale (store login reads them from the cabinet); default: not known, PP1 in the XML price list')
    .action(run(async () => (await import('../commands/demper/store.js')).storeAdd));
  store
    .command('list')
    .description('stores, with session state and pauses')
    .action(run(async () => (await import('../commands/demper/store.js')).storeList));
  store
    .command('set <store>')
    .description('change a store (merchant id or name): the cities it is priced in')
    .option(
      '--cities <id|name,…>',
      'cities (ids or names, e.g. almaty,astana): plans decide per city, the price list has a cityprice per city; the first is the home city',
    )
    .action(run(async () => (await import('../commands/demper/store.js')).storeSet));
  store
    .command('remove <store>')
    .description('remove a store (merchant id or name) with its products, decisions and preorders')
    .action(run(async () => (await import('../commands/demper/store.js')).storeRemove));
  store
    .command('check')
    .description('is the saved session still valid? (exit 1 if not, with the command that renews it)')
    .option('--store <store>', 'merchant id or name (default: all)')
    .action(run(async () => (await import('../commands/demper/store.js')).storeCheck));
  const products = demper.command('products').description('products under price management');
  products
    .command('import')
    .description('import products from the cabinet offer list, or --file products.csv|xlsx')
    .option('--store <store>', 'merchant id or name')
    .option('--file <path>', 'sku,product_id,name,price,min_price,max_price,step,strategy (a bad row rejects the file)')
    .option('--encoding <name>', 'CSV text encoding: auto (UTF-8 with or without BOM, else cp1251), utf8 or cp1251', 'auto')
    .action(run(async () => (await import('../commands/demper/products-import.js')).productsImport));
  products
    .command('list')
    .description('products with their settings and last decision')
    .option('--store <store>', 'merchant id or name')
    .option('--strategy <name>', 'only this strategy')
    .option('--enabled', 'only enabled')
    .option('--disabled', 'only disabled')
    .option('--search <text>', 'name or sku contains')
    .action(run(async () => (await import('../commands/demper/products.js')).productsList));
  products
    .command('set <sku...>')
    .description('change min, max, step, strategy, minimum margin, enabled')
    .option('--store <store>', 'merchant id or name')
    .option('--min <tenge>', 'floor price (whole tenge ≥ 10)')
    .option('--max <tenge>', 'ceiling price')
    .option('--step <tenge>', 'undercut step (≥ 1)')
    .option('--strategy <name>', 'undercut, match, top-<N> or hold')
    .option('--min-margin <percent>', 'never below the price keeping this margin after commission and unit cost (`none`: the default)')
    .option('--enable', 'reprice it')
    .option('--disable', 'stop repricing it and take it off sale (available="no" in the price list)')
    .action(run(async () => (await import('../commands/demper/products.js')).productsSet));
  for (const verb of ['enable', 'disable'] as const) {
    products
      .command(verb)
      .description(`${verb} every product matching the filter`)
      .option('--store <store>', 'merchant id or name')
      .option('--strategy <name>', 'with this strategy')
      .option('--search <text>', 'name or sku contains')
      .option('--sku <sku...>', 'these SKUs')
      .option('--all', 'every product')
      .action(run(async () => (await import('../commands/demper/products.js'))[verb === 'enable' ? 'productsEnable' : 'productsDisable']));
  }
  demper
    .command('stock')
    .description('stock per point of sale, for the price list')
    .command('import')
    .description('import stock from a CSV/XLSX file: sku,PP1,PP2,… or sku,point,stock (a bad row rejects the file)')
    .option('--store <store>', 'merchant id or name')
    .option('--file <path>', 'the stock file (.csv or .xlsx)')
    .option('--encoding <name>', 'CSV text encoding: auto (UTF-8 with or without BOM, else cp1251), utf8 or cp1251', 'auto')
    .action(run(async () => (await import('../commands/demper/stock.js')).stockImport));
  const priceList = demper.command('price-list').description('the price list `mp serve` publishes for Kaspi to fetch');
  priceList
    .command('url')
    .description('the addresses to give Kaspi: with basic auth, and the store’s secret path')
    .option('--store <store>', 'merchant id or name')
    .option('--base-url <url>', 'where mp serve is reachable from the internet, e.g. https://mp.example.kz')
    .option('--rotate', 'make a new secret path (the old one stops answering)')
    .action(run(async () => (await import('../commands/demper/price-list.js')).priceListUrl));
  priceList
    .command('show')
    .description('the list as mp serve would hand it out now, checked against Kaspi’s format (exit 1 if it fails)')
    .option('--store <store>', 'merchant id or name')
    .action(run(async () => (await import('../commands/demper/price-list.js')).priceListShow));
  priceList
    .command('accept')
    .description('let out a list the shrink guard holds back (more than 20% fewer offers, or on sale)')
    .option('--store <store>', 'merchant id or name')
    .action(run(async () => (await import('../commands/demper/price-list.js')).priceListAccept));
  priceList
    .command('fetches')
    .description('who fetched the price list, when, and what they got')
    .option('--store <store>', 'merchant id or name')
    .option('--limit <n>', 'how many (default 20)')
    .action(run(async () => (await import('../commands/demper/price-list.js')).priceListFetches));
  const ruleOptions = (c: Command) =>
    c
      .option('--store <store>', 'merchant id or name (default: all stores)')
      .option('--shard <i/n>', 'only products whose id hashes to shard i of n')
      .option('--exclude <merchants>', 'merchant ids that are never competitors (comma-separated)')
      .option('--same-city', 'ignore rivals shipping from another city')
      .option('--max-delivery-days <n>', 'ignore rivals delivering slower than this')
      .option('--no-raise-to-max', 'with no competitors, hold instead of going to max')
      .option('--max-change <tenge>', 'largest change per run')
      .option('--max-change-pct <percent>', 'largest change per run in percent')
      .option('--raise-cooldown <duration>', 'minimum time between raises (default 120m)')
      .option('--concurrency <n>', 'offer reads in flight (default 8)')
      .option('--rate <n>', flagHelp('demper.offersRate', 'offer reads per second per exit IP, 0 = unlimited'))
      .option(
        '--proxy <url>',
        'read offers through this proxy (repeat for several, used in turn; default MP_KASPI_PROXIES)',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option('--min-margin <percent>', 'default minimum margin after commission and cost for products without their own (demper.minMargin)');
  ruleOptions(demper.command('plan').description('what a run would do, per product, with reasons; changes nothing')).action(
    run(async () => (await import('../commands/demper/plan.js')).demperPlan),
  );
  ruleOptions(demper.command('run').description('reprice: a dry run, or --apply to send the changes'))
    .option('--apply', 'send the changes (default: dry run)')
    .option('--via <api|xml>', 'api: the cabinet price endpoint (default); xml: write the XML price list to export/')
    .option('--write-rate <n>', flagHelp('demper.writeRate', 'price writes per second per merchant, at most 1.5'))
    .option('--export-dir <dir>', 'where --via xml writes (default export/)')
    .action(run(async () => (await import('../commands/demper/plan.js')).demperRun));
  demper
    .command('backtest')
    .description('replay recorded offer history through a strategy: changes, average position, margin over min')
    .option('--since <when>', 'history since (default 7d)')
    .option('--store <store>', 'merchant id or name (default: all)')
    .option('--strategy <name>', 'try this strategy instead of each product’s own')
    .option('--step <tenge>', 'try this step instead of each product’s own')
    .option('--min-margin <percent>', 'default minimum margin for products without their own (demper.minMargin)')
    .action(run(async () => (await import('../commands/demper/backtest.js')).demperBacktest));
}
