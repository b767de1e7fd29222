// All SQL for wb_cabinets.
import type { ExpressionBuilder, Insertable, Selectable } from 'kysely';
import type { WbCabinetsTable } from '../db/schema/wb.js';
import type { Database } from '../db/schema.js';
import type { Db } from './recordset.js';

export type WbCabinet = Selectable<WbCabinetsTable>;

export async function insertCabinet(db: Db, values: Insertable<WbCabinetsTable>): Promise<WbCabinet> {
  return db.insertInto('wb_cabinets').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findCabinetByTokenHash(db: Db, hash: string): Promise<WbCabinet | undefined> {
  return db.selectFrom('wb_cabinets').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

/**
 * Cabinets `user` may see: those it is attached to, and those nobody is attached to (from before
 * users). Undefined: every cabinet (jobs, the daemon).
 */
function visibleTo(user: string | undefined) {
  return (eb: ExpressionBuilder<Database & { c: WbCabinetsTable }, 'c'>) =>
    user === undefined
      ? eb.lit(true)
      : eb.or([
          eb.exists(
            eb
              .selectFrom('wb_cabinet_users as cu')
              .innerJoin('mp_users as u', 'u.id', 'cu.user_id')
              .select('cu.user_id')
              .whereRef('cu.cabinet_id', '=', 'c.id')
              .where('u.name', '=', user),
          ),
          eb.not(eb.exists(eb.selectFrom('wb_cabinet_users as cu').select('cu.user_id').whereRef('cu.cabinet_id', '=', 'c.id'))),
        ]);
}

/** A cabinet by id (digits) or name, among those `user` may see. */
export async function findCabinet(db: Db, ref: string, user?: string): Promise<WbCabinet | undefined> {
  let q = db.selectFrom('wb_cabinets as c').selectAll('c').where(visibleTo(user));
  q = /^\d{1,18}$/.test(ref) ? q.where((eb) => eb.or([eb('c.id', '=', ref), eb('c.name', '=', ref)])) : q.where('c.name', '=', ref);
  return q.orderBy('c.id').executeTakeFirst();
}

export async function listCabinets(db: Db, user?: string): Promise<(WbCabinet & { last_sync_at: Date | null })[]> {
  return db
    .selectFrom('wb_cabinets as c')
    .selectAll('c')
    .where(visibleTo(user))
    .select((eb) =>
      eb
        .selectFrom('wb_sync_state as s')
        .whereRef('s.cabinet_id', '=', 'c.id')
        .select((e) => e.fn.max('s.last_success_at').as('m'))
        .as('last_sync_at'),
    )
    .orderBy('c.id')
    .execute() as Promise<(WbCabinet & { last_sync_at: Date | null })[]>;
}

export async function nameTaken(db: Db, name: string): Promise<boolean> {
  return Boolean(await db.selectFrom('wb_cabinets').select('id').where('name', '=', name).executeTakeFirst());
}

export async function updateCabinet(db: Db, id: string, values: Partial<Insertable<WbCabinetsTable>>): Promise<void> {
  await db
    .updateTable('wb_cabinets')
    .set({ ...values, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function deleteCabinet(db: Db, id: string): Promise<void> {
  await db.deleteFrom('wb_cabinets').where('id', '=', id).execute();
}
