// All SQL for kaspi_events: what happened in a Kaspi store, written by the operation that saw it in
// the transaction that stores the change (orders sync, repricer run, scrape, a scheduled job). The
// dedup key makes a repeat a no-op, so a re-run or an overlapping window never alerts twice.
import type { Kysely } from 'kysely';
import { insertOutboxEvents, type NewOutboxEvent } from '../db/event-outbox.js';
import type { KaspiEventType } from '../db/schema/notify.js';
import type { Database } from '../db/schema.js';

export type NewKaspiEvent = NewOutboxEvent<KaspiEventType>;

/** Inserts events of one store (on conflict do nothing); returns how many were new. */
export function insertKaspiEvents(db: Kysely<Database>, storeId: string, events: readonly NewKaspiEvent[]): Promise<number> {
  return insertOutboxEvents(db, { table: 'kaspi_events', owner: 'store_id' }, storeId, events);
}

/** A store's events, oldest first (tests and `notify tail --from`). */
export async function listKaspiEvents(db: Kysely<Database>, storeId: string) {
  return db.selectFrom('kaspi_events').selectAll().where('store_id', '=', storeId).orderBy('id').execute();
}

/** The stores that reprice a Kaspi product (their demper products), with the product's name there. */
export async function storesOfProduct(db: Kysely<Database>, productId: string): Promise<{ store_id: string; name: string }[]> {
  return db.selectFrom('demper_products').select(['store_id', 'name']).where('product_id', '=', productId).orderBy('store_id').execute();
}
