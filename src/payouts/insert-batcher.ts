// Groups concurrent payout creations (the REST API under load) into one INSERT statement and one
// commit per batch: while a batch is being written, new requests queue and go in the next one.
// Each caller still gets its answer only after its row is committed.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { PayoutInput } from './payout.validation.js';
import { type InsertOutcome, insertPayouts, type NewPayout, type PayoutRow } from './payouts.repository.js';

export type PayoutInserter = (input: PayoutInput, key: string | null, hash: string | null) => Promise<InsertOutcome>;

interface Pending extends NewPayout {
  resolve: (value: InsertOutcome) => void;
  reject: (error: unknown) => void;
}

export interface BatcherOptions {
  /** Rows per statement (7 parameters each: far below the 65,535 limit). Default 500. */
  maxBatch?: number;
  /** Statements in flight at once (default 4; 1 on PGlite makes no difference). */
  maxInFlight?: number;
}

/** An inserter that batches; pass it to createPayout. */
export function createInsertBatcher(db: Kysely<Database>, options: BatcherOptions = {}): PayoutInserter {
  const maxBatch = options.maxBatch ?? 500;
  const maxInFlight = options.maxInFlight ?? 4;
  const queue: Pending[] = [];
  let inFlight = 0;

  const flush = () => {
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      write(batch).finally(() => {
        inFlight--;
        flush();
      });
    }
  };

  async function write(batch: Pending[]): Promise<void> {
    try {
      const { inserted, existing, deleted } = await insertPayouts(db, batch);
      const byId = new Map(inserted.map((r) => [r.id, r]));
      const byKey = new Map<string, PayoutRow>();
      for (const r of [...existing, ...inserted]) if (r.idempotency_key) byKey.set(r.idempotency_key, r);
      for (const p of batch) {
        const row = byId.get(p.id);
        if (row) p.resolve({ row, created: true });
        else {
          const owner = p.key ? byKey.get(p.key) : undefined;
          const deletedPayoutId = p.key ? deleted.get(p.key) : undefined;
          if (owner) p.resolve({ row: owner, created: false });
          else if (deletedPayoutId !== undefined) p.resolve({ deletedPayoutId });
          else p.reject(new Error(`payout ${p.id} was neither inserted nor found by its idempotency key; retry`));
        }
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }

  return (input, key, hash) =>
    new Promise((resolve, reject) => {
      queue.push({ id: randomUUID(), input, key, hash, resolve, reject });
      // Let the requests that arrive in this turn of the event loop join the batch.
      if (queue.length === 1) setImmediate(flush);
    });
}
