// Kaspi stores: who we reprice for, with the merchant-cabinet session and/or Shop API token sealed at
// rest. Secrets never leave this module in clear except to the HTTP calls that need them.
import type { Kysely } from 'kysely';
import type { Config } from '../../core/config.js';
import { OtherUsersObjectError, UsageError, UserError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { decryptSecret, encryptSecret } from '../../core/secrets.js';
import type { Database } from '../../db/schema.js';
import type { HttpClient } from '../../http/client.js';
import { resolveCity } from '../cities.js';
import { createMcClient, getMerchant, idmcBaseUrl, listMerchants, mcBaseUrl } from './mc-client.js';
import { type AskCode, type LoginMethod, loginToCabinet } from './mc-login.js';
import {
  attachStoreUser,
  deleteStore,
  detachStoreUser,
  findStore,
  findStoreAnyUser,
  listStores,
  recordSessionCheck,
  type StoreRow,
  storeUserNames,
  updateStoreCities,
  upsertStore,
} from './stores.repository.js';

export type { StoreRow } from './stores.repository.js';

export interface StoreView {
  merchant_id: string;
  name: string;
  city_id: string;
  session: string;
  token: string;
  session_valid: boolean | null;
  paused_until: Date | null;
  /** Enabled points of sale, e.g. `PP1 PP2`; empty when not known. */
  points: string;
  /** The store's cities (the first is its home city, city_id), e.g. `750000000 710000000`. */
  cities: string;
}

export function storeView(s: StoreRow): StoreView {
  return {
    merchant_id: s.merchant_id,
    name: s.name,
    city_id: s.city_id,
    session: s.session_encrypted ? 'stored' : '',
    token: s.token_encrypted ? 'stored' : '',
    session_valid: s.session_valid,
    paused_until: s.paused_until,
    points: (s.points ?? []).join(' '),
    cities: storeCities(s).join(' '),
  };
}

/** The cities a store sells and is priced in: its home city (city_id) first, then the others of its set (`store set --cities`). */
export function storeCities(s: Pick<StoreRow, 'cities' | 'city_id'>): string[] {
  return [s.city_id, ...(s.cities ?? []).filter((c) => c !== s.city_id)];
}

/** `almaty,astana` or `750000000 710000000` → city ids (names resolved, duplicates dropped, order kept). */
export function parseCities(text: string): string[] {
  const cities = [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .filter(Boolean)
        .map((c) => resolveCity(c)),
    ),
  ];
  if (cities.length === 0) throw new UsageError('STORE_BAD_CITIES', '--cities must list city ids or names, e.g. almaty,astana or 750000000,710000000');
  if (cities.length > 50) throw new UsageError('STORE_BAD_CITIES', `--cities lists ${cities.length} cities; at most 50`);
  return cities;
}

/**
 * Sets a store's cities: the repricer decides in each and the price list carries a cityprice per
 * city. The first becomes the home city (city_id: the cabinet's price, the preorder file).
 */
export async function setStoreCities(db: Kysely<Database>, ref: string, cities: string[], user?: string): Promise<StoreRow> {
  const store = await resolveStore(db, ref, user);
  return updateStoreCities(db, store.id, cities);
}

/** The command that renews a store's session (printed when it expired). */
export function renewCommand(s: Pick<StoreRow, 'merchant_id' | 'name' | 'login'>): string {
  if (s.login) return `mp demper store login ${s.login.includes('@') ? '--email' : '--phone'} ${s.login}`;
  return `mp demper store add --merchant-id ${s.merchant_id} --name ${JSON.stringify(s.name)} --session-stdin`;
}

export interface AddStoreInput {
  merchantId: string;
  name: string;
  cityId?: string;
  session?: string;
  token?: string;
  /** `PP1,PP2`: the store's enabled points of sale. */
  points?: string;
  /** MP_USER: the store becomes this user's (undefined: nobody's, for tools and tests). */
  user?: string;
}

/** Adds or updates a store; the session cookies and token are encrypted with the secret key. */
export async function addStore(db: Kysely<Database>, key: Buffer, input: AddStoreInput): Promise<StoreRow> {
  if (!/^[\w-]{1,64}$/.test(input.merchantId)) throw new UsageError('STORE_BAD_MERCHANT', `--merchant-id "${input.merchantId}" is not a Kaspi merchant id`);
  if (input.cityId !== undefined && !/^\d{6,12}$/.test(input.cityId))
    throw new UsageError('STORE_BAD_CITY', `--city must be a Kaspi city id like 750000000, got "${input.cityId}"`);
  const points = input.points === undefined ? undefined : parsePoints(input.points);
  const session = input.session?.trim();
  if (session !== undefined && !/mc-session=|mc-sid=|=/.test(session)) {
    throw new UsageError('STORE_BAD_SESSION', 'the session must be the cabinet cookies, e.g. `mc-session=…; mc-sid=…`');
  }
  if (input.user !== undefined && !session && !input.token?.trim()) {
    // A merchant id is public: joining another user's store takes its session or token.
    const mine = await findStore(db, input.merchantId, input.user);
    const any = mine ? undefined : await findStore(db, input.merchantId);
    if (any)
      throw new UserError('STORE_EXISTS', `store ${input.merchantId} was added by another user: add it with its session (--session-stdin) or Shop API token`);
  }
  const store = await upsertStore(db, {
    merchantId: input.merchantId,
    name: input.name,
    cityId: input.cityId,
    sessionEncrypted: session ? encryptSecret(session, key) : undefined,
    tokenEncrypted: input.token?.trim() ? encryptSecret(input.token.trim(), key) : undefined,
    points,
  });
  if (input.user !== undefined) await attachStoreUser(db, store.id, input.user);
  return store;
}

/** `PP1,PP2` (or spaces) → ['PP1', 'PP2']: each a point of sale as the cabinet numbers them. */
export function parsePoints(text: string): string[] {
  const points = [
    ...new Set(
      text
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((p) => p.toUpperCase()),
    ),
  ];
  const bad = points.filter((p) => !/^PP[1-9]\d{0,2}$/.test(p));
  if (points.length === 0 || bad.length > 0) {
    throw new UsageError('STORE_BAD_POINTS', `--points must list points of sale like PP1,PP2${bad.length ? `, got "${bad.join(', ')}"` : ''}`);
  }
  return points;
}

/**
 * Finds a store by merchant id or name; with no ref, the only store (error when there are several),
 * among those `user` may see (undefined: every store). Another user's store is "not found".
 */
export async function resolveStore(db: Kysely<Database>, ref: string | undefined, user?: string): Promise<StoreRow> {
  if (ref) return visibleStore(await findStoreAnyUser(db, ref, user), ref);
  const all = await listStores(db, user);
  if (all.length === 0) throw new UserError('STORE_NONE', 'no Kaspi store yet: add one with `mp demper store login` or `mp demper store add`');
  if (all.length > 1) throw new UsageError('STORE_AMBIGUOUS', `there are ${all.length} stores: choose one with --store <merchant-id|name>`);
  return all[0]!;
}

/**
 * The store `ref` named when the user may see it; STORE_NOT_FOUND when none matched, and for another
 * user's (an OtherUsersObjectError: "not found" on the command line, 403 over HTTP).
 */
export function visibleStore(found: { store: StoreRow; visible: boolean } | undefined, ref: string): StoreRow {
  const missing = `no store "${ref}": see \`mp demper store list\``;
  if (!found) throw new UserError('STORE_NOT_FOUND', missing);
  if (!found.visible) throw new OtherUsersObjectError('STORE_NOT_FOUND', missing, `store "${ref}" belongs to another user`);
  return found.store;
}

/**
 * The store ids a listing may show: the named store, else every store `user` may see (undefined:
 * no restriction, for tools and jobs).
 */
export async function storeIdsFor(db: Kysely<Database>, ref: string | undefined, user?: string): Promise<string[] | undefined> {
  if (ref) return [(await resolveStore(db, ref, user)).id];
  if (user === undefined) return undefined;
  return (await listStores(db, user)).map((s) => s.id);
}

/** Stores to work on: the named one, or all (of those `user` may see). */
export async function selectStores(db: Kysely<Database>, ref: string | undefined, user?: string): Promise<StoreRow[]> {
  if (ref) return [await resolveStore(db, ref, user)];
  return listStores(db, user);
}

/**
 * Removes a store for `user`: when other users share it, only `user` is detached; otherwise the
 * store goes with its products, decisions and preorders. Without a user: removed for everyone.
 */
export async function removeStore(db: Kysely<Database>, ref: string, user?: string): Promise<StoreRow & { detached?: boolean }> {
  const store = await resolveStore(db, ref, user);
  if (user !== undefined && (await storeUserNames(db, store.id)).some((n) => n !== user)) {
    await detachStoreUser(db, store.id, user);
    return { ...store, detached: true };
  }
  await deleteStore(db, store.id);
  return store;
}

/** The decrypted cookie header of a store, or an error saying how to add one. */
export function sessionCookie(store: StoreRow, key: Buffer): string {
  if (!store.session_encrypted) {
    throw new UserError('STORE_NO_SESSION', `store ${store.merchant_id} has no cabinet session: add one with \`${renewCommand(store)}\``);
  }
  return decryptSecret(store.session_encrypted, key);
}

export interface CheckResult {
  merchant_id: string;
  name: string;
  status: 'ok' | 'expired' | 'no-session' | 'other-merchant';
  detail: string;
}

/** Checks that the stored session still opens the cabinet for this merchant (`GET /s/m`). */
export async function checkStore(db: Kysely<Database>, key: Buffer, mc: HttpClient, store: StoreRow, now: Date): Promise<CheckResult> {
  const base = { merchant_id: store.merchant_id, name: store.name };
  if (!store.session_encrypted) {
    const detail = store.token_encrypted ? 'a Shop API token is stored but no cabinet session (repricing needs one)' : 'no cabinet session';
    return { ...base, status: 'no-session', detail: `${detail}: add one with \`${renewCommand(store)}\`` };
  }
  const merchants = await listMerchants(mc, sessionCookie(store, key));
  const valid = merchants !== 'expired' && merchants.includes(store.merchant_id);
  await recordSessionCheck(db, store.id, valid, now);
  if (merchants === 'expired') return { ...base, status: 'expired', detail: `session expired: renew it with \`${renewCommand(store)}\`` };
  if (!valid) return { ...base, status: 'other-merchant', detail: `the session opens ${merchants.join(', ') || 'no shop'}, not ${store.merchant_id}` };
  return { ...base, status: 'ok', detail: 'session valid' };
}

/** Signs in, finds the shops the login sees, and stores each with the (encrypted) session. */
export async function loginStores(
  db: Kysely<Database>,
  key: Buffer,
  clients: { idmc: HttpClient; mc: HttpClient; idmcBase: string; mcBase: string },
  method: LoginMethod,
  askCode: AskCode,
  options: { name?: string; cityId?: string; user?: string },
): Promise<StoreRow[]> {
  const cookie = await loginToCabinet(clients, method, askCode);
  const merchants = await listMerchants(clients.mc, cookie);
  if (merchants === 'expired' || merchants.length === 0) throw new UserError('KASPI_LOGIN_NO_SHOP', 'signed in, but the cabinet shows no shop for this login');
  const login = method.kind === 'phone' ? method.phone : method.email;
  const stores: StoreRow[] = [];
  for (const uid of merchants) {
    const info = await getMerchant(clients.mc, cookie, uid);
    const existing = await findStore(db, uid);
    const store = await upsertStore(db, {
      merchantId: uid,
      name: (merchants.length === 1 ? options.name : undefined) ?? existing?.name ?? info.name ?? uid,
      cityId: options.cityId ?? (existing ? undefined : info.cityId),
      sessionEncrypted: encryptSecret(cookie, key),
      login,
      points: info.points,
    });
    if (options.user !== undefined) await attachStoreUser(db, store.id, options.user);
    stores.push(store);
  }
  return stores;
}

/** What the cabinet-facing store functions need: the database, the secret key, config (base URLs) and a logger. */
export interface CabinetDeps {
  db: Kysely<Database>;
  secretKey: Buffer;
  config: Config;
  log: Logger;
}

/** `mp demper store login`: signs in to the configured cabinet (loginStores) and stores each shop. */
export async function loginStoresToCabinet(
  deps: CabinetDeps,
  method: LoginMethod,
  askCode: AskCode,
  options: { name?: string; cityId?: string; user?: string },
): Promise<StoreRow[]> {
  const mcBase = mcBaseUrl(deps.config);
  const idmcBase = idmcBaseUrl(deps.config);
  const mc = createMcClient(mcBase, deps.log);
  const idmc = createMcClient(idmcBase, deps.log);
  try {
    return await loginStores(deps.db, deps.secretKey, { mc, idmc, mcBase, idmcBase }, method, askCode, options);
  } finally {
    await Promise.all([mc.close(), idmc.close()]);
  }
}

/** `mp demper store check`: checks each store's session against the configured cabinet (checkStore). */
export async function checkStores(deps: CabinetDeps, stores: readonly StoreRow[], now: Date): Promise<CheckResult[]> {
  const mc = createMcClient(mcBaseUrl(deps.config), deps.log);
  const results: CheckResult[] = [];
  try {
    for (const store of stores) results.push(await checkStore(deps.db, deps.secretKey, mc, store, now));
  } finally {
    await mc.close();
  }
  return results;
}

/** The stores `user` may see (undefined: every store), by merchant id. */
export function storesOf(db: Kysely<Database>, user?: string): Promise<StoreRow[]> {
  return listStores(db, user);
}
