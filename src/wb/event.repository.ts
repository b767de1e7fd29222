// All SQL for wb_events: the outbox the notifier reads. Written inside the sync transaction that
// stores the rows and moves the cursor; the dedup key makes a repeat a no-op.
import { sql } from 'kysely';
import type { WbEventType } from '../db/schema/wb.js';
import type { Db } from './recordset.js';

export interface NewEvent {
  type: WbEventType;
  eventKey: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/** Inserts events (on conflict do nothing); returns how many were new. */
export async function insertEvents(db: Db, cabinetId: string, events: readonly NewEvent[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < events.length; i += 2000) {
    const json = JSON.stringify(
      events.slice(i, i + 2000).map((e) => ({
        type: e.type,
        event_key: e.eventKey,
        dedup_key: `${cabinetId}:${e.type}:${e.eventKey}`,
        occurred_at: e.occurredAt,
        payload: e.payload,
      })),
    );
    const result = await sql`insert into wb_events (cabinet_id, type, event_key, dedup_key, occurred_at, payload)
      select ${cabinetId}::bigint, x.type, x.event_key, x.dedup_key, x.occurred_at, x.payload
      from jsonb_to_recordset(${json}::jsonb) as x(type text, event_key text, dedup_key text, occurred_at timestamptz, payload jsonb)
      on conflict (dedup_key) do nothing`.execute(db);
    inserted += Number(result.numAffectedRows ?? 0n);
  }
  return inserted;
}

export async function listEvents(db: Db, cabinetId: string) {
  return db.selectFrom('wb_events').selectAll().where('cabinet_id', '=', cabinetId).orderBy('id').execute();
}
