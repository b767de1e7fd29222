// `mp doctor`: one command that checks an installation, the way `fly doctor` does. Every check is
// local (no marketplace is called): the database and its migrations, the secret key (and that it
// opens what is stored), each WB token's expiry and categories, each Kaspi store's cabinet session
// and Shop API token, the Telegram bot token, the proxy list, and the clock against the database's.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../core/config.js';
import { errorMessage } from '../core/errors.js';
import { decryptSecret, loadSecretKey } from '../core/secrets.js';
import { readSetting } from '../core/settings.js';
import { InputError } from '../core/validate.js';
import type { DbHandle } from '../db/connect.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Check {
  /** What was checked: `database`, `wb token "Shop"`… */
  check: string;
  status: CheckStatus;
  detail: string;
  /** For warn/fail: what to do. */
  action?: string;
  /** A failure that a new token or session fixes (exit 4 when every failure is one). */
  auth?: boolean;
}

export interface DoctorDeps {
  config: Config;
  env: NodeJS.ProcessEnv;
  now: Date;
  /** Opens the database (and migrates it, as every command does). */
  db(): Promise<DbHandle>;
}

const DAY = 86_400_000;
/** A clock further off than this from the database's breaks rate-limit windows and sync cursors. */
const MAX_SKEW_MS = 60_000;

/** Runs every check; later checks that need the database or the key are skipped when those fail. */
export async function runDoctor(deps: DoctorDeps): Promise<Check[]> {
  const checks: Check[] = [];
  let handle: DbHandle | undefined;
  try {
    handle = await deps.db();
    const { migrationStatus } = await import('../db/migrate.js');
    const status = await migrationStatus(handle.db);
    checks.push(
      status.pending.length
        ? {
            check: 'database',
            status: 'fail',
            detail: `${handle.engine} at ${handle.location}: ${status.pending.length} migration(s) pending`,
            action: 'run `mp db migrate`',
          }
        : { check: 'database', status: 'ok', detail: `${handle.engine} at ${handle.location}, ${status.applied.length} migrations applied` },
    );
  } catch (error) {
    checks.push({ check: 'database', status: 'fail', detail: errorMessage(error), action: 'check DATABASE_URL / --db, or MP_HOME for the embedded database' });
    return [...checks, ...['secret key', 'wb tokens', 'kaspi stores', 'telegram', 'clock'].map((check) => skipped(check, 'no database'))];
  }

  let key: Buffer | undefined;
  const keyFile = join(deps.config.home, 'secret.key');
  if (!deps.env.MP_SECRET_KEY && !existsSync(keyFile)) {
    checks.push({ check: 'secret key', status: 'ok', detail: `none yet: created in ${keyFile} (mode 0600) when the first token is stored` });
  } else {
    try {
      key = loadSecretKey(deps.config.home, deps.env);
      checks.push({ check: 'secret key', status: 'ok', detail: deps.env.MP_SECRET_KEY ? 'MP_SECRET_KEY' : keyFile });
    } catch (error) {
      checks.push({ check: 'secret key', status: 'fail', detail: errorMessage(error), action: 'restore the key the secrets were stored with' });
    }
  }

  const open = (sealed: string | null, what: string): string | undefined => {
    if (!sealed || !key) return undefined;
    try {
      return decryptSecret(sealed, key);
    } catch {
      checks.push({
        check: what,
        status: 'fail',
        detail: 'stored encrypted with another secret key',
        action: 'restore the secret key it was stored with, or store it again',
        auth: true,
      });
      return undefined;
    }
  };

  // WB tokens: expiry and categories from the token itself (decoded locally).
  const { decodeWbToken, REQUIRED_CATEGORIES, renewCommand } = await import('../wb/token.js');
  const cabinets = await handle.db
    .selectFrom('wb_cabinets')
    .select(['id', 'name', 'token_sealed', 'token_expires_at', 'status', 'status_detail'])
    .orderBy('id')
    .execute();
  if (cabinets.length === 0) checks.push(skipped('wb tokens', 'no Wildberries cabinet (`mp wb cabinet add`)'));
  for (const c of cabinets) {
    const what = `wb token "${c.name}"`;
    const token = open(c.token_sealed, what);
    if (token === undefined) {
      if (!key) checks.push(skipped(what, 'no secret key'));
      continue;
    }
    let info: ReturnType<typeof decodeWbToken>;
    try {
      info = decodeWbToken(token);
    } catch (error) {
      checks.push({ check: what, status: 'fail', detail: errorMessage(error), action: `give it a new token with ${renewCommand(c.name)}`, auth: true });
      continue;
    }
    const expires = info.expiresAt ?? c.token_expires_at ?? undefined;
    const missing = REQUIRED_CATEGORIES.filter((r) => !info.categories.includes(r));
    const categories = `categories ${info.categories.join(', ') || 'none'}`;
    if (expires && expires.getTime() <= deps.now.getTime()) {
      checks.push({
        check: what,
        status: 'fail',
        detail: `expired on ${expires.toISOString().slice(0, 10)}`,
        action: `create a new token in the seller cabinet (Settings → API access) and run ${renewCommand(c.name)}`,
        auth: true,
      });
    } else if (c.status === 'unauthorized') {
      checks.push({
        check: what,
        status: 'fail',
        detail: `Wildberries refused it at the last sync${c.status_detail ? `: ${c.status_detail}` : ''}`,
        action: `create a new token and run ${renewCommand(c.name)}`,
        auth: true,
      });
    } else if (expires && expires.getTime() - deps.now.getTime() < 14 * DAY) {
      const days = Math.floor((expires.getTime() - deps.now.getTime()) / DAY);
      checks.push({
        check: what,
        status: 'warn',
        detail: `expires in ${days} day(s) (${expires.toISOString().slice(0, 10)}); ${categories}`,
        action: `create a new token soon and run ${renewCommand(c.name)}`,
      });
    } else if (missing.length) {
      checks.push({
        check: what,
        status: 'warn',
        detail: `the token does not claim ${missing.join(', ')} (${categories})`,
        action: `streams needing ${missing.join(', ')} fail: create a token with those categories`,
      });
    } else checks.push({ check: what, status: 'ok', detail: `${expires ? `expires ${expires.toISOString().slice(0, 10)}; ` : ''}${categories}` });
  }

  // Kaspi stores: the cabinet session (as last checked) and the Shop API token.
  const stores = await handle.db
    .selectFrom('kaspi_stores')
    .select(['merchant_id', 'name', 'session_encrypted', 'token_encrypted', 'session_valid', 'session_checked_at', 'paused_until'])
    .orderBy('merchant_id')
    .execute();
  if (stores.length === 0) checks.push(skipped('kaspi stores', 'no Kaspi store (`mp demper store login` or `mp demper store add`)'));
  for (const s of stores) {
    const what = `kaspi store ${s.merchant_id}`;
    const session = open(s.session_encrypted, `${what} session`);
    const token = open(s.token_encrypted, `${what} token`);
    const parts: string[] = [];
    if (!s.session_encrypted) parts.push('no cabinet session (repricing and preorders need one)');
    else if (session !== undefined) parts.push(s.session_valid === false ? 'cabinet session expired at the last check' : 'cabinet session stored');
    if (!s.token_encrypted) parts.push('no Shop API token (orders need one)');
    else if (token !== undefined) parts.push('Shop API token stored');
    if (s.paused_until && s.paused_until > deps.now) parts.push(`price writes paused until ${s.paused_until.toISOString()}`);
    if (s.session_valid === false) {
      checks.push({
        check: what,
        status: 'fail',
        detail: parts.join('; '),
        action: `renew the session with \`mp demper store login\` (or \`mp demper store add --merchant-id ${s.merchant_id} --session-stdin\`)`,
        auth: true,
      });
    } else if (!s.session_encrypted || !s.token_encrypted || (s.paused_until && s.paused_until > deps.now)) {
      checks.push({ check: what, status: 'warn', detail: parts.join('; ') });
    } else checks.push({ check: what, status: 'ok', detail: parts.join('; ') });
  }

  // The Telegram bot token: from the environment, or stored by `mp wb bot setup`.
  if (deps.env.MP_TELEGRAM_BOT_TOKEN) {
    const { checkBotTokenFormat } = await import('../notify/telegram/bot-token.js');
    try {
      checkBotTokenFormat(deps.env.MP_TELEGRAM_BOT_TOKEN);
      checks.push({ check: 'telegram', status: 'ok', detail: 'bot token from MP_TELEGRAM_BOT_TOKEN' });
    } catch (error) {
      checks.push({
        check: 'telegram',
        status: 'fail',
        detail: errorMessage(error),
        action: 'set MP_TELEGRAM_BOT_TOKEN to the token @BotFather gave',
        auth: true,
      });
    }
  } else {
    const stored = await handle.db.selectFrom('notify_bot_tokens').select('token_sealed').where('token_sealed', 'is not', null).executeTakeFirst();
    if (!stored) checks.push(skipped('telegram', 'no bot token (`mp wb bot setup` or MP_TELEGRAM_BOT_TOKEN): notifications go to webhooks only'));
    else if (open(stored.token_sealed, 'telegram') !== undefined)
      checks.push({ check: 'telegram', status: 'ok', detail: 'bot token stored by `mp wb bot setup`' });
  }

  // Proxies: every configured URL must parse (credentials are never printed).
  checks.push(proxyCheck(deps.config));

  // Clock: this machine against the database server (the embedded one shares this clock).
  if (handle.engine === 'postgres') {
    const { rows } = await sql<{ now: Date }>`select now() as now`.execute(handle.db);
    const skew = Date.now() - new Date(rows[0]!.now).getTime();
    checks.push(
      Math.abs(skew) > MAX_SKEW_MS
        ? {
            check: 'clock',
            status: 'fail',
            detail: `this machine's clock is ${Math.round(skew / 1000)} s off the database server's`,
            action: 'sync the clocks (NTP: timedatectl set-ntp true)',
          }
        : { check: 'clock', status: 'ok', detail: `within ${Math.max(1, Math.round(Math.abs(skew)))} ms of the database server` },
    );
  } else checks.push({ check: 'clock', status: 'ok', detail: 'the embedded database shares this clock' });
  return checks;
}

function skipped(check: string, detail: string): Check {
  return { check, status: 'skip', detail };
}

/**
 * The proxy list, read exactly as `--proxy` / MP_KASPI_PROXIES / `kaspi.proxies` are read by the
 * commands and jobs that use it (the settings table's parser): what doctor passes, a scrape accepts.
 * The detail names the variable or config key and the item, never a URL (they carry passwords).
 */
function proxyCheck(config: Config): Check {
  let proxies: string[];
  try {
    proxies = readSetting(config, 'kaspi.proxies');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return {
      check: 'proxies',
      status: 'fail',
      detail: `${error.field} ${error.reason}`,
      action: 'use http://user:password@host:port (comma-separated)',
    };
  }
  if (proxies.length === 0) return skipped('proxies', 'none configured (requests go out directly)');
  return { check: 'proxies', status: 'ok', detail: `${proxies.length} proxy URL(s)` };
}
