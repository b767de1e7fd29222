// API tokens of `mp serve`: made from 32 random bytes, shown once, stored as a SHA-256 hash (a token
// has 256 bits of entropy, so a fast hash is enough: nothing to brute-force). A token acts for the mp
// user who created it, within its scopes: `read` (GET under /api/v1 and /metrics), `write` (changes
// under /api/v1; includes read), `payouts` (everything under /api/payouts).
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { UserError } from '../core/errors.js';
import { InputError, integer, text } from '../core/validate.js';
import type { Database } from '../db/schema.js';
import { findOrCreateUser } from '../wb/user.repository.js';
import {
  type ApiTokenOwner,
  type ApiTokenRow,
  findLiveToken,
  insertApiToken,
  listUserTokens,
  liveNameTaken,
  revokeUserToken,
} from './api-tokens.repository.js';

export const SCOPES = ['read', 'write', 'payouts'] as const;
export type Scope = (typeof SCOPES)[number];

const PREFIX = 'mpt_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The scopes given (repeatable or comma-separated), checked; `read` when none. */
export function parseScopes(raw: readonly string[] | undefined): Scope[] {
  const words = (raw ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (words.length === 0) return ['read'];
  const bad = words.filter((w) => !SCOPES.includes(w as Scope));
  if (bad.length) throw new InputError('--scope', `must be ${SCOPES.join(', ')}`, { code: 'API_TOKEN_BAD_SCOPE', value: bad.join(',') });
  return SCOPES.filter((s) => words.includes(s));
}

/** Whether a token's scopes allow what a route needs (`write` includes `read`). */
export function allows(scopes: readonly string[], needed: Scope): boolean {
  return scopes.includes(needed) || (needed === 'read' && scopes.includes('write'));
}

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  ratePerSecond: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function tokenView(row: ApiTokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    ratePerSecond: row.rate_per_s,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Creates a token for `userName`; the returned `token` is the only time it is ever shown. */
export async function createApiToken(
  db: Kysely<Database>,
  input: { userName: string; name: unknown; scopes?: readonly string[]; rate?: unknown },
): Promise<TokenView & { token: string; user: string }> {
  const name = text(input.name, '--name', { max: 100 });
  const scopes = parseScopes(input.scopes);
  const rate = input.rate === undefined ? null : integer(input.rate, '--rate', { min: 1, max: 1_000_000 });
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await db.transaction().execute(async (trx) => {
    const user = await findOrCreateUser(trx, input.userName);
    if (await liveNameTaken(trx, user.id, name))
      throw new UserError('API_TOKEN_EXISTS', `you have a token named "${name}" already: choose another --name, or revoke it first`);
    return insertApiToken(trx, { name, user_id: user.id, scopes, token_hash: hashToken(token), prefix: token.slice(0, PREFIX.length + 8), rate_per_s: rate });
  });
  return { ...tokenView(row), token, user: input.userName };
}

/** The user's tokens (live ones unless `all`). */
export async function listApiTokens(db: Kysely<Database>, userName: string, all = false): Promise<TokenView[]> {
  return (await listUserTokens(db, userName, all)).map(tokenView);
}

/** Revokes one of the user's live tokens by id, name or prefix. */
export async function revokeApiToken(db: Kysely<Database>, userName: string, ref: unknown, at: Date): Promise<TokenView> {
  const wanted = text(ref, 'token', { max: 100 });
  const row = await revokeUserToken(db, userName, wanted, at);
  if (!row) throw new UserError('API_TOKEN_NOT_FOUND', `you have no live API token "${wanted}": see \`mp serve token list\``);
  return tokenView(row);
}

/** The live token a bearer string names, or undefined. */
export async function authenticate(db: Kysely<Database>, bearer: string): Promise<ApiTokenOwner | undefined> {
  if (!bearer.startsWith(PREFIX) || bearer.length > 200) return undefined;
  return findLiveToken(db, hashToken(bearer));
}
