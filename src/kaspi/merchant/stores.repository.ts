// All SQL for kaspi_stores.
import type { Kysely, Selectable } from 'kysely';
import type { KaspiStoresTable } from '../../db/schema/demper.js';
import type { Database } from '../../db/schema.js';

export type StoreRow = Selectable<KaspiStoresTable>;

export interface StoreInput {
  merchantId: string;
  name: string;
  cityId?: string;
  sessionEncrypted?: string | null;
  tokenEncrypted?: string | null;
  login?: string | null;
  /** Enabled points of sale (`PP1`, …); undefined = leave as stored. */
  points?: string[];
}

/** Inserts a store or updates the one with the same merchant id (secrets given replace the old ones). */
export async function upsertStore(db: Kysely<Database>, input: StoreInput): Promise<StoreRow> {
  const values = {
    merchant_id: input.merchantId,
    name: input.name,
    ...(input.cityId ? { city_id: input.cityId } : {}),
    ...(input.sessionEncrypted !== undefined ? { session_encrypted: input.sessionEncrypted, session_valid: null, session_checked_at: null } : {}),
    ...(input.tokenEncrypted !== undefined ? { token_encrypted: input.tokenEncrypted } : {}),
    ...(input.login !== undefined ? { login: input.login } : {}),
    ...(input.points !== undefined ? { points: input.points } : {}),
  };
  const { merchant_id: _key, ...update } = values;
  return db
    .insertInto('kaspi_stores')
    .values(values)
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ ...update, updated_at: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listStores(db: Kysely<Database>): Promise<StoreRow[]> {
  return db.selectFrom('kaspi_stores').selectAll().orderBy('id').execute();
}

/** A store by merchant id, by name (case-insensitive) or by numeric row id. */
export async function findStore(db: Kysely<Database>, ref: string): Promise<StoreRow | undefined> {
  const rows = await db
    .selectFrom('kaspi_stores')
    .selectAll()
    .where((eb) => eb.or([eb('merchant_id', '=', ref), eb(eb.fn('lower', ['name']), '=', ref.toLowerCase())]))
    .orderBy('id')
    .execute();
  return rows[0];
}

export async function deleteStore(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('kaspi_stores').where('id', '=', id).execute();
}

export async function recordSessionCheck(db: Kysely<Database>, id: string, valid: boolean, at: Date): Promise<void> {
  await db.updateTable('kaspi_stores').set({ session_valid: valid, session_checked_at: at }).where('id', '=', id).execute();
}

/** Pauses a merchant until `until` (a 429 from the price endpoint); null lifts the pause. */
export async function setPause(db: Kysely<Database>, id: string, until: Date | null, reason: string | null): Promise<void> {
  await db.updateTable('kaspi_stores').set({ paused_until: until, pause_reason: reason, updated_at: new Date() }).where('id', '=', id).execute();
}
