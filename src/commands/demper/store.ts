// `mp demper store login|add|list|remove|check`.
import type { Context } from '../../core/context.js';
import { PartialFailure, UsageError } from '../../core/errors.js';
import { operationDeps } from '../../core/operation-deps.js';
import { currentUser } from '../../core/user.js';
import { storesWithFetches } from '../../demper/price-list-status.service.js';
import { resolveCity } from '../../kaspi/cities.js';
import type { LoginMethod } from '../../kaspi/merchant/mc-login.js';
import {
  addStore,
  type CheckResult,
  checkStores,
  loginStoresToCabinet,
  parseCities,
  removeStore,
  type StoreRow,
  selectStores,
  setStoreCities,
  storeView,
} from '../../kaspi/merchant/stores.service.js';
import { ask, readSecret } from './options.js';

interface LoginOptions {
  phone?: string;
  email?: string;
  name?: string;
  city?: string;
  codeStdin?: boolean;
}

export async function storeLogin(ctx: Context, o: LoginOptions): Promise<void> {
  if (o.phone && o.email) throw new UsageError('BAD_OPTION', 'use either --phone or --email');
  let method: LoginMethod;
  if (o.email) {
    const password = ctx.config.env.MP_KASPI_PASSWORD || (await readSecret(ctx, false, 'Kaspi cabinet password', 'MP_KASPI_PASSWORD'));
    method = { kind: 'email', email: o.email, password };
  } else {
    const phone = o.phone ?? (await ask(ctx, 'Phone number (+7 7XX XXX XX XX)', 'give --phone or --email'));
    method = { kind: 'phone', phone };
  }
  const askCode = async (what: string) => {
    if (o.codeStdin) return readSecret(ctx, true, what, '--code-stdin');
    return ask(ctx, `Enter ${what}`, 'pipe the code with --code-stdin');
  };
  const cityId = o.city === undefined ? undefined : resolveCity(o.city);
  const stores = await loginStoresToCabinet(await operationDeps(ctx), method, askCode, { name: o.name, cityId, user: currentUser(ctx.config) });
  ctx.out.list(stores.map(storeView), storeColumns);
  ctx.log.info(
    `Signed in: ${stores.length} store(s) saved with the session (encrypted). Next: \`mp demper products import --store ${stores[0]!.merchant_id}\``,
  );
}

interface AddOptions {
  merchantId?: string;
  name?: string;
  city?: string;
  sessionStdin?: boolean;
  tokenStdin?: boolean;
  session?: boolean;
  token?: boolean;
  points?: string;
}

export async function storeAdd(ctx: Context, o: AddOptions): Promise<void> {
  if (!o.merchantId || !o.name) throw new UsageError('BAD_OPTION', 'give --merchant-id <id> and --name <name>');
  if (o.sessionStdin && o.tokenStdin) throw new UsageError('BAD_OPTION', 'stdin can carry either the session or the token, not both; run add twice');
  let session: string | undefined;
  let token: string | undefined;
  if (o.sessionStdin || o.session) session = await readSecret(ctx, o.sessionStdin, 'Cabinet cookies (mc-session=…; mc-sid=…)', '--session-stdin');
  if (o.tokenStdin || o.token) token = await readSecret(ctx, o.tokenStdin, 'Kaspi Shop API token', '--token-stdin');
  if (!session && !token && ctx.interactive) {
    // On a terminal with neither flag: hidden prompts (Enter skips one).
    session = (await readSecret(ctx, false, 'Cabinet cookies mc-session=…; mc-sid=… (Enter to skip)', '--session-stdin', true)) || undefined;
    if (!session) token = (await readSecret(ctx, false, 'Kaspi Shop API token (Enter to skip)', '--token-stdin', true)) || undefined;
  }
  const city = o.city === undefined ? undefined : resolveCity(o.city);
  const { db } = await ctx.db();
  const store = await addStore(db, await ctx.secretKey(), {
    merchantId: o.merchantId,
    name: o.name,
    cityId: city,
    session,
    token,
    points: o.points,
    user: currentUser(ctx.config),
  });
  ctx.out.object({ ...storeView(store) });
  if (!session && !token && !store.session_encrypted) ctx.log.warn('No session stored: repricing needs one (`--session-stdin` or `mp demper store login`).');
}

export async function storeList(ctx: Context): Promise<void> {
  const { db } = await ctx.db();
  const rows = await storesWithFetches(db, currentUser(ctx.config));
  const stores = rows.map(({ store: s, fetch: f }) => {
    // When Kaspi's loader last got the price list (`mp serve`), and the status of the last attempt.
    return { ...storeView(s), fetched: f?.fetched_at ?? null, last_fetch_status: f?.last_status ?? null };
  });
  const now = ctx.clock.now();
  ctx.out.list(stores, [
    ...storeColumns,
    // When Kaspi's loader last got the price list from `mp serve` (ISO time in --json), and a failed last attempt's status.
    { key: 'fetched', header: 'kaspi fetched', priority: 3, get: (r: (typeof stores)[number]) => fetchedCell(r.fetched, r.last_fetch_status, now) },
  ]);
  if (stores.length === 0 && !ctx.out.json) ctx.log.info('No stores yet: add one with `mp demper store login` or `mp demper store add`.');
}

/** `mp demper store set <store> --cities almaty,astana`. */
export async function storeSet(ctx: Context, ref: string, o: { cities?: string }): Promise<void> {
  if (o.cities === undefined) throw new UsageError('BAD_OPTION', 'nothing to set: give --cities <id|name,…>');
  const cities = parseCities(o.cities);
  const { db } = await ctx.db();
  const store: StoreRow = await setStoreCities(db, ref, cities, currentUser(ctx.config));
  ctx.out.object({ ...storeView(store) });
  if (cities.length > 1 && !ctx.out.json) {
    ctx.log.info(`${store.merchant_id} is priced in ${cities.length} cities: plans decide per city and the price list carries a cityprice for each.`);
  }
}

export async function storeRemove(ctx: Context, ref: string): Promise<void> {
  const { db } = await ctx.db();
  const user = currentUser(ctx.config);
  const store = await removeStore(db, ref, user);
  if (store.detached) ctx.log.info(`Store ${store.merchant_id} (${store.name}) is shared: user "${user}" is detached from it, its data stays for the others.`);
  else ctx.log.info(`Removed store ${store.merchant_id} (${store.name}) with its products, decisions and preorders.`);
}

export async function storeCheck(ctx: Context, o: { store?: string }): Promise<void> {
  const deps = await operationDeps(ctx);
  const stores = await selectStores(deps.db, o.store, currentUser(ctx.config));
  const results: CheckResult[] = await checkStores(deps, stores, ctx.clock.now());
  ctx.out.list(results, [{ key: 'merchant_id' }, { key: 'name' }, { key: 'status' }, { key: 'detail', shrink: true }]);
  for (const r of results) if (r.status !== 'ok' && !ctx.out.json) ctx.log.warn(`${r.merchant_id}: ${r.detail}`);
  const bad = results.filter((r) => r.status !== 'ok').length;
  if (bad > 0)
    throw new PartialFailure('KASPI_STORE_CHECK_FAILED', `${bad} of ${results.length} store(s) failed the check: the detail column says what to renew`);
}

const storeColumns = [
  { key: 'merchant_id', header: 'merchant' },
  { key: 'name' },
  { key: 'city_id', header: 'city' },
  { key: 'session' },
  { key: 'token' },
  { key: 'session_valid', header: 'valid' },
  { key: 'paused_until', header: 'paused until' },
  { key: 'cities', optional: true },
  { key: 'points', optional: true },
];

/** `5m ago`, `3h ago`, `never`; `(503)` after it when the last attempt did not get the list. */
export function fetchedCell(at: Date | null, lastStatus: number | null, now: Date): string {
  const failed = lastStatus !== null && lastStatus !== 200 && lastStatus !== 304 ? ` (${lastStatus})` : '';
  if (!at) return lastStatus === null ? 'never' : `never${failed}`;
  const s = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  const age = s < 90 ? `${s}s` : s < 5400 ? `${Math.round(s / 60)}m` : s < 172_800 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86_400)}d`;
  return `${age} ago${failed}`;
}
