// Every setting of mp, once: its key, environment variable, config file path, parser, default and help
// text. Flags, the environment, the config file and scheduled jobs all read a value through
// `readSetting`, so a value is checked the same way wherever it comes from, and an invalid one is a
// usage error (exit 2) that names where it came from (`--rate`, `MP_KASPI_RATE`, `kaspi.rate in
// /etc/mp.json`) and the accepted form. Precedence: flag, then environment, then config file, then
// the default. An empty environment variable counts as unset.
//
// A patterned setting stands for one setting per name: `schedule.<job>` / `MP_SCHEDULE_<JOB>` is
// `schedule.kaspi.scrape` / `MP_SCHEDULE_KASPI_SCRAPE` for the job `kaspi.scrape`; read it with
// `readNamedSetting(config, 'schedule.<job>', 'kaspi.scrape')`.
//
// Read outside the table, on purpose (docs/configuration.md says the same):
// - `--db`/DATABASE_URL, `--home`/MP_HOME, `--config`/MP_CONFIG, `--lock-timeout`/MP_LOCK_TIMEOUT
//   (src/core/config.ts): they say where the config file and the database are, so they are read before
//   there is a config to read a setting from.
// - MP_SECRET_KEY (src/core/secrets.ts): the key that decrypts what the database stores, needed before
//   the first query; a key in the config file would sit beside the data it protects.
// - WB_TOKEN, MP_KASPI_PASSWORD, MP_TELEGRAM_BOT_TOKEN: secrets a script hands to one command instead
//   of a prompt; never from the config file, never printed, checked by their own commands.
// - NO_COLOR, FORCE_COLOR, TERM, COLUMNS, XDG_DATA_HOME: the terminal's and the system's conventions.
//
// docs/configuration.md documents every entry (test/unit/readme-config.test.ts compares the two).
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Config } from './config.js';
import { percentPoints } from './percent.js';
import { duration, forbiddenCharacter, formatDuration, InputError, integer, MAX_TIMER_MS, number, oneOf, text, url } from './validate.js';

/** How a raw value (a string from a flag or the environment, any JSON value from the config file) becomes typed. */
export interface Parser<T> {
  /** The accepted form, for help and docs: "a number from 0 to 1000". */
  form: string;
  parse(raw: unknown, label: string): T;
}

export interface SettingSpec<T> {
  /** Environment variable (none for settings only the config file or a flag sets). */
  env?: string;
  /** Dotted path into the JSON config file; defaults to the setting’s key. `null`: not read from the file (secrets). */
  config?: string | null;
  /** The flag that sets it on the command that has one (for docs and messages). */
  flag?: string;
  parser: Parser<T>;
  /** The value when nothing sets it: a constant, or computed from the config (`<home>/export`). */
  default?: T | ((config: Config) => T);
  /** The default as the docs and help print it, when it is not the constant itself. */
  defaultText?: string;
  help: string;
}

// --- parsers ------------------------------------------------------------------------------------

const asText = (raw: unknown): unknown => (typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw);

/** A decimal number in a range. */
export function numberIn(min: number, max: number): Parser<number> {
  return { form: `a number from ${min} to ${max}`, parse: (raw, label) => number(raw, label, { min, max }) };
}

/** A whole number in a range. */
export function integerIn(min: number, max: number): Parser<number> {
  return { form: `a whole number from ${min} to ${max}`, parse: (raw, label) => integer(raw, label, { min, max }) };
}

/** A duration (`500ms`, `30s`, `2m`, a bare number of seconds) in milliseconds. */
export function durationIn(minMs = 0, maxMs = MAX_TIMER_MS): Parser<number> {
  return {
    form: `a duration like 30s or 2m, from ${formatDuration(minMs)} to ${formatDuration(maxMs)}`,
    parse: (raw, label) => duration(asText(raw), label, { min: minMs, max: maxMs, code: 'BAD_SETTING' }),
  };
}

/** An http(s) URL, returned as given (a base URL without its trailing slashes). */
export function httpUrl(options: { keepTrailingSlash?: boolean } = {}): Parser<string> {
  return {
    form: 'a URL like https://host:port',
    parse: (raw, label) => {
      url(raw, label);
      const given = (raw as string).trim();
      return options.keepTrailingSlash ? given : given.replace(/\/+$/, '');
    },
  };
}

/** A proxy URL (`http://user:password@host:port` or https). A refusal never shows the value: it may carry a password. */
export function proxyUrl(): Parser<string> {
  return {
    form: 'a proxy URL like http://user:password@host:port',
    parse: (raw, label) => {
      try {
        url(raw, label, { protocols: ['http:', 'https:'], credentials: true });
      } catch (error) {
        if (error instanceof InputError) throw new InputError(error.field, error.reason, { code: error.code });
        throw error;
      }
      return (raw as string).trim();
    },
  };
}

/** One of a few words (case-insensitive). */
export function oneOfWords<T extends string>(values: readonly T[]): Parser<T> {
  return { form: `one of ${values.join(', ')}`, parse: (raw, label) => oneOf(raw, label, values) };
}

/**
 * A list: comma-separated text (blanks dropped) or a JSON array in the config file, each item
 * checked by `item` (labelled `<label> item N`).
 */
export function listOf<T>(item: Parser<T>): Parser<T[]> {
  return {
    form: `a comma-separated list of ${item.form.replace(/^an? /, '')}s`,
    parse: (raw, label) => {
      let items: unknown[];
      if (Array.isArray(raw)) items = raw.map(asText);
      else if (typeof raw === 'string')
        items = raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      else throw new InputError(label, 'must be a comma-separated list', { value: raw, code: 'BAD_SETTING' });
      return items.map((v, i) => item.parse(v, items.length > 1 ? `${label} item ${i + 1}` : label));
    },
  };
}

/** true/false: `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off` (or a JSON boolean). */
export function boolean(): Parser<boolean> {
  return {
    form: '1 or 0 (true/false, yes/no, on/off)',
    parse: (raw, label) => {
      if (typeof raw === 'boolean') return raw;
      const t = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim().toLowerCase() : '';
      if (['1', 'true', 'yes', 'on'].includes(t)) return true;
      if (['0', 'false', 'no', 'off'].includes(t)) return false;
      throw new InputError(label, 'must be 1 or 0 (true/false, yes/no, on/off)', { value: raw, code: 'BAD_SETTING' });
    },
  };
}

/** Text without control characters, at most `max` characters. */
export function plainText(max = 1000): Parser<string> {
  return { form: `text of at most ${max} characters`, parse: (raw, label) => text(asText(raw), label, { max }) };
}

/**
 * A secret (password, signing key): `min`–`max` characters without control characters. Its value
 * never appears in a message.
 */
export function secret(min = 1, max = 1000): Parser<string> {
  const form = min > 1 ? `${min}–${max} characters without control characters` : `at most ${max} characters without control characters`;
  return {
    form,
    parse: (raw, label) => {
      const value = asText(raw);
      if (typeof value !== 'string') throw new InputError(label, `must be ${form}`, { code: 'BAD_SETTING' });
      const length = [...value].length;
      if (length < min || length > max || forbiddenCharacter(value) !== undefined) throw new InputError(label, `must be ${form}`, { code: 'BAD_SETTING' });
      return value;
    },
  };
}

/** A percentage: at most 4 decimal places, 0 ≤ p < 100, as exact decimal text. */
export function percent(): Parser<string> {
  return { form: 'a percentage from 0 to 99.9999', parse: (raw, label) => percentPoints(raw, label) };
}

/** An IANA time zone name. */
export function timeZone(): Parser<string> {
  return {
    form: 'an IANA time zone like Asia/Almaty',
    parse: (raw, label) => {
      const tz = text(asText(raw), label, { max: 100 });
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
      } catch {
        throw new InputError(label, 'must be an IANA time zone like Asia/Almaty or Europe/Moscow', { value: raw, code: 'SCHEDULE_BAD_TIMEZONE' });
      }
      return tz;
    },
  };
}

/**
 * A cron expression (five fields, minute first; six with seconds first), `continuous` (a worker
 * loop) or `off`: a job's schedule, as text.
 */
export function cronSchedule(): Parser<string> {
  const form = 'a cron expression like */15 * * * * (five fields), continuous or off';
  return {
    form,
    parse: (raw, label) => {
      const value = text(asText(raw), label, { max: 200 }).trim();
      if (value === 'off' || value === 'continuous' || isValidCronSync(value, { allowSeconds: true })) return value;
      throw new InputError(label, `must be ${form}`, { value: raw, code: 'SCHEDULE_INVALID' });
    },
  };
}

/** A cron expression node-cron accepts with five fields (minute first); six (seconds first) when allowed. */
export function isValidCronSync(expression: string, options: { allowSeconds?: boolean } = {}): boolean {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && !(options.allowSeconds && fields.length === 6)) return false;
  // Loaded when a schedule is read, not with every command (node-cron ships a CommonJS build).
  const cron = createRequire(import.meta.url)('node-cron') as { validate(expression: string): boolean };
  return cron.validate(expression);
}

/** The OS user's name (`default` when the system has none for this process). */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'default';
  }
}

/** A table entry; `R` says whether it always has a value (it has a default). */
export type Defined<T, R extends boolean> = SettingSpec<T> & { readonly __type?: [T, R] };

function define<T>(spec: SettingSpec<T> & { default: T | ((config: Config) => T) }): Defined<T, true>;
function define<T>(spec: SettingSpec<T>): Defined<T, false>;
function define<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

const exportUnderHome = (config: Config): string => join(config.home, 'export');
const WB_HOSTS = ['common', 'statistics', 'feedbacks', 'content', 'analytics'] as const;

// --- the table ------------------------------------------------------------------------------------

export const SETTINGS = {
  'db.idle': define({
    env: 'MP_DB_IDLE',
    parser: durationIn(1000),
    default: 60_000,
    defaultText: '60s',
    help: 'how long the embedded database’s owner process stays up with no client',
  }),

  // Kaspi storefront (scrape, demper offer reads)
  'kaspi.baseUrl': define({
    env: 'MP_KASPI_URL',
    parser: httpUrl(),
    default: 'https://kaspi.kz',
    help: 'Kaspi storefront (product pages, offers and reviews APIs)',
  }),
  'kaspi.rate': define({
    env: 'MP_KASPI_RATE',
    flag: '--rate',
    parser: numberIn(0, 1000),
    default: 4,
    help: 'requests per second to the Kaspi storefront per exit IP (0 = unlimited); `--rate` on `mp kaspi scrape`',
  }),
  'kaspi.concurrency': define({
    env: 'MP_KASPI_CONCURRENCY',
    flag: '--concurrency',
    parser: integerIn(1, 64),
    default: 4,
    help: 'products scraped at once; `--concurrency` on `mp kaspi scrape`',
  }),
  'kaspi.exportDir': define({
    env: 'MP_KASPI_EXPORT_DIR',
    parser: plainText(4096),
    default: exportUnderHome,
    defaultText: '<home>/export',
    help: 'where the scheduled `kaspi.scrape` job writes `kaspi/<id>-<city>.json` and `kaspi/products.json` (`--export-dir` for the command, default `export`)',
  }),
  'kaspi.proxies': define({
    env: 'MP_KASPI_PROXIES',
    flag: '--proxy',
    parser: listOf(proxyUrl()),
    default: [] as string[],
    defaultText: '— (direct)',
    help: 'proxies for every read from the Kaspi storefront (scrape, demper offers, jobs, the daemon), comma-separated, used in turn; one that fails is benched and the request retried through the next; `--proxy` (repeatable) on the commands',
  }),
  'kaspi.reviewRate': define({
    env: 'MP_KASPI_REVIEW_RATE',
    flag: '--review-rate',
    parser: numberIn(0.0001, 1),
    default: 0.1,
    help: 'share of buyers who leave a review, for `mp kaspi insights` estimates',
  }),
  // Kaspi merchant side
  'kaspi.mcUrl': define({
    env: 'MP_KASPI_MC_URL',
    parser: httpUrl(),
    default: 'https://mc.shop.kaspi.kz',
    help: 'Kaspi merchant cabinet (offers, prices, preorders)',
  }),
  'kaspi.idmcUrl': define({ env: 'MP_KASPI_IDMC_URL', parser: httpUrl(), default: 'https://idmc.shop.kaspi.kz', help: 'Kaspi merchant cabinet sign-in' }),
  'kaspi.shopApiUrl': define({ env: 'MP_KASPI_SHOP_API_URL', parser: httpUrl(), default: 'https://kaspi.kz/shop/api/v2', help: 'Kaspi Shop API (orders)' }),
  'kaspi.feed.user': define({
    env: 'MP_KASPI_FEED_USER',
    parser: plainText(200),
    defaultText: '— (price lists not served)',
    help: 'user of the price lists `mp serve` publishes for Kaspi’s loader (HTTP basic auth; docs/kaspi-price-list.md)',
  }),
  'kaspi.feed.password': define({
    env: 'MP_KASPI_FEED_PASSWORD',
    parser: secret(12, 200),
    help: 'its password: 12–200 characters, never printed or logged; set both or neither',
  }),
  'kaspi.commission.default': define({
    env: 'MP_KASPI_COMMISSION_PCT',
    parser: percent(),
    defaultText: '`12.5` (shipped table)',
    help: 'Kaspi commission in percent for categories the table does not name; see [profit.md](profit.md)',
  }),

  // Repricer
  'demper.offersRate': define({
    env: 'MP_DEMPER_OFFERS_RATE',
    flag: '--rate',
    parser: numberIn(0, 1000),
    default: 8,
    help: 'offer reads per second while planning (0 = unlimited)',
  }),
  'demper.writeRate': define({
    env: 'MP_DEMPER_WRITE_RATE',
    flag: '--write-rate',
    parser: numberIn(0.01, 1.5),
    default: 1.5,
    defaultText: '`1.5` (the most allowed)',
    help: 'price changes per second sent to the cabinet',
  }),
  'demper.apply': define({
    env: 'MP_DEMPER_APPLY',
    parser: listOf(plainText(200)),
    default: [] as string[],
    defaultText: '— (plan only)',
    help: 'stores whose prices the scheduled `demper.run` changes: merchant ids or names, comma-separated, or `all`',
  }),
  'demper.exclude': define({
    env: 'MP_DEMPER_EXCLUDE',
    parser: listOf(plainText(200)),
    default: [] as string[],
    defaultText: '—',
    help: 'SKUs the scheduled `demper.run` leaves alone, comma-separated',
  }),
  'demper.via': define({
    env: 'MP_DEMPER_VIA',
    parser: oneOfWords(['api', 'xml'] as const),
    default: 'api' as const,
    help: 'how the scheduled `demper.run` changes prices: `api` or `xml` (price feed file)',
  }),
  'demper.exportDir': define({
    env: 'MP_DEMPER_EXPORT_DIR',
    parser: plainText(4096),
    default: exportUnderHome,
    defaultText: '<home>/export',
    help: 'where the scheduled `demper.run` writes its XML feed',
  }),
  'demper.minMargin': define({
    env: 'MP_DEMPER_MIN_MARGIN',
    flag: '--min-margin',
    parser: percent(),
    defaultText: '— (none)',
    help: 'store-wide minimum margin in percent for products without their own (`--min-margin` for plan/run/backtest); see [demper.md](demper.md)',
  }),

  // Wildberries
  'wb.url': define({ env: 'MP_WB_URL', parser: httpUrl(), help: 'replaces scheme and host of every Wildberries API host (tests, sandboxes)' }),
  ...(Object.fromEntries(
    WB_HOSTS.map((host) => [
      `wb.hosts.${host}`,
      define({ env: `MP_WB_${host.toUpperCase()}_URL`, parser: httpUrl(), defaultText: "WB's hosts", help: `the Wildberries \`${host}\` API host` }),
    ]),
  ) as Record<`wb.hosts.${(typeof WB_HOSTS)[number]}`, Defined<string, false>>),

  // Notifications
  'notify.telegramUrl': define({ env: 'MP_TELEGRAM_URL', parser: httpUrl(), default: 'https://api.telegram.org', help: 'Telegram Bot API' }),
  'notify.telegramRate': define({
    env: 'MP_TELEGRAM_RATE',
    parser: numberIn(0.01, 1000),
    default: 25,
    help: 'Telegram messages per second, all chats together',
  }),
  'notify.telegramChatIntervalMs': define({
    env: 'MP_TELEGRAM_CHAT_INTERVAL_MS',
    parser: numberIn(1, 3_600_000),
    default: 1112,
    help: 'least time between two messages to one chat, in ms (90% of Telegram’s ~1 per second)',
  }),
  'notify.webhookMaxAttempts': define({
    env: 'MP_NOTIFY_WEBHOOK_ATTEMPTS',
    parser: integerIn(1, 1000),
    default: 10,
    help: 'webhook attempts before a notification is given up',
  }),
  'notify.telegramMaxAttempts': define({
    env: 'MP_NOTIFY_TELEGRAM_ATTEMPTS',
    parser: integerIn(1, 1000),
    default: 8,
    help: 'Telegram attempts before a notification is given up',
  }),
  'notify.lease': define({
    env: 'MP_NOTIFY_LEASE',
    parser: durationIn(1000),
    default: 600_000,
    defaultText: '10m',
    help: 'how long a claimed notification stays with its worker before another may take it over',
  }),

  // Payouts
  'payouts.gateway': define({
    env: 'MP_PAYOUTS_GATEWAY',
    parser: oneOfWords(['simulated', 'http'] as const),
    default: 'simulated' as const,
    help: 'payout provider: `simulated` or `http`',
  }),
  'payouts.gatewayUrl': define({ env: 'MP_PAYOUTS_GATEWAY_URL', parser: httpUrl({ keepTrailingSlash: true }), help: 'the `http` provider’s URL' }),
  'payouts.gatewaySecret': define({ env: 'MP_PAYOUTS_GATEWAY_SECRET', parser: secret(1, 1000), help: 'the `http` provider’s signing secret' }),
  'payouts.gatewayTimeoutMs': define({
    env: 'MP_PAYOUTS_GATEWAY_TIMEOUT_MS',
    parser: integerIn(1, 600_000),
    default: 10_000,
    help: 'the `http` provider’s request timeout, in ms',
  }),
  'payouts.simulated.latencyMs': define({
    env: 'MP_PAYOUTS_SIM_LATENCY_MS',
    parser: numberIn(0, 600_000),
    default: 0,
    help: 'simulated provider: time per payout, in ms',
  }),
  'payouts.simulated.failureRate': define({
    env: 'MP_PAYOUTS_SIM_FAILURE_RATE',
    parser: numberIn(0, 1),
    default: 0,
    help: 'simulated provider: share of payouts refused (FAILED)',
  }),
  'payouts.simulated.transientRate': define({
    env: 'MP_PAYOUTS_SIM_TRANSIENT_RATE',
    parser: numberIn(0, 1),
    default: 0,
    help: 'simulated provider: share of attempts that fail and are retried',
  }),

  // mp serve
  'serve.allowedHosts': define({
    env: 'MP_SERVE_HOSTS',
    flag: '--allowed-host',
    parser: listOf(plainText(300)),
    default: [] as string[],
    defaultText: '— (loopback names and IP addresses only)',
    help: '`mp serve`: host names clients may put in the Host header, comma-separated (`*`: any); others get 421 (DNS rebinding)',
  }),
  'serve.allowedOrigins': define({
    env: 'MP_SERVE_ORIGINS',
    flag: '--allowed-origin',
    parser: listOf(plainText(300)),
    default: [] as string[],
    defaultText: '— (no browser origin)',
    help: '`mp serve`: browser origins allowed to call the API (CORS), comma-separated; others get 403',
  }),
  'serve.tlsProxy': define({
    env: 'MP_SERVE_TLS_PROXY',
    flag: '--tls-proxy',
    parser: boolean(),
    default: false,
    defaultText: '—',
    help: '`mp serve`: `1` when a TLS reverse proxy is in front (no clear-text warning for a public `--host`)',
  }),
  'serve.tokenRate': define({
    env: 'MP_SERVE_TOKEN_RATE',
    parser: integerIn(1, 1_000_000),
    default: 50,
    help: '`mp serve`: requests per second per API token without its own `--rate` (burst twice that)',
  }),
  'serve.maxConnections': define({
    env: 'MP_SERVE_MAX_CONNECTIONS',
    parser: integerIn(1, 100_000),
    default: 512,
    help: '`mp serve`: open connections at most; more are refused',
  }),
  'serve.requestTimeoutSeconds': define({
    env: 'MP_SERVE_REQUEST_TIMEOUT',
    parser: integerIn(1, 3600),
    default: 15,
    help: '`mp serve`: seconds a request (headers and body) may take to arrive; then 408',
  }),
  'serve.maxBodyBytes': define({
    env: 'MP_SERVE_MAX_BODY_BYTES',
    parser: integerIn(1024, 16_777_216),
    default: 65_536,
    help: '`mp serve`: largest request body; larger gets 413',
  }),

  // Who runs mp. Not from the config file: one file often serves every user of a host, and the
  // user is who runs the command, not a property of the site.
  user: define({
    env: 'MP_USER',
    config: null,
    parser: plainText(200),
    default: () => osUser(),
    defaultText: 'the OS user',
    help: 'whose WB cabinets, Kaspi stores, notification recipients and payouts a command sees and changes',
  }),

  // Export, schedule, daemon
  'export.dir': define({ env: 'MP_EXPORT_DIR', parser: plainText(4096), default: 'export', help: 'where `mp export` writes files without `--out`' }),
  'schedule.timezone': define({ env: 'MP_SCHEDULE_TZ', parser: timeZone(), defaultText: "the system's", help: 'time zone of cron schedules' }),
  // One per job; the default is the job's own (JobDefinition.defaultSchedule). In the config file
  // also flat: {"schedule": {"kaspi.scrape": "…"}} as well as {"schedule": {"kaspi": {"scrape": "…"}}}.
  'schedule.<job>': define({
    env: 'MP_SCHEDULE_<JOB>',
    parser: cronSchedule(),
    defaultText: "the job's own",
    help: 'a job’s schedule (`MP_SCHEDULE_KASPI_SCRAPE`, …): cron, `continuous` or `off`',
  }),
  'jobs.extra': define({
    env: 'MP_EXTRA_JOBS',
    parser: listOf(plainText(4096)),
    default: [] as string[],
    defaultText: '—',
    help: 'ES modules exporting `jobs` (site-specific jobs), comma-separated paths',
  }),
  'daemon.idle': define({
    env: 'MP_DAEMON_IDLE',
    flag: '--idle',
    // At least 100 ms: --idle 0 was a busy loop.
    parser: durationIn(100, 86_400_000),
    default: 10_000,
    defaultText: '10s',
    help: 'the daemon’s nap between idle runs of a `continuous` job (`--idle`)',
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
/** The patterned settings (`schedule.<job>`): read with `readNamedSetting`. */
export type PatternKey = Extract<SettingKey, `${string}<${string}>${string}`>;
/** The typed value of a setting (undefined possible only for settings without a default). */
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K] extends Defined<infer T, infer R> ? (R extends true ? T : T | undefined) : never;

// --- reading ------------------------------------------------------------------------------------

/** A flag’s raw value and its name, for `readSetting`. An undefined value (or empty list) means the flag was not given. */
export interface FlagValue {
  value: unknown;
  flag: string;
}

/** Where a setting’s value came from: the label an error names. */
export interface SettingSource {
  raw: unknown;
  label: string;
  from: 'flag' | 'env' | 'config';
}

function spec(key: SettingKey): SettingSpec<unknown> {
  const s = SETTINGS[key] as SettingSpec<unknown> | undefined;
  if (!s) throw new RangeError(`unknown setting ${key}`);
  return s;
}

/** The config file path of a setting, or undefined when the file cannot set it. */
export function configPath(key: SettingKey): string | undefined {
  const s = spec(key);
  return s.config === null ? undefined : (s.config ?? key);
}

/** A value of the config file at a dotted path (`kaspi.feed.user`), or undefined. */
export function configFileValue(config: Config, dotted: string): unknown {
  let cur: unknown = config.file;
  for (const part of dotted.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === null ? undefined : cur;
}

const PLACEHOLDER = /<(\w+)>/;

/** `kaspi.scrape` → `KASPI_SCRAPE`: a name as it stands in a patterned variable (`MP_SCHEDULE_<JOB>`). */
export function envNamePart(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** The variable that sets a patterned setting for `name`: `MP_SCHEDULE_KASPI_SCRAPE`. */
export function namedSettingEnv(key: PatternKey, name: string): string | undefined {
  return spec(key).env?.replace(PLACEHOLDER, envNamePart(name));
}

/** A config value at a patterned path for `name`: flat (`schedule["kaspi.scrape"]`) or nested (`schedule.kaspi.scrape`). */
function namedConfigValue(config: Config, path: string, name: string): { value: unknown; path: string } {
  const [prefix, suffix] = path.split(/<\w+>/) as [string, string];
  const at = `${prefix}${name}${suffix}`;
  const section = prefix ? configFileValue(config, prefix.replace(/\.$/, '')) : config.file;
  if (!suffix && section && typeof section === 'object' && !Array.isArray(section)) {
    const flat = (section as Record<string, unknown>)[name];
    if (flat !== undefined && flat !== null) return { value: flat, path: at };
  }
  return { value: configFileValue(config, at), path: at };
}

/**
 * The raw value of a setting and where it came from (flag, environment, config file), or undefined when
 * unset. `name` picks one member of a patterned setting (`schedule.<job>`).
 */
export function settingSource(config: Config, key: SettingKey, flag?: FlagValue, name?: string): SettingSource | undefined {
  const s = spec(key);
  const patterned = PLACEHOLDER.test(key);
  if (patterned !== (name !== undefined)) throw new RangeError(patterned ? `${key} is read with a name (readNamedSetting)` : `${key} takes no name`);
  if (flag && flag.value !== undefined && !(Array.isArray(flag.value) && flag.value.length === 0)) return { raw: flag.value, label: flag.flag, from: 'flag' };
  const env = name === undefined ? s.env : s.env?.replace(PLACEHOLDER, envNamePart(name));
  if (env) {
    const fromEnv = config.env[env];
    if (fromEnv !== undefined && fromEnv !== '') return { raw: fromEnv, label: env, from: 'env' };
  }
  const path = configPath(key);
  if (path) {
    const { value: fromFile, path: at } = name === undefined ? { value: configFileValue(config, path), path } : namedConfigValue(config, path, name);
    if (fromFile !== undefined) return { raw: fromFile, label: config.filePath ? `${at} in ${config.filePath}` : at, from: 'config' };
  }
  return undefined;
}

/**
 * The typed value of a setting: the flag (when given), else the environment variable, else the config
 * file, else the default. An invalid value is a usage error (exit 2) naming the flag, variable or config
 * key and the accepted form.
 */
export function readSetting<K extends Exclude<SettingKey, PatternKey>>(config: Config, key: K, flag?: FlagValue): SettingValue<K> {
  const s = spec(key);
  const source = settingSource(config, key, flag);
  if (source) {
    return s.parser.parse(source.raw, source.label) as SettingValue<K>;
  }
  const fallback = s.default;
  return (typeof fallback === 'function' ? (fallback as (c: Config) => unknown)(config) : fallback) as SettingValue<K>;
}

/**
 * One member of a patterned setting: `readNamedSetting(config, 'schedule.<job>', 'kaspi.scrape')` reads
 * MP_SCHEDULE_KASPI_SCRAPE, then `schedule.kaspi.scrape` in the config file; undefined when neither is
 * set (the caller knows the member's own default). An invalid value is a usage error naming its source.
 */
export function readNamedSetting<K extends PatternKey>(config: Config, key: K, name: string): SettingValue<K> | undefined {
  const source = settingSource(config, key, undefined, name);
  return source ? (spec(key).parser.parse(source.raw, source.label) as SettingValue<K>) : undefined;
}

/** The constant default of a setting (for code that needs it without a config, e.g. KASPI_DEFAULT_RATE). */
export function settingDefault<K extends SettingKey>(key: K): SettingValue<K> {
  const d = spec(key).default;
  if (typeof d === 'function') throw new RangeError(`the default of ${key} depends on the config`);
  return d as SettingValue<K>;
}

/** The default of a setting as help text prints it: `4`, `10m`, `<home>/export`. */
export function settingDefaultText(key: SettingKey): string | undefined {
  const s = spec(key);
  if (s.defaultText !== undefined) return s.defaultText.replace(/`/g, '');
  if (s.default === undefined || typeof s.default === 'function') return undefined;
  if (Array.isArray(s.default)) return s.default.length ? s.default.join(',') : undefined;
  return String(s.default);
}

/**
 * Help text of a flag that sets `key`: `what` plus the default and the variable from the table, e.g.
 * "requests per second (default 4; MP_KASPI_RATE)".
 */
export function flagHelp(key: SettingKey, what: string): string {
  const s = spec(key);
  const def = settingDefaultText(key);
  const parts = [def !== undefined && def !== '—' ? `default ${def}` : undefined, s.env].filter(Boolean);
  return parts.length ? `${what} (${parts.join('; ')})` : what;
}

/** Every entry of the table with its key (docs, tests, `mp doctor`). */
export function allSettings(): Array<{ key: SettingKey } & SettingSpec<unknown>> {
  return (Object.keys(SETTINGS) as SettingKey[]).map((key) => ({ key, ...(SETTINGS[key] as SettingSpec<unknown>) }));
}
