// The one batched insert behind both event tables the notifier reads: kaspi_events (one row per Kaspi
// store's event) and wb_events (per WB cabinet). A chunk of events travels as ONE jsonb parameter and
// is expanded server-side, and the dedup key `<owner>:<type>:<event key>` makes a repeat a no-op, so a
// re-run or an overlapping window never alerts twice. It lives under db/ (not notify/) because wb/
// writes its events too and notify/ already reads wb/: a helper in notify/ would make wb↔notify a cycle.
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

export interface NewOutboxEvent<Type extends string = string> {
  type: Type;
  /** What makes it this event and not another (an order id, `sku:price`, a threshold crossing). */
  eventKey: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/** The event tables and the column that names each one's owner. */
export type EventTable = { table: 'kaspi_events'; owner: 'store_id' } | { table: 'wb_events'; owner: 'cabinet_id' };

const CHUNK = 2000;

/** Inserts events of one owner (store or cabinet) into `target` (on conflict do nothing); returns how many were new. */
export async function insertOutboxEvents(db: Kysely<Database>, target: EventTable, ownerId: string, events: readonly NewOutboxEvent[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < events.length; i += CHUNK) {
    const json = JSON.stringify(
      events.slice(i, i + CHUNK).map((e) => ({
        type: e.type,
        event_key: e.eventKey,
        dedup_key: `${ownerId}:${e.type}:${e.eventKey}`,
        occurred_at: e.occurredAt,
        payload: e.payload,
      })),
    );
    // Table and column come from the closed EventTable union above, never from input.
    const result = await sql`insert into ${sql.table(target.table)} (${sql.ref(target.owner)}, type, event_key, dedup_key, occurred_at, payload)
      select ${ownerId}::bigint, x.type, x.event_key, x.dedup_key, x.occurred_at, x.payload
      from jsonb_to_recordset(${json}::jsonb) as x(type text, event_key text, dedup_key text, occurred_at timestamptz, payload jsonb)
      on conflict (dedup_key) do nothing`.execute(db);
    inserted += Number(result.numAffectedRows ?? 0n);
  }
  return inserted;
}
