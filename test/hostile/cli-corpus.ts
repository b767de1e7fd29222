// The bad-input corpus for the command line (issue 23): every case is a command a user (or a typo,
// a script, a hostile config) might run. Each must end with its documented exit code (2 usage, 1
// failure), one clear message and no stack trace, within seconds, and leave the database as it was.
// `why` says what the case used to do when it was found broken.

export interface CliCase {
  args: string[];
  env?: Record<string, string>;
  /** Expected exit code: 2 for a usage error, 1 for an expected failure. */
  exit: 1 | 2;
  /** What stderr must say. */
  says?: RegExp;
  /** Text written to stdin. */
  input?: string;
  /** Only where the embedded database is used (MP_HOME matters). */
  embeddedOnly?: boolean;
  why?: string;
}

/** A payout that exists in the seeded database (see cli-corpus.test.ts). */
export const SEEDED_PAYOUT = '7a1e7c5c-1d2b-4a51-9b1e-2b6f0c8e9d01';
const BIG = '12345678901234567890123';
const OVERFLOW_CURSOR = Buffer.from('s:9999999999999999999').toString('base64url');

/** Import files the cases read, written into the working folder before the run. */
export const CORPUS_FILES: Record<string, string | Buffer> = {
  'products-23-digits.csv': `sku,product_id,name,price,min_price,max_price,step,strategy\nSKU-9,123457,Big,1000,${BIG},${BIG}0,1,undercut\n`,
  'products-nul.csv': 'sku,product_id,name,price,min_price,max_price,step,strategy\nSKU-9,123457,Nul\u0000name,1000,900,1100,1,undercut\n',
  'products-fraction.csv': 'sku,product_id,name,price,min_price,max_price,step,strategy\nSKU-9,123457,Half,1000,900.5,1100,1,undercut\n',
  'products-binary.csv': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0xfe, 0x00, 0x01, 0x02]),
  'products-fake.xlsx': 'sku,product_id\nthis is not a workbook\n',
  'preorders-fake.xlsx': 'SKU,model\nnot a workbook\n',
  'ids-binary.txt': Buffer.from([0x00, 0x01, 0xff, 0x0a, 0x31, 0x32, 0x33, 0x00]),
};

export const CLI_CASES: CliCase[] = [
  // --- global options and configuration ---
  { args: ['--lock-timeout', '99999999d', 'db', 'status'], exit: 2, says: /--lock-timeout must be from/ },
  { args: ['--lock-timeout', 'soon', 'db', 'status'], exit: 2, says: /--lock-timeout must be a duration/ },
  { args: ['db', 'status'], env: { MP_LOCK_TIMEOUT: '-5s' }, exit: 2, says: /must be a duration/ },
  { args: ['--config', '/nonexistent/mp.json', 'db', 'status'], exit: 1, says: /cannot read config file/ },
  { args: ['--db', 'not a url', 'db', 'status'], exit: 2, says: /--db must be a URL like postgres:/, why: 'a confusing connection error' },
  { args: ['--db', 'postgres://127.0.0.1:99999/x', 'db', 'status'], exit: 2, says: /port/, why: 'exit 70: RangeError from the pg driver' },
  { args: ['--home', '/proc/mp-hostile', 'db', 'status'], exit: 1, says: /MP_HOME/, embeddedOnly: true, why: 'spun at 100% CPU (recursive mkdir)' },
  { args: ['--home', '/dev/null', 'db', 'status'], exit: 1, says: /MP_HOME/, embeddedOnly: true, why: 'exit 70: ENOTDIR stack trace' },

  // --- payouts ---
  {
    args: ['payouts', 'create', '--amount', '10.555', '--currency', 'RUB', '--recipient', 'acct-1'],
    exit: 2,
    says: /--amount: must have at most 2 decimal places/,
  },
  { args: ['payouts', 'create', '--amount', BIG, '--currency', 'RUB', '--recipient', 'acct-1'], exit: 2, says: /--amount: must be at most/ },
  { args: ['payouts', 'create', '--amount', '1e3', '--currency', 'RUB', '--recipient', 'acct-1'], exit: 2, says: /--amount/ },
  { args: ['payouts', 'create', '--amount', '-1', '--currency', 'RUB', '--recipient', 'acct-1'], exit: 2, says: /--amount/ },
  { args: ['payouts', 'create', '--amount', 'NaN', '--currency', 'RUB', '--recipient', 'acct-1'], exit: 2, says: /--amount/ },
  { args: ['payouts', 'create', '--amount', '10', '--currency', 'XXX', '--recipient', 'acct-1'], exit: 2, says: /--currency/ },
  {
    args: ['payouts', 'create', '--amount', '10', '--currency', 'RUB', '--recipient', 'acct\u0001x'],
    exit: 2,
    says: /--recipient: must not contain control characters/,
  },
  {
    args: ['payouts', 'create', '--amount', '10', '--currency', 'RUB', '--recipient', 'acct-1', '--comment', 'red \u001b[31m'],
    exit: 2,
    says: /--comment: must not contain a control character/,
  },
  {
    args: ['payouts', 'create', '--amount', '10', '--currency', 'RUB', '--recipient', 'acct-1', '--comment', 'x'.repeat(1001)],
    exit: 2,
    says: /--comment: must be at most 1000/,
  },
  { args: ['payouts', 'create', '--amount', '10', '--currency', 'RUB', '--recipient', 'x'.repeat(256)], exit: 2, says: /--recipient/ },
  { args: ['payouts', 'create', '--amount', '10', '--currency', 'RUB', '--recipient', 'acct-1', '--idempotency-key', ''], exit: 2, says: /--idempotency-key/ },
  { args: ['payouts', 'list', '--limit', '0'], exit: 2, says: /--limit/ },
  { args: ['payouts', 'list', '--limit', '99999999999'], exit: 2, says: /--limit/ },
  { args: ['payouts', 'list', '--limit', '1e3'], exit: 2, says: /--limit/ },
  { args: ['payouts', 'list', '--since', '99999999d'], exit: 2, says: /--since/, why: 'exit 70: RangeError: Invalid time value' },
  { args: ['payouts', 'list', '--since', '2026-13-45'], exit: 2, says: /--since/, why: 'rolled over to 2027-02-14, exit 0 with nothing' },
  { args: ['payouts', 'list', '--status', 'PAID'], exit: 2, says: /--status/ },
  { args: ['payouts', 'list', '--cursor', 'garbage'], exit: 2, says: /--cursor/ },
  { args: ['payouts', 'list', '--cursor', OVERFLOW_CURSOR], exit: 2, says: /--cursor/, why: 'exit 70: bigint out of range' },
  { args: ['payouts', 'show', 'not-a-uuid'], exit: 1, says: /no payout with id/ },
  { args: ['payouts', 'show', '00000000-0000-4000-8000-000000000000'], exit: 1, says: /no payout with id/ },
  { args: ['payouts', 'update', SEEDED_PAYOUT], exit: 2, says: /nothing to change/ },
  { args: ['payouts', 'update', SEEDED_PAYOUT, '--amount', '1.234'], exit: 2, says: /--amount/ },
  { args: ['payouts', 'update', SEEDED_PAYOUT, '--comment', 'bell\u0007'], exit: 2, says: /--comment/ },
  { args: ['payouts', 'process', '--once', '--concurrency', '0'], exit: 2, says: /--concurrency/ },
  { args: ['payouts', 'process', '--once', '--batch', '99999999'], exit: 2, says: /--batch/ },
  { args: ['payouts', 'process', '--once', '--lease', '1ms'], exit: 2, says: /--lease/ },
  { args: ['payouts', 'process', '--once', '--lease', '99999999d'], exit: 2, says: /--lease/ },
  { args: ['payouts', 'process', '--once', '--max-attempts', '0'], exit: 2, says: /--max-attempts/ },
  { args: ['payouts', 'process', '--once', '--retry-delay', 'later'], exit: 2, says: /--retry-delay/ },
  { args: ['payouts', 'process', '--once', '--gateway', 'carrier-pigeon'], exit: 2, says: /gateway/ },
  {
    args: ['payouts', 'process', '--once', '--gateway', 'http'],
    env: { MP_PAYOUTS_GATEWAY_URL: 'not a url', MP_PAYOUTS_GATEWAY_SECRET: 's3cret' },
    exit: 2,
    says: /MP_PAYOUTS_GATEWAY_URL/,
  },
  { args: ['serve', '--port', '99999'], exit: 2, says: /--port/ },
  { args: ['serve', '--port', '-1'], exit: 2, says: /--port/ },
  { args: ['serve', '--port', 'http'], exit: 2, says: /--port/ },

  // --- wb ---
  { args: ['wb', 'sync', '--since', '2026-13-45'], exit: 2, says: /--since/ },
  { args: ['wb', 'sync', '--since', '99999999d'], exit: 2, says: /--since/ },
  { args: ['wb', 'sync', '--only', 'orders,invoices'], exit: 2, says: /--only/ },
  { args: ['wb', 'sync', '--cabinet', 'nobody'], exit: 1, says: /no Wildberries cabinet/ },
  { args: ['wb', 'orders', '--since', '2026-02-30'], exit: 2, says: /--since/ },
  { args: ['wb', 'orders', '--since', '99999999d'], exit: 2, says: /--since/ },
  { args: ['wb', 'orders', '--nm', 'abc'], exit: 2, says: /--nm/ },
  { args: ['wb', 'orders', '--nm', '1e99'], exit: 2, says: /--nm/ },
  { args: ['wb', 'orders', '--status', 'lost'], exit: 2, says: /--status/ },
  { args: ['wb', 'reviews', '--rating', '9'], exit: 2, says: /--rating/ },
  { args: ['wb', 'reviews', '--since', '0000-00-00'], exit: 2, says: /--since/ },
  { args: ['wb', 'stocks', '--critical', '-5'], exit: 2, says: /--critical/ },
  { args: ['wb', 'stocks', '--critical', '99999999999999999999'], exit: 2, says: /--critical/ },
  { args: ['wb', 'sales', '--period', '0d'], exit: 2, says: /--period/ },
  { args: ['wb', 'sales', '--period', '99999999d'], exit: 2, says: /--period/ },
  { args: ['wb', 'cabinet', 'add', '--token-stdin'], input: '', exit: 2, says: /token/ },
  { args: ['wb', 'cabinet', 'add', '--token-stdin'], input: 'not-a-jwt\n', exit: 1, says: /token/ },
  { args: ['wb', 'cabinet', 'add', '--token-stdin', '--name', 'tab\u0001name'], input: 'x.y.z\n', exit: 2, says: /--name/ },
  { args: ['wb', 'cabinet', 'remove', 'nobody'], exit: 1, says: /no Wildberries cabinet/ },
  { args: ['wb', 'notify', 'tail', '--interval', '0'], exit: 2, says: /--interval/, why: 'a busy loop at 100% CPU' },
  { args: ['wb', 'notify', 'tail', '--interval', '99999999d'], exit: 2, says: /--interval/ },
  { args: ['wb', 'notify', 'tail', '--from', 'abc'], exit: 2, says: /--from/ },
  { args: ['wb', 'notify', 'recipient', 'add', '--cabinet', 'nobody', '--webhook', 'not a url'], exit: 2, says: /--webhook/ },
  { args: ['wb', 'notify', 'recipient', 'add', '--cabinet', 'nobody', '--webhook', 'file:///etc/passwd'], exit: 2, says: /--webhook/ },
  { args: ['wb', 'notify', 'recipient', 'add', '--cabinet', 'nobody', '--telegram-chat', 'abc'], exit: 2, says: /--telegram-chat/ },
  { args: ['wb', 'notify', 'recipient', 'remove', 'abc'], exit: 2, says: /recipient/ },
  { args: ['wb', 'notify', 'recipient', 'remove', BIG], exit: 2, says: /recipient/, why: 'exit 70: bigint out of range' },
  { args: ['wb', 'notify', 'settings', '--recipient', BIG, '--review-threshold', '2'], exit: 2, says: /--recipient/ },
  { args: ['wb', 'notify', 'settings', '--review-threshold', '9'], exit: 2, says: /--review-threshold/ },
  { args: ['wb', 'notify', 'settings', '--stock-threshold', '-1'], exit: 2, says: /--stock-threshold/ },
  { args: ['wb', 'notify', 'settings', '--quiet-hours', '25:00-08:00'], exit: 2, says: /--quiet-hours/ },
  { args: ['wb', 'notify', 'settings', '--tz', 'Mars/Olympus'], exit: 2, says: /--tz/ },

  // --- kaspi ---
  { args: ['kaspi', 'scrape', '123456', '--proxy', 'not a url'], exit: 2, says: /--proxy must be a URL/, why: 'exit 70: TypeError Invalid URL' },
  { args: ['kaspi', 'scrape', '123456', '--proxy', 'ftp://proxy:21'], exit: 2, says: /--proxy/ },
  { args: ['kaspi', 'scrape', '123456', '--rate', '-1'], exit: 2, says: /--rate/ },
  { args: ['kaspi', 'scrape', '123456', '--rate', 'fast'], exit: 2, says: /--rate/ },
  { args: ['kaspi', 'scrape', '123456', '--concurrency', '0'], exit: 2, says: /--concurrency/ },
  { args: ['kaspi', 'scrape', '123456', '--city', 'Atlantis'], exit: 2, says: /city/i },
  { args: ['kaspi', 'scrape', '123456', '--export-dir', '/proc/mp-hostile'], exit: 1, says: /export/i, why: 'spun at 100% CPU' },
  { args: ['kaspi', 'scrape', '123456', '--export-dir', '/dev/null'], exit: 1, says: /export/i },
  { args: ['kaspi', 'scrape', '--file', '/nonexistent/list.txt'], exit: 1, says: /list\.txt/ },
  { args: ['kaspi', 'track', 'add', 'not a product'], exit: 1, says: /not a Kaspi product/ },
  { args: ['kaspi', 'orders', '--since', '2026-13-45'], exit: 2, says: /--since/ },
  { args: ['kaspi', 'sales', '--since', '99999999d'], exit: 2, says: /--since|--period/ },
  { args: ['kaspi', 'top', '--limit', '0'], exit: 2, says: /--limit/ },
  { args: ['kaspi', 'insights', 'not a product'], exit: 1, says: /not a Kaspi product/ },

  // --- history, export ---
  { args: ['history', 'show', '123456', '--since', '2026-13-45'], exit: 2, says: /--since/ },
  { args: ['history', 'list', '--limit', '0'], exit: 2, says: /--limit/ },
  { args: ['history', 'list', '--limit', '99999999999999999999'], exit: 2, says: /--limit/ },
  { args: ['history', 'list', '--sort', 'random'], exit: 2, says: /--sort/ },
  { args: ['export', 'nothing-like-it'], exit: 2, says: /dataset/ },
  { args: ['export', 'payouts', '--format', 'docx'], exit: 2, says: /--format/ },
  { args: ['export', 'payouts', '--since', '2026-13-45'], exit: 2, says: /--since/ },
  { args: ['export', 'payouts', '--since', '99999999d'], exit: 2, says: /--since/ },
  { args: ['export', 'payouts', '--filter', 'nonsense'], exit: 2, says: /--filter/ },
  { args: ['export', 'payouts', '--filter', 'amount>abc'], exit: 2, says: /--filter|amount/ },
  { args: ['export', 'payouts', '--filter', 'created_at>2026-13-45'], exit: 2, says: /--filter|created_at/ },
  { args: ['export', 'payouts', '--out', '/proc/mp-hostile/p.csv'], exit: 1, says: /p\.csv|cannot|export/i },

  // --- demper, preorders ---
  { args: ['demper', 'run', '--write-rate', '0'], exit: 2, says: /--write-rate/ },
  { args: ['demper', 'run', '--write-rate', '99'], exit: 2, says: /--write-rate/ },
  { args: ['demper', 'run'], env: { MP_DEMPER_WRITE_RATE: '0' }, exit: 2, says: /MP_DEMPER_WRITE_RATE/ },
  { args: ['demper', 'run', '--via', 'fax'], exit: 2, says: /--via/ },
  { args: ['demper', 'run', '--shard', '3/2'], exit: 2, says: /--shard/ },
  { args: ['demper', 'run', '--shard', '1/99999999999999999999'], exit: 2, says: /--shard/ },
  { args: ['demper', 'plan', '--raise-cooldown', '99999999d'], exit: 2, says: /--raise-cooldown/ },
  { args: ['demper', 'plan', '--max-change-pct', '1000'], exit: 2, says: /--max-change-pct/ },
  { args: ['demper', 'plan', '--concurrency', '0'], exit: 2, says: /--concurrency/ },
  { args: ['demper', 'plan', '--rate', '-1'], exit: 2, says: /--rate/ },
  { args: ['demper', 'plan'], env: { MP_DEMPER_OFFERS_RATE: 'fast' }, exit: 2, says: /MP_DEMPER_OFFERS_RATE|--rate/ },
  { args: ['demper', 'backtest', '--since', '99999999d'], exit: 2, says: /--since/ },
  { args: ['demper', 'backtest', '--step', 'abc'], exit: 2, says: /--step/ },
  { args: ['demper', 'products', 'set', 'SKU-1', '--min', '10.5'], exit: 2, says: /--min/ },
  { args: ['demper', 'products', 'set', 'SKU-1', '--min', BIG], exit: 2, says: /--min/ },
  { args: ['demper', 'products', 'set', 'SKU-1', '--step', '0'], exit: 2, says: /--step/ },
  { args: ['preorders', 'add', 'SKU-1', '--model', 'M', '--price', '10.5'], exit: 2, says: /price must be whole tenge/ },
  { args: ['preorders', 'add', 'SKU-1', '--model', 'M', '--price', BIG], exit: 2, says: /price must be whole tenge/, why: 'accepted as 1.2e22' },
  { args: ['preorders', 'add', 'SKU-1', '--model', 'M', '--price', '100', '--preorder', '31'], exit: 2, says: /preorder must be days 0–30/ },
  { args: ['preorders', 'add', 'SKU-1', '--model', 'M', '--price', '100', '--pp1', 'lots'], exit: 2, says: /PP1 must be a stock number/ },
  { args: ['preorders', 'add', 'SKU\u0001', '--model', 'M', '--price', '100'], exit: 2, says: /sku|SKU/ },

  // --- imports ---
  {
    args: ['demper', 'products', 'import', '--store', '30012345', '--file', 'products-23-digits.csv'],
    exit: 1,
    says: /at most 999999999999/,
    why: 'exit 70: numeric overflow',
  },
  { args: ['demper', 'products', 'import', '--store', '30012345', '--file', 'products-nul.csv'], exit: 1, says: /NUL/ },
  { args: ['demper', 'products', 'import', '--store', '30012345', '--file', 'products-fraction.csv'], exit: 1, says: /whole tenge/ },
  { args: ['demper', 'products', 'import', '--store', '30012345', '--file', 'products-binary.csv'], exit: 1, says: /products-binary\.csv/ },
  { args: ['demper', 'products', 'import', '--store', '30012345', '--file', 'products-fake.xlsx'], exit: 1, says: /products-fake\.xlsx/ },
  { args: ['demper', 'products', 'import', '--store', '30012345', '--file', 'missing.csv'], exit: 1, says: /missing\.csv/ },
  { args: ['preorders', 'import', 'preorders-fake.xlsx', '--store', '30012345'], exit: 1, says: /preorders-fake\.xlsx/ },
  { args: ['kaspi', 'scrape', '--file', 'ids-binary.txt', '--export-dir', '/proc/mp-hostile'], exit: 1, says: /export|not a Kaspi product/i },

  // --- jobs, daemon ---
  { args: ['jobs', 'run', 'mine-bitcoin'], exit: 2, says: /job/ },
  { args: ['jobs', 'run', 'demper.run'], env: { MP_DEMPER_WRITE_RATE: '0' }, exit: 2, says: /MP_DEMPER_WRITE_RATE/, why: 'spun forever' },
  { args: ['jobs', 'run', 'demper.run'], env: { MP_DEMPER_OFFERS_RATE: '-3' }, exit: 2, says: /MP_DEMPER_OFFERS_RATE/ },
  { args: ['jobs', 'run', 'kaspi.scrape', '--shard', '5/2'], exit: 2, says: /--shard/ },
  { args: ['daemon', '--idle', '0'], exit: 2, says: /--idle/ },
  { args: ['daemon', '--idle', '99999999d'], exit: 2, says: /--idle/ },
  { args: ['daemon', '--jobs', 'nothing'], exit: 2, says: /--jobs|job/ },
];
