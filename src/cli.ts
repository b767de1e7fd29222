// The whole mp command tree. Each action lazy-imports one module under src/commands/ and calls one
// function, so `mp --help` loads nothing but commander.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { loadDotEnv } from './core/config.js';
import type { Context } from './core/context.js';

type Handler = (ctx: Context, ...args: any[]) => Promise<unknown>;

/** Wraps a lazily imported command handler: builds the context, runs, closes the database. */
function run(load: () => Promise<Handler>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const { createContext } = await import('./core/context.js');
    const ctx = createContext(command.optsWithGlobals());
    try {
      const handler = await load();
      const code = await handler(ctx, ...args.slice(0, -1));
      if (typeof code === 'number' && code !== 0) process.exitCode = code;
    } finally {
      await ctx.close();
    }
  };
}

/** mp's own version from its package.json (dist/src/cli.js and src/cli.ts both find it). */
function packageVersion(): string {
  for (const path of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mp' && pkg.version) return pkg.version;
    } catch {
      // not there: try the next level
    }
  }
  return 'unknown';
}

export function buildProgram(): Command {
  const program = new Command('mp')
    .description('Kaspi.kz and Wildberries seller operations from the terminal, cron and a daemon')
    .version(packageVersion(), '-V, --version')
    .option('--json', 'print data as JSON (one document, or NDJSON for streams)')
    .option('-q, --quiet', 'print only warnings and errors to stderr')
    .option('-v, --verbose', 'print debug messages and stack traces')
    .addOption(new Option('--db <url>', 'PostgreSQL URL (default: the embedded database in <home>/db)').env('DATABASE_URL'))
    .addOption(new Option('--home <dir>', 'where mp keeps its embedded database and secret key').env('MP_HOME'))
    .addOption(new Option('--config <file>', 'JSON config file').env('MP_CONFIG'))
    .addOption(new Option('--lock-timeout <duration>', 'how long to wait for another mp using the embedded database').env('MP_LOCK_TIMEOUT'))
    .exitOverride();

  // --- db -------------------------------------------------------------------------------------
  const db = program.command('db').description('the database: migrations and status');
  db.command('migrate')
    .description('apply pending migrations (safe to run from several processes at once)')
    .action(run(async () => (await import('./commands/db/migrate.js')).dbMigrate));
  db.command('status')
    .description('engine, location, applied and pending migrations')
    .action(run(async () => (await import('./commands/db/status.js')).dbStatus));

  // --- jobs, daemon, demo -----------------------------------------------------------------------
  const jobs = program.command('jobs').description('scheduled jobs: run one now (what cron calls), see their status');
  jobs
    .command('run <job>')
    .description('run a job once under its lock; skips (exit 0) when another process is running it')
    .option('--store <id>', 'only this store (jobs that run per store)')
    .option('--cabinet <id>', 'only this cabinet (jobs that run per cabinet)')
    .option('--shard <i/n>', 'handle shard i of n (jobs that split work by product)')
    .action(run(async () => (await import('./commands/jobs/run.js')).jobsRun));
  jobs
    .command('status')
    .description('per job: last run, result, next scheduled time, failures in the last 24 h')
    .action(run(async () => (await import('./commands/jobs/status.js')).jobsStatus));
  program
    .command('daemon')
    .description('run every job on its schedule until SIGINT/SIGTERM (JSON-lines logs on stderr)')
    .option('--jobs <names>', 'only these jobs (comma-separated)')
    .option('--idle <duration>', 'how long continuous workers sleep when idle (default 10s, env MP_DAEMON_IDLE)')
    .action(run(async () => (await import('./commands/daemon.js')).daemon));
  program
    .command('demo')
    .description('a full cycle against fake Kaspi, WB and Telegram servers in a throw-away home (no network, no accounts)')
    .option('--out <dir>', 'where to keep the files it writes (default ./mp-demo)')
    .action(run(async () => (await import('./commands/demo.js')).demo));

  // --- payouts, serve ----------------------------------------------------------------------------
  const payouts = program.command('payouts').description('payout requests: create and manage them, process them with workers');
  payouts
    .command('create')
    .description('enqueue a NEW payout (workers process it); prints it')
    .option('--amount <decimal>', 'amount, 0.01 to 1000000000000, at most 2 decimal places')
    .option('--currency <code>', 'RUB, USD or EUR (lower case is accepted)')
    .option('--recipient <details>', 'recipient account details (shown masked)')
    .option('--comment <text>', 'up to 1000 characters')
    .option('--idempotency-key <key>', 'the same key with the same details returns the existing payout')
    .action(run(async () => (await import('./commands/payouts/create.js')).payoutsCreate));
  payouts
    .command('list')
    .description('payouts, newest first')
    .option('--status <status>', 'NEW, PROCESSING, COMPLETED, FAILED or CANCELLED')
    .option('--since <when>', 'created since: 7d, 12h or a date (UTC)')
    .option('--limit <n>', 'at most this many (default 50, max 1000)')
    .option('--cursor <cursor>', 'continue after a previous --json page (its next_cursor)')
    .action(run(async () => (await import('./commands/payouts/list.js')).payoutsList));
  payouts
    .command('show <id>')
    .description('one payout with its status history')
    .action(run(async () => (await import('./commands/payouts/show.js')).payoutsShow));
  payouts
    .command('update <id>')
    .description('change a payout that is still NEW')
    .option('--amount <decimal>', 'new amount')
    .option('--recipient <details>', 'new recipient details')
    .option('--comment <text>', 'new comment ("" clears it)')
    .action(run(async () => (await import('./commands/payouts/update.js')).payoutsUpdate));
  payouts
    .command('cancel <id>')
    .description('cancel a NEW payout (NEW → CANCELLED)')
    .action(run(async () => (await import('./commands/payouts/cancel.js')).payoutsCancel));
  payouts
    .command('delete <id>')
    .description('delete a NEW or CANCELLED payout (its history is kept)')
    .action(run(async () => (await import('./commands/payouts/delete.js')).payoutsDelete));
  payouts
    .command('process')
    .description('work the queue: claim, send through the gateway, record the outcome (until SIGTERM, or --once)')
    .option('--once', 'drain: exit when no payout is NEW or PROCESSING')
    .option('--concurrency <n>', 'claim loops in this process (default 1)')
    .option('--batch <n>', 'payouts per claim (default 100)')
    .option('--lease <duration>', 'lease on claimed payouts, renewed while working (default 60s)')
    .option('--max-attempts <n>', 'gateway attempts before a transient error fails the payout (default 5)')
    .option('--retry-delay <duration>', 'first retry back-off, doubled per attempt (default 1s)')
    .option('--gateway <name>', 'simulated (default) or http (env MP_PAYOUTS_GATEWAY)')
    .action(run(async () => (await import('./commands/payouts/process.js')).payoutsProcess));
  program
    .command('serve')
    .description('the payouts REST API (/api/payouts, /openapi.json, /healthz) until SIGINT/SIGTERM')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port (default 8080; 0 picks a free one)')
    .option('--worker', 'also process payouts in this process (the way to run both on the embedded database)')
    .action(run(async () => (await import('./commands/serve.js')).serve));

  // --- wb -------------------------------------------------------------------------------------
  const wb = program.command('wb').description('Wildberries cabinets: sync orders, sales, stocks, reviews and cards; reports');
  const cabinet = wb.command('cabinet').description('Wildberries cabinets (API tokens, stored encrypted)');
  cabinet
    .command('add')
    .description('add a cabinet: the token from a hidden prompt, --token-stdin or WB_TOKEN (never an argument)')
    .option('--name <name>', 'a name for the cabinet (default: the seller trade mark)')
    .option('--token-stdin', 'read the token from stdin')
    .action(run(async () => (await import('./commands/wb/cabinet-add.js')).wbCabinetAdd));
  cabinet
    .command('list')
    .description('cabinets with masked token, seller, expiry, last sync and status')
    .action(run(async () => (await import('./commands/wb/cabinet-list.js')).wbCabinetList));
  cabinet
    .command('remove <cabinet>')
    .description('remove a cabinet (id or name) and its synced data')
    .action(run(async () => (await import('./commands/wb/cabinet-remove.js')).wbCabinetRemove));
  cabinet
    .command('check [cabinet]')
    .description('re-validate stored tokens (ping every host, expiry, categories)')
    .action(run(async () => (await import('./commands/wb/cabinet-check.js')).wbCabinetCheck));
  wb.command('sync')
    .description('fetch cards, orders, sales, stocks and reviews; each stream keeps its own cursor and rate limit')
    .option('--cabinet <cabinet>', 'only this cabinet (id or name)')
    .option('--since <when>', 'backfill start of a first sync (default 30d; Moscow time)')
    .option('--only <streams>', 'comma-separated: cards,orders,sales,stocks,reviews')
    .option('--status', 'show the latest run of every stream instead of syncing')
    .action(run(async () => (await import('./commands/wb/sync.js')).wbSync));
  wb.command('orders')
    .description('orders since a Moscow day, newest first')
    .option('--cabinet <cabinet>', 'cabinet id or name (needed when there are several)')
    .option('--since <when>', 'age (7d) or date (2026-11-01), Moscow time (default 7d)')
    .option('--status <status>', 'active or cancelled')
    .option('--nm <nmId>', 'only this product')
    .action(run(async () => (await import('./commands/wb/orders.js')).wbOrders));
  wb.command('order <srid>')
    .description('one order card: product and photo, prices, warehouse and region, stock by size, 7–90 day stats, reviews')
    .option('--cabinet <cabinet>', 'cabinet id or name')
    .action(run(async () => (await import('./commands/wb/order.js')).wbOrder));
  wb.command('sales')
    .description('orders, buyouts, returns and cancellations per Moscow day and per product; today vs yesterday')
    .option('--cabinet <cabinet>', 'cabinet id or name')
    .option('--period <days>', 'number of Moscow days, e.g. 7d (default 7d)')
    .action(run(async () => (await import('./commands/wb/sales.js')).wbSales));
  wb.command('stocks')
    .description('stock per product, size and warehouse, with days left at the 30-day order rate')
    .option('--cabinet <cabinet>', 'cabinet id or name')
    .option('--critical [units]', 'only products with at most this many units (default 10)')
    .action(run(async () => (await import('./commands/wb/stocks.js')).wbStocks));
  wb.command('reviews')
    .description('reviews, newest first')
    .option('--cabinet <cabinet>', 'cabinet id or name')
    .option('--rating <max>', 'only ratings up to this (e.g. 3 or "<=3")')
    .option('--unanswered', 'only reviews without an answer')
    .option('--since <when>', 'age or date, Moscow time (default 90d)')
    .option('--nm <nmId>', 'only this product')
    .action(run(async () => (await import('./commands/wb/reviews.js')).wbReviews));

  // --- wb notify / bot -----------------------------------------------------------------------
  {
    const wbGroup = program.commands.find((c) => c.name() === 'wb') ?? program.command('wb');
    const notify = wbGroup.command('notify').description('notifications: WB events to Telegram chats and signed webhooks, exactly once');
    notify
      .command('deliver')
      .description('turn new WB events into notifications and send what is due (cron and the daemon call it)')
      .action(run(async () => (await import('./commands/wb/notify-deliver.js')).wbNotifyDeliver));
    notify
      .command('test')
      .description('send one sample of each enabled type')
      .option('--recipient <id>', 'only this recipient')
      .action(run(async () => (await import('./commands/wb/notify-test.js')).wbNotifyTest));
    notify
      .command('tail')
      .description('print WB events as the sync writes them (NDJSON with --json), until Ctrl-C')
      .option('--from <event id>', 'start after this event id (default: only new events)')
      .option('--interval <duration>', 'how often to look for new events (default 1s)')
      .action(run(async () => (await import('./commands/wb/notify-tail.js')).wbNotifyTail));
    notify
      .command('settings')
      .description('show or change the settings of a recipient (a checklist on a terminal when no flag is given)')
      .option('--recipient <id>', 'the recipient (needed when there are several)')
      .option('--on', 'notifications on')
      .option('--off', 'notifications off')
      .option('--enable <types>', 'new_order,cancellation,buyout,return,negative_review,critical_stock,sync_gap')
      .option('--disable <types>', 'types to switch off')
      .option('--review-threshold <n>', 'negative review = rating at most n (0-5, 0 = off; default 3)')
      .option('--stock-threshold <n>', 'critical stock = total falls to at most n (default 2)')
      .option('--group <n>', 'more than n events of one type in one sync become one digest (0 = never; default 5)')
      .option('--quiet-hours <from-to>', 'hold messages during e.g. 22:00-08:00 ("off" to clear)')
      .option('--tz <zone>', 'time zone of the quiet hours (default Europe/Moscow)')
      .option('--lang <ru|en>', 'message language (default ru)')
      .action(run(async () => (await import('./commands/wb/notify-settings.js')).wbNotifySettings));
    const recipient = notify.command('recipient').description('Telegram chats and webhooks subscribed to a cabinet (without the bot)');
    recipient
      .command('add')
      .description('subscribe a Telegram chat or a webhook (secret from stdin) to a cabinet')
      .requiredOption('--cabinet <cabinet>', 'cabinet id or name')
      .option('--telegram-chat <chat id>', 'a Telegram chat id')
      .option('--webhook <url>', 'a URL to POST signed JSON to')
      .option('--secret-stdin', 'read the webhook signing secret from stdin')
      .action(run(async () => (await import('./commands/wb/notify-recipient.js')).wbNotifyRecipientAdd));
    recipient
      .command('list')
      .description('recipients with their channel, status and settings')
      .option('--cabinet <cabinet>', 'only this cabinet')
      .action(run(async () => (await import('./commands/wb/notify-recipient.js')).wbNotifyRecipientList));
    recipient
      .command('remove <id>')
      .description('unsubscribe a recipient')
      .action(run(async () => (await import('./commands/wb/notify-recipient.js')).wbNotifyRecipientRemove));
    const bot = wbGroup
      .command('bot')
      .description('run the Telegram bot (long polling): /start, WB token, initial sync, menu with reports and settings')
      .option('--once', 'handle the updates waiting now, then exit')
      .action(run(async () => (await import('./commands/wb/bot.js')).wbBot));
    bot
      .command('setup')
      .description('store the Telegram bot token (hidden prompt, --token-stdin or MP_TELEGRAM_BOT_TOKEN), checked with getMe')
      .option('--token-stdin', 'read the token from stdin')
      .action(run(async () => (await import('./commands/wb/bot-setup.js')).wbBotSetup));
  }

  // --- kaspi --------------------------------------------------------------------------------
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
    .option('--export-dir <dir>', 'folder for the JSON export (default export/)')
    .action(run(async () => (await import('./commands/kaspi/scrape.js')).kaspiScrape));
  const track = kaspi.command('track').description('the tracked product list (`mp kaspi scrape --tracked`)');
  track
    .command('add <inputs...>')
    .description('track products (URLs or ids)')
    .option('--city <id|name>', 'city id or name (default: the URL’s ?c=, else 750000000)')
    .action(run(async () => (await import('./commands/kaspi/track.js')).trackAdd));
  track
    .command('remove <inputs...>')
    .description('stop tracking products (their scraped data and history stay)')
    .option('--city <id|name>', 'city id or name (default: the URL’s ?c=, else 750000000)')
    .action(run(async () => (await import('./commands/kaspi/track.js')).trackRemove));
  track
    .command('list')
    .description('tracked products with what the last scrape found')
    .action(run(async () => (await import('./commands/kaspi/track.js')).trackList));

  // --- kaspi orders / sales ------------------------------------------------------------------
  {
    const kaspiGroup = program.commands.find((c) => c.name() === 'kaspi') ?? program.command('kaspi');
    // `list` is the default subcommand, so `mp kaspi orders --since 30d` lists and `orders sync --store X`
    // reaches sync's own options (options on `orders` itself would swallow sync's --store and --since).
    const orders = kaspiGroup.command('orders').description('Kaspi Shop API orders: list them (default) or `sync` them');
    orders
      .command('list', { isDefault: true })
      .description('orders of a store from the Kaspi Shop API (after `mp kaspi orders sync`), newest first, Almaty time')
      .option('--store <merchant-id|name>', 'the store (default: the only one)')
      .option('--since <when>', 'created since an age (7d, 12h) or a date (2026-11-01, Almaty time); default 7d')
      .option('--state <state>', 'NEW, SIGN_REQUIRED, PICKUP, DELIVERY, KASPI_DELIVERY or ARCHIVE')
      .option('--status <status>', 'e.g. APPROVED_BY_BANK, ACCEPTED_BY_MERCHANT, COMPLETED, CANCELLED, RETURNED')
      .option('--limit <n>', 'at most this many (default 1000)')
      .action(run(async () => (await import('./commands/kaspi/orders-list.js')).kaspiOrders));
    orders
      .command('sync')
      .description('pull orders and their entries from the Shop API (token: `mp demper store add --token-stdin`), in 14-day windows')
      .option('--store <merchant-id|name>', 'the store (default: the only one)')
      .option('--since <when>', 'from an age (30d) or a date (Almaty time); default: the last synced window minus --overlap, first run 30d')
      .option('--overlap <days>', 're-read this much before the last synced window so status changes land (default 14d)')
      .option('--with-customers', 'also store customer names and phones (personal data; always masked in output)')
      .action(run(async () => (await import('./commands/kaspi/orders-sync.js')).kaspiOrdersSync));
    kaspiGroup
      .command('sales')
      .description('orders, revenue, average order value, cancellations and returns per Almaty day, product or city; today vs yesterday, this week vs last')
      .option('--store <merchant-id|name>', 'the store (default: the only one)')
      .option('--period <days>', 'the last N Almaty days, e.g. 7d or 30d (default 7d)')
      .option('--by <key>', 'day (default), product or city')
      .action(run(async () => (await import('./commands/kaspi/sales.js')).kaspiSales));
    kaspiGroup
      .command('top')
      .description('best-selling products by revenue and by units (Almaty days)')
      .option('--store <merchant-id|name>', 'the store (default: the only one)')
      .option('--period <days>', 'the last N Almaty days (default 30d)')
      .option('--limit <n>', 'how many (default 20)')
      .option('--by <key>', 'revenue (default) or units')
      .action(run(async () => (await import('./commands/kaspi/top.js')).kaspiTop));
    kaspiGroup
      .command('insights <url-or-id>')
      .description('ESTIMATED monthly sales of any tracked product from its review growth, next to its price position among offers')
      .option('--city <city>', 'city id or name (default: the stored one, else Almaty)')
      .option('--review-rate <fraction>', 'share of buyers who leave a review (default 0.1 = 1 review per 10 sales; MP_KASPI_REVIEW_RATE)')
      .option('--days <n>', 'look back this many days of review history (default 90)')
      .option('--store <merchant-id|name>', 'show this store’s place among the offers (default: the only store, if any)')
      .action(run(async () => (await import('./commands/kaspi/insights.js')).kaspiInsights));
  }

  // --- history --------------------------------------------------------------------------------
  const history = program.command('history').description('stored Kaspi product history: tables, terminal charts, offer events');
  history
    .command('show <url-or-id>')
    .description("a product's history (checked at, min, max, sellers, rating, reviews) and, on a terminal, a price chart")
    .option('--city <city>', "city id or name (default: the URL's city, the only stored city, or Almaty)")
    .option('--since <when>', 'only since an age (7d, 12h) or a date (2026-11-01, Almaty time)')
    .option('--offers', 'offer events per seller instead: appeared, price changes, disappeared')
    .option('--seller <name-or-id>', "only this seller's offer events, with a chart of its price (implies --offers)")
    .action(run(async () => (await import('./commands/history/show.js')).historyShow));
  history
    .command('list')
    .description('every stored product: last check, current min/max price, history rows, active offers')
    .option('--sort <key>', 'last-checked (default), name, min-price, max-price, history or offers')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--city <city>', 'only this city (id or name)')
    .option('--search <text>', 'name contains this text, or the exact Kaspi id')
    .option('--since <when>', 'only products checked since an age or a date')
    .action(run(async () => (await import('./commands/history/list.js')).historyList));

  // --- export ---------------------------------------------------------------------------------
  program
    .command('export [dataset]')
    .description('write a dataset to CSV, XLSX, JSON or NDJSON, streamed (no dataset: list them)')
    .option('--format <format>', 'csv, xlsx, json or ndjson (default: from the --out extension, else csv)')
    .option('--out <file>', 'the file to write, or - for stdout (default: export/<dataset>-<timestamp>.<ext>)')
    .option('--since <when>', 'rows since an age (7d, 12h) or a date (2026-11-01)')
    .option('--city <city>', 'only this city (id or name)')
    .option('--filter <key=value>', 'only rows where a column matches (also !=, >, >=, <, <=); repeatable', (v: string, all: string[] = []) => [...all, v])
    .option('--excel', 'CSV for Excel in ru/kz locales: BOM, ; separators, decimal commas')
    .action(run(async () => (await import('./commands/export/run.js')).exportRun));

  // --- demper, preorders ---------------------------------------------------------------------
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
    .action(run(async () => (await import('./commands/demper/store.js')).storeLogin));
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
    .action(run(async () => (await import('./commands/demper/store.js')).storeAdd));
  store
    .command('list')
    .description('stores, with session state and pauses')
    .action(run(async () => (await import('./commands/demper/store.js')).storeList));
  store
    .command('remove <store>')
    .description('remove a store (merchant id or name) with its products, decisions and preorders')
    .action(run(async () => (await import('./commands/demper/store.js')).storeRemove));
  store
    .command('check')
    .description('is the saved session still valid? (exit 1 if not, with the command that renews it)')
    .option('--store <store>', 'merchant id or name (default: all)')
    .action(run(async () => (await import('./commands/demper/store.js')).storeCheck));
  const products = demper.command('products').description('products under price management');
  products
    .command('import')
    .description('import products from the cabinet offer list, or --file products.csv|xlsx')
    .option('--store <store>', 'merchant id or name')
    .option('--file <path>', 'sku,product_id,name,price,min_price,max_price,step,strategy (a bad row rejects the file)')
    .action(run(async () => (await import('./commands/demper/products-import.js')).productsImport));
  products
    .command('list')
    .description('products with their settings and last decision')
    .option('--store <store>', 'merchant id or name')
    .option('--strategy <name>', 'only this strategy')
    .option('--enabled', 'only enabled')
    .option('--disabled', 'only disabled')
    .option('--search <text>', 'name or sku contains')
    .action(run(async () => (await import('./commands/demper/products.js')).productsList));
  products
    .command('set <sku...>')
    .description('change min, max, step, strategy, enabled')
    .option('--store <store>', 'merchant id or name')
    .option('--min <tenge>', 'floor price (whole tenge ≥ 10)')
    .option('--max <tenge>', 'ceiling price')
    .option('--step <tenge>', 'undercut step (≥ 1)')
    .option('--strategy <name>', 'undercut, match, top-<N> or hold')
    .option('--enable', 'reprice it')
    .option('--disable', 'leave it alone')
    .action(run(async () => (await import('./commands/demper/products.js')).productsSet));
  for (const verb of ['enable', 'disable'] as const) {
    products
      .command(verb)
      .description(`${verb} every product matching the filter`)
      .option('--store <store>', 'merchant id or name')
      .option('--strategy <name>', 'with this strategy')
      .option('--search <text>', 'name or sku contains')
      .option('--sku <sku...>', 'these SKUs')
      .option('--all', 'every product')
      .action(run(async () => (await import('./commands/demper/products.js'))[verb === 'enable' ? 'productsEnable' : 'productsDisable']));
  }
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
      .option('--rate <n>', 'offer reads per second (default 8, 0 = unlimited; env MP_DEMPER_OFFERS_RATE)');
  ruleOptions(demper.command('plan').description('what a run would do, per product, with reasons; changes nothing')).action(
    run(async () => (await import('./commands/demper/plan.js')).demperPlan),
  );
  ruleOptions(demper.command('run').description('reprice: a dry run, or --apply to send the changes'))
    .option('--apply', 'send the changes (default: dry run)')
    .option('--via <api|xml>', 'api: the cabinet price endpoint (default); xml: write the XML price list to export/')
    .option('--write-rate <n>', 'price writes per second per merchant (≤ 1.5, the default)')
    .option('--export-dir <dir>', 'where --via xml writes (default export/)')
    .action(run(async () => (await import('./commands/demper/plan.js')).demperRun));
  demper
    .command('backtest')
    .description('replay recorded offer history through a strategy: changes, average position, margin over min')
    .option('--since <when>', 'history since (default 7d)')
    .option('--store <store>', 'merchant id or name (default: all)')
    .option('--strategy <name>', 'try this strategy instead of each product’s own')
    .option('--step <tenge>', 'try this step instead of each product’s own')
    .action(run(async () => (await import('./commands/demper/backtest.js')).demperBacktest));
  const preorders = program.command('preorders').description('Kaspi preorders and the Excel price-list template');
  const preorderFields = (c: Command) =>
    c
      .option('--store <store>', 'merchant id or name')
      .option('--model <text>', 'model (the offer title)')
      .option('--brand <text>', 'brand ("Без бренда" when none)')
      .option('--price <tenge>', 'price, whole tenge ≥ 10')
      .option('--pp1 <stock>', 'PP1 stock number, yes or no')
      .option('--pp2 <stock>', 'PP2')
      .option('--pp3 <stock>', 'PP3')
      .option('--pp4 <stock>', 'PP4')
      .option('--pp5 <stock>', 'PP5')
      .option('--preorder <days>', 'preorder days 0–30');
  preorderFields(preorders.command('add <sku>').description('add or replace a preorder row')).action(
    run(async () => (await import('./commands/preorders/preorders.js')).preordersAdd),
  );
  preorderFields(preorders.command('set <sku...>').description('change fields of preorder rows')).action(
    run(async () => (await import('./commands/preorders/preorders.js')).preordersSet),
  );
  preorders
    .command('list')
    .description('preorder rows')
    .option('--store <store>', 'merchant id or name')
    .action(run(async () => (await import('./commands/preorders/preorders.js')).preordersList));
  preorders
    .command('remove <sku...>')
    .description('remove preorder rows')
    .option('--store <store>', 'merchant id or name')
    .action(run(async () => (await import('./commands/preorders/preorders.js')).preordersRemove));
  preorders
    .command('export')
    .description('write Kaspi’s template (SKU, model, brand, price, PP1–PP5, preorder)')
    .option('--store <store>', 'merchant id or name')
    .option('--out <file>', 'the .xlsx to write (default export/preorders-<merchant>.xlsx)')
    .action(run(async () => (await import('./commands/preorders/preorders.js')).preordersExport));
  preorders
    .command('import <file>')
    .description('read the template back (columns matched by header; a bad row rejects the file)')
    .option('--store <store>', 'merchant id or name')
    .action(run(async () => (await import('./commands/preorders/preorders.js')).preordersImport));
  preorders
    .command('upload')
    .description('upload the template to the merchant cabinet and print Kaspi’s answer')
    .option('--store <store>', 'merchant id or name')
    .option('--file <path>', 'upload this file instead of a fresh export')
    .action(run(async () => (await import('./commands/preorders/upload.js')).preordersUpload));

  for (const command of allCommands(program)) command.exitOverride();
  return program;
}

function allCommands(root: Command): Command[] {
  return root.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Runs mp with process.argv; the only place that turns errors into exit codes. */
export async function main(argv: string[]): Promise<void> {
  loadDotEnv();
  const program = buildProgram();
  for (const command of [program, ...allCommands(program)]) {
    // Commander's own error printing is replaced by handleCommanderError's one message.
    command.configureOutput({ outputError: () => {} });
  }
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = handleCommanderError(error, program, argv);
      return;
    }
    const { reportError } = await import('./core/report-error.js');
    process.exitCode = reportError(error, { verbose: argv.includes('-v') || argv.includes('--verbose') });
  }
}

function handleCommanderError(error: CommanderError, program: Command, argv: string[]): number {
  if (error.exitCode === 0) return 0; // --help, --version
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  let text = error.message;
  if (error.code === 'commander.unknownCommand' && !/Did you mean/.test(text)) {
    text += `\n(Did you mean ${suggestCommand(program, words)}?)`;
  }
  const known = knownPath(program, words);
  process.stderr.write(`${text}\nRun \`mp${known ? ` ${known}` : ''} --help\` for usage.\n`);
  return 2;
}

function knownPath(program: Command, words: string[]): string {
  const path: string[] = [];
  let parent = program;
  for (const word of words) {
    const next = parent.commands.find((c) => c.name() === word);
    if (!next) break;
    path.push(word);
    parent = next;
  }
  return path.join(' ');
}

/** The closest command name to what was typed, or the list of commands when nothing is close. */
export function suggestCommand(program: Command, words: string[]): string {
  let parent = program;
  let typed = words[0] ?? '';
  for (const word of words) {
    const next = parent.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) {
      typed = word;
      break;
    }
    parent = next;
  }
  const names = parent.commands.map((c) => c.name());
  const prefix = parent === program ? 'mp' : `mp ${commandPath(parent)}`;
  const ranked = names.map((n) => ({ n, d: editDistance(typed, n) })).sort((a, b) => a.d - b.d);
  const best = ranked[0];
  if (best && best.d <= Math.max(2, Math.floor(best.n.length / 2))) return `\`${prefix} ${best.n}\``;
  return `one of: ${names.map((n) => `\`${prefix} ${n}\``).join(', ')}`;
}

function commandPath(command: Command): string {
  const parts: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) parts.unshift(c.name());
  return parts.join(' ');
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + cost);
    }
  }
  return dp[a.length]![b.length]!;
}
