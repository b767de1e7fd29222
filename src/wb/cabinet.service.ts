// Cabinets: a WB token validated against every host mp uses, decoded locally, stored encrypted,
// shared by several users.
import type { Config } from '../core/config.js';
import { AuthError, OtherUsersObjectError, UserError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { decryptSecret, encryptSecret, maskSecret } from '../core/secrets.js';
import type { Clock } from '../core/time.js';
import {
  deleteCabinet,
  findCabinet,
  findCabinetByTokenHash,
  insertCabinet,
  listCabinets,
  nameTaken,
  updateCabinet,
  type WbCabinet,
} from './cabinet.repository.js';
import type { Db } from './recordset.js';
import { decodeWbToken, REQUIRED_CATEGORIES, type RequiredCategory, renewCommand, tokenHash } from './token.js';
import { attachUser, cabinetUserNames, detachUser, findOrCreateUser } from './user.repository.js';
import { HOST_CATEGORY, WbClient, type WbHost, wbHosts } from './wb-client.js';

export interface CabinetDeps {
  db: Db;
  config: Config;
  log: Logger;
  clock: Clock;
  secretKey: Buffer;
  /** The current user: MP_USER or the OS user name. */
  userName: string;
}

export interface TokenCheck {
  seller?: { name?: string; sid?: string; tradeMark?: string };
  expiresAt?: Date;
  categories: string[];
  /** Required categories the token lacks: the ones whose host answered /ping with 401 or 403. */
  missing: string[];
  warnings: string[];
}

const PING_HOSTS: readonly WbHost[] = ['statistics', 'feedbacks', 'content', 'analytics'];
const CATEGORY_HOST: Record<string, WbHost> = { statistics: 'statistics', feedbacks: 'feedbacks', content: 'content', analytics: 'analytics' };

/** Validates a token: local JWT decode, GET /ping on each host, GET /api/v1/seller-info. */
export async function checkToken(deps: Pick<CabinetDeps, 'config' | 'log' | 'clock'>, token: string, cabinet = 'new cabinet'): Promise<TokenCheck> {
  const info = decodeWbToken(token);
  const now = deps.clock.now();
  if (info.expiresAt && info.expiresAt <= now) {
    throw new AuthError(
      'WB_TOKEN_EXPIRED',
      `the Wildberries token expired on ${info.expiresAt.toISOString().slice(0, 10)}: create a new one in the seller cabinet (Settings → API access)`,
    );
  }
  const warnings: string[] = [];
  if (info.expiresAt && info.expiresAt.getTime() - now.getTime() < 14 * 86_400_000) {
    const days = Math.floor((info.expiresAt.getTime() - now.getTime()) / 86_400_000);
    warnings.push(`the token expires in ${days} day(s) (${info.expiresAt.toISOString().slice(0, 10)}): create a new one soon and run ${renewCommand(cabinet)}`);
  }
  const client = new WbClient({ hosts: wbHosts(deps.config), token, cabinet, log: deps.log, retries: 1 });
  // The hosts' /ping decides, not the `s` claim: WB documents its bits by "position" without saying
  // whether position 1 is 1<<0 or 1<<1 (and public decoders differ), while /ping checks that the
  // token's category matches the host. The decoded claim is shown as is.
  const missing = new Set<RequiredCategory>();
  try {
    const seller = (await client.request<{ name?: string; sid?: string; tradeMark?: string }>('common', { path: '/api/v1/seller-info' })).body;
    for (const host of PING_HOSTS) {
      try {
        await client.request(host, { path: '/ping' });
      } catch (error) {
        if ((error as UserError).code === 'WB_UNAUTHORIZED' || (error as UserError).code === 'WB_FORBIDDEN') missing.add(host as RequiredCategory);
        else throw error;
      }
    }
    for (const c of missing)
      warnings.push(`the token has no ${HOST_CATEGORY[CATEGORY_HOST[c]!]} access: ${syncWhat(c)} will fail until a token with it is added`);
    return { seller, expiresAt: info.expiresAt, categories: info.categories, missing: REQUIRED_CATEGORIES.filter((c) => missing.has(c)), warnings };
  } finally {
    await client.close();
  }
}

function syncWhat(category: string): string {
  return { statistics: 'orders and sales', feedbacks: 'reviews', content: 'cards', analytics: 'stocks' }[category] ?? category;
}

export interface AddResult {
  cabinet: WbCabinet;
  created: boolean;
  attached: boolean;
  check?: TokenCheck;
}

/** Adds a cabinet, or attaches the current user to the cabinet that already has this token. */
export async function addCabinet(deps: CabinetDeps, token: string, name?: string): Promise<AddResult> {
  const clean = token.trim();
  if (!clean) throw new UserError('WB_TOKEN_EMPTY', 'no Wildberries token given: pipe it to `mp wb cabinet add --token-stdin` or set WB_TOKEN');
  decodeWbToken(clean);
  const user = await findOrCreateUser(deps.db, deps.userName);
  const existing = await findCabinetByTokenHash(deps.db, tokenHash(clean));
  if (existing) {
    const attached = await attachUser(deps.db, existing.id, user.id);
    return { cabinet: existing, created: false, attached };
  }
  const check = await checkToken(deps, clean, name ?? 'new cabinet');
  let finalName = name ?? check.seller?.tradeMark ?? check.seller?.name ?? 'wb';
  if (name && (await nameTaken(deps.db, name))) throw new UserError('WB_CABINET_EXISTS', `a cabinet named "${name}" exists already: choose another --name`);
  for (let n = 2; !name && (await nameTaken(deps.db, finalName)); n++) finalName = `${check.seller?.tradeMark ?? check.seller?.name ?? 'wb'} ${n}`;
  const cabinet = await deps.db.transaction().execute(async (trx) => {
    const row = await insertCabinet(trx, {
      name: finalName,
      token_sealed: encryptSecret(clean, deps.secretKey),
      token_hash: tokenHash(clean),
      token_last4: clean.slice(-4),
      token_expires_at: check.expiresAt ?? null,
      token_categories: check.categories,
      seller_name: check.seller?.name ?? null,
      seller_sid: check.seller?.sid ?? null,
      trade_mark: check.seller?.tradeMark ?? null,
      status_detail: check.missing.length ? `missing: ${check.missing.join(', ')}` : null,
    });
    await attachUser(trx, row.id, user.id);
    return row;
  });
  return { cabinet, created: true, attached: true, check };
}

export interface ReplaceResult {
  cabinet: WbCabinet;
  check: TokenCheck;
  /** Categories the old token had that the new one lacks. */
  lost: string[];
}

/**
 * Replaces a cabinet's token in place (`mp wb cabinet token`): the new token is checked like `add`
 * (expiry, every host's /ping, seller-info) and must belong to the same seller; the cabinet keeps its
 * id, so its orders, sales, reviews, cursors, recipients and events stay. Its status is active again.
 */
export async function replaceCabinetToken(deps: CabinetDeps, ref: string, token: string): Promise<ReplaceResult> {
  const clean = token.trim();
  if (!clean) throw new UserError('WB_TOKEN_EMPTY', `no Wildberries token given: pipe it to \`mp wb cabinet token "${ref}" --token-stdin\` or set WB_TOKEN`);
  const info = decodeWbToken(clean);
  const [cabinet] = await cabinetsFor(deps.db, ref, deps.userName);
  const other = await findCabinetByTokenHash(deps.db, tokenHash(clean));
  if (other && other.id !== cabinet!.id)
    throw new UserError(
      'WB_TOKEN_IN_USE',
      `this token belongs to cabinet "${other.name}" (id ${other.id}) already: give cabinet "${cabinet!.name}" a token of its own`,
    );
  const check = await checkToken(deps, clean, cabinet!.name);
  const sellerSid = check.seller?.sid ?? info.sellerId;
  if (cabinet!.seller_sid && sellerSid && sellerSid !== cabinet!.seller_sid)
    throw new UserError(
      'WB_TOKEN_OTHER_SELLER',
      `this token belongs to another seller (${check.seller?.name ?? sellerSid}), not to cabinet "${cabinet!.name}" (${cabinet!.seller_name ?? cabinet!.seller_sid}): add it as a cabinet of its own with \`mp wb cabinet add\``,
    );
  const lost = cabinet!.token_categories.filter((c) => !check.categories.includes(c));
  await updateCabinet(deps.db, cabinet!.id, {
    token_sealed: encryptSecret(clean, deps.secretKey),
    token_hash: tokenHash(clean),
    token_last4: clean.slice(-4),
    token_expires_at: check.expiresAt ?? null,
    token_categories: check.categories,
    seller_name: check.seller?.name ?? cabinet!.seller_name,
    seller_sid: check.seller?.sid ?? cabinet!.seller_sid,
    trade_mark: check.seller?.tradeMark ?? cabinet!.trade_mark,
    status: cabinet!.status === 'disabled' ? 'disabled' : 'active',
    status_detail: check.missing.length ? `missing: ${check.missing.join(', ')}` : null,
  });
  const updated = (await findCabinet(deps.db, cabinet!.id))!;
  return { cabinet: updated, check, lost };
}

/**
 * The cabinets a command works on: the one named, or all, among those `user` may see (undefined:
 * every cabinet, for jobs and the daemon); an error when there are none. Another user's cabinet
 * is "not found" (OtherUsersObjectError: 403 in the REST API).
 */
export async function cabinetsFor(db: Db, ref?: string, user?: string): Promise<WbCabinet[]> {
  if (ref) {
    const one = await findCabinet(db, ref, user);
    if (!one) {
      const missing = `no Wildberries cabinet "${ref}": see \`mp wb cabinet list\``;
      if (user !== undefined && (await findCabinet(db, ref)))
        throw new OtherUsersObjectError('WB_CABINET_NOT_FOUND', missing, `Wildberries cabinet "${ref}" belongs to another user`);
      throw new UserError('WB_CABINET_NOT_FOUND', missing);
    }
    return [one];
  }
  const all = (await listCabinets(db, user)).filter((c) => c.status !== 'disabled');
  if (all.length === 0) throw new UserError('WB_NO_CABINET', 'No Wildberries cabinet. Add one with `mp wb cabinet add`.');
  return all;
}

/** One cabinet for a report: the one named, or the only one (of those `user` may see). */
export async function cabinetFor(db: Db, ref?: string, user?: string): Promise<WbCabinet> {
  const cabinets = await cabinetsFor(db, ref, user);
  if (cabinets.length > 1)
    throw new UserError('WB_CABINET_AMBIGUOUS', `there are ${cabinets.length} Wildberries cabinets: choose one with --cabinet <id|name>`);
  return cabinets[0]!;
}

export function openCabinetToken(cabinet: WbCabinet, key: Buffer): string {
  return decryptSecret(cabinet.token_sealed, key);
}

/** Cabinets for `mp wb cabinet list` (those `user` may see): the token masked, never decrypted. */
export async function listCabinetRows(db: Db, user?: string) {
  const rows = await listCabinets(db, user);
  return Promise.all(
    rows.map(async (c) => ({
      id: c.id,
      name: c.name,
      token: maskSecret(`xxxx${c.token_last4}`),
      seller: c.seller_name,
      tradeMark: c.trade_mark,
      expires: c.token_expires_at,
      categories: c.token_categories,
      lastSync: c.last_sync_at,
      status: c.status,
      statusDetail: c.status_detail,
      users: await cabinetUserNames(db, c.id),
    })),
  );
}

/**
 * Removes a cabinet for `user`: when other users share it, only `user` is detached (their data
 * stays); otherwise the cabinet goes with its synced data. Without a user: removed for everyone.
 */
export async function removeCabinet(db: Db, ref: string, user?: string): Promise<WbCabinet & { detached?: boolean }> {
  const [cabinet] = await cabinetsFor(db, ref, user);
  if (user !== undefined) {
    const others = (await cabinetUserNames(db, cabinet!.id)).filter((n) => n !== user);
    if (others.length > 0) {
      await detachUser(db, cabinet!.id, user);
      return { ...cabinet!, detached: true };
    }
  }
  await deleteCabinet(db, cabinet!.id);
  return cabinet!;
}

/** Re-validates a stored token and records the outcome in the cabinet's status. */
export async function checkCabinet(
  deps: Omit<CabinetDeps, 'userName'> & { userName?: string },
  ref?: string,
): Promise<{ cabinet: WbCabinet; check?: TokenCheck; error?: UserError }[]> {
  const out = [];
  for (const cabinet of await cabinetsFor(deps.db, ref, deps.userName)) {
    try {
      const check = await checkToken(deps, openCabinetToken(cabinet, deps.secretKey), cabinet.name);
      await updateCabinet(deps.db, cabinet.id, {
        status: 'active',
        status_detail: check.missing.length ? `missing: ${check.missing.join(', ')}` : null,
        token_expires_at: check.expiresAt ?? null,
      });
      out.push({ cabinet, check });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      if (error.code === 'WB_UNAUTHORIZED' || error.code === 'WB_TOKEN_EXPIRED')
        await updateCabinet(deps.db, cabinet.id, { status: 'unauthorized', status_detail: error.message });
      out.push({ cabinet, error });
    }
  }
  return out;
}
