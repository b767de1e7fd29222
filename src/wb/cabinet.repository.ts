// All SQL for wb_cabinets.
import type { Insertable, Selectable } from 'kysely';
import type { WbCabinetsTable } from '../db/schema/wb.js';
import type { Db } from './recordset.js';

export type WbCabinet = Selectable<WbCabinetsTable>;

export async function insertCabinet(db: Db, values: Insertable<WbCabinetsTable>): Promise<WbCabinet> {
  return db.insertInto('wb_cabinets').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findCabinetByTokenHash(db: Db, hash: string): Promise<WbCabinet | undefined> {
  return db.selectFrom('wb_cabinets').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

/** A cabinet by id (digits) or name. */
export async function findCabinet(db: Db, ref: string): Promise<WbCabinet | undefined> {
  let q = db.selectFrom('wb_cabinets').selectAll();
  q = /^\d+$/.test(ref) ? q.where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)])) : q.where('name', '=', ref);
  return q.orderBy('id').executeTakeFirst();
}

export async function listCabinets(db: Db): Promise<(WbCabinet & { last_sync_at: Date | null })[]> {
  return db
    .selectFrom('wb_cabinets as c')
    .selectAll('c')
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
