// All SQL for mp_users and wb_cabinet_users.
import type { Db } from './recordset.js';

/** The user with this name, created on first use. */
export async function findOrCreateUser(db: Db, name: string): Promise<{ id: string; name: string }> {
  const found = await db.selectFrom('mp_users').select(['id', 'name']).where('name', '=', name).orderBy('id').executeTakeFirst();
  if (found) return found;
  return db.insertInto('mp_users').values({ name }).returning(['id', 'name']).executeTakeFirstOrThrow();
}

/** Attaches a user to a cabinet; returns false when already attached. */
export async function attachUser(db: Db, cabinetId: string, userId: string): Promise<boolean> {
  const result = await db
    .insertInto('wb_cabinet_users')
    .values({ cabinet_id: cabinetId, user_id: userId })
    .onConflict((oc) => oc.columns(['cabinet_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function cabinetUserNames(db: Db, cabinetId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('wb_cabinet_users as cu')
    .innerJoin('mp_users as u', 'u.id', 'cu.user_id')
    .select('u.name')
    .where('cu.cabinet_id', '=', cabinetId)
    .orderBy('u.name')
    .execute();
  return rows.map((r) => r.name);
}

/** Detaches every user of this name from a cabinet. */
export async function detachUser(db: Db, cabinetId: string, userName: string): Promise<void> {
  await db
    .deleteFrom('wb_cabinet_users')
    .where('cabinet_id', '=', cabinetId)
    .where('user_id', 'in', (eb) => eb.selectFrom('mp_users').select('id').where('name', '=', userName))
    .execute();
}
