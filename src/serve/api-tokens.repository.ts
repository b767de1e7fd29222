// All SQL for api_tokens.
import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable } from '../db/schema/serve.js';
import type { Database } from '../db/schema.js';

export type ApiTokenRow = Selectable<ApiTokensTable>;
/** A live token with its user's name: what a request acts as. */
export type ApiTokenOwner = ApiTokenRow & { user_name: string };

export async function insertApiToken(
  db: Kysely<Database>,
  values: { name: string; user_id: string; scopes: string[]; token_hash: string; prefix: string; rate_per_s: number | null },
): Promise<ApiTokenRow> {
  return db.insertInto('api_tokens').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The live (not revoked) token with this hash, with its user's name. */
export async function findLiveToken(db: Kysely<Database>, hash: string): Promise<ApiTokenOwner | undefined> {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('mp_users as u', 'u.id', 't.user_id')
    .selectAll('t')
    .select('u.name as user_name')
    .where('t.token_hash', '=', hash)
    .where('t.revoked_at', 'is', null)
    .executeTakeFirst();
}

/** The tokens of one user (by name), revoked ones too when asked, oldest first. */
export async function listUserTokens(db: Kysely<Database>, userName: string, withRevoked: boolean): Promise<ApiTokenRow[]> {
  let q = db.selectFrom('api_tokens as t').innerJoin('mp_users as u', 'u.id', 't.user_id').selectAll('t').where('u.name', '=', userName);
  if (!withRevoked) q = q.where('t.revoked_at', 'is', null);
  return q.orderBy('t.id').execute();
}

export async function liveNameTaken(db: Kysely<Database>, userId: string, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('api_tokens')
    .select('id')
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Boolean(row);
}

/** Revokes a user's live token found by id, name or prefix; returns it, or undefined when none matched. */
export async function revokeUserToken(db: Kysely<Database>, userName: string, ref: string, at: Date): Promise<ApiTokenRow | undefined> {
  return db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('revoked_at', 'is', null)
    .where('user_id', 'in', (eb) => eb.selectFrom('mp_users').select('id').where('name', '=', userName))
    .where((eb) => {
      const byText = eb.or([eb('name', '=', ref), eb('prefix', '=', ref)]);
      return /^\d{1,18}$/.test(ref) ? eb.or([eb('id', '=', ref), byText]) : byText;
    })
    .returningAll()
    .executeTakeFirst();
}

/** Records that a token was used (the caller throttles this to a write a minute per token). */
export async function touchToken(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}
