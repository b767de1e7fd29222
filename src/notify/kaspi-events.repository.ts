// All SQL for kaspi_events: what happened in a Kaspi store, written by the operation that saw it in
// the transaction that stores the change (orders sync, repricer run, scrape, a scheduled job). The
// dedup key makes a repeat a no-op, so a re-run or an overlapping window never alerts twice.
import { type Kysely, sql } from 'kysely';
import type { KaspiEventType } from '../db/schema/notify.js';
import type { Database } from '../db/schema.js';

export interface NewKaspiEvent {
  type: KaspiEventType;
  /** What makes it this event and not another (an order id, `sku:price`, a threshold crossing). */
  eventKey: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/** Inserts events of one store (on conflict do nothing); returns how many were new. */
export async function insertKaspiEvents(db: Kysely<Database>, storeId: string, events: readonly NewKaspiEvent[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < events.length; i += 2000) {
    const json = JSON.stringify(
      events.slice(i, i + 2000).map((e) => ({
        type: e.type,
        event_key: e.eventKey,
        dedup_key: `${storeId}:${e.type}:${e.eventKey}`,
        occurred_at: e.occurredAt,
        payload: e.payload,
      })),
    );
    const result = await sql`insert into kaspi_events (store_id, type, event_key, dedup_key, occurred_at, payload)
      select ${storeId}::bigint, x.type, x.event_key, x.dedup_key, x.occurred_at, x.payload
      from jsonb_to_recordset(${json}::jsonb) as x(type text, event_key text, dedup_key text, occurred_at timestamptz, payload jsonb)
      on conflict (dedup_key) do nothing`.execute(db);
    inserted += Number(result.numAffectedRows ?? 0n);
  }
  return inserted;
}

/** A store's events, oldest first (tests and `notify tail --from`). */
export async function listKaspiEvents(db: Kysely<Database>, storeId: string) {
  return db.selectFrom('kaspi_events').selectAll().where('store_id', '=', storeId).orderBy('id').execute();
}

/** The stores that reprice a Kaspi product (their demper products), with the product's name there. */
export async function storesOfProduct(db: Kysely<Database>, productId: string): Promise<{ store_id: string; name: string }[]> {
  return db.selectFrom('demper_products').select(['store_id', 'name']).where('product_id', '=', productId).orderBy('store_id').execute();
}
