// All SQL for wb_events: the outbox the notifier reads. Written inside the sync transaction that
// stores the rows and moves the cursor; the dedup key makes a repeat a no-op.
import { insertOutboxEvents, type NewOutboxEvent } from '../db/event-outbox.js';
import type { WbEventType } from '../db/schema/wb.js';
import type { Db } from './recordset.js';

export type NewEvent = NewOutboxEvent<WbEventType>;

/** Inserts events of one cabinet (on conflict do nothing); returns how many were new. */
export function insertEvents(db: Db, cabinetId: string, events: readonly NewEvent[]): Promise<number> {
  return insertOutboxEvents(db, { table: 'wb_events', owner: 'cabinet_id' }, cabinetId, events);
}

export async function listEvents(db: Db, cabinetId: string) {
  return db.selectFrom('wb_events').selectAll().where('cabinet_id', '=', cabinetId).orderBy('id').execute();
}
