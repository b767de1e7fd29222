// Groups concurrent payout creations (the REST API under load) into one INSERT statement and one
// commit per batch: while a batch is being written, new requests queue and go in the next one.
// Each caller still gets its answer only after its row is committed. One row the database refuses
// never fails its neighbours: the batch is written again row by row, the others succeed and the
// refused one gets its own PAYOUT_REJECTED (HTTP 400) naming the field.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { errorCode, errorMessage, UsageError } from '../core/errors.js';
import { forbiddenCharacter } from '../core/validate.js';
import type { Database } from '../db/schema.js';
import { type InsertOutcome, insertPayouts, type NewPayout, type PayoutRow, type StoredPayoutInput } from './payouts.repository.js';

export type PayoutInserter = (input: StoredPayoutInput, key: string | null, hash: string | null) => Promise<InsertOutcome>;

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
      await writeBatch(batch);
    } catch (error) {
      if (!isRowError(error)) {
        // The database itself failed (connection, shutdown): every caller gets the error (and retries
        // with its idempotency key).
        for (const p of batch) p.reject(error);
        return;
      }
      if (batch.length === 1) {
        batch[0]!.reject(rejected(batch[0]!, error));
        return;
      }
      // One row (or a few) is refused: find it by writing the rows one at a time.
      for (const p of batch) {
        try {
          await writeBatch([p]);
        } catch (rowError) {
          p.reject(isRowError(rowError) ? rejected(p, rowError) : rowError);
        }
      }
    }
  }

  async function writeBatch(batch: Pending[]): Promise<void> {
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
  }

  return (input, key, hash) =>
    new Promise((resolve, reject) => {
      queue.push({ id: randomUUID(), input, key, hash, resolve, reject });
      // Let the requests that arrive in this turn of the event loop join the batch.
      if (queue.length === 1) setImmediate(flush);
    });
}

/**
 * Whether the database refused the data of a statement (SQLSTATE class 22 data exception or 23
 * integrity violation), as opposed to failing itself: only then can one row be to blame.
 */
export function isRowError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && /^2[23][0-9A-Z]{3}$/.test(code);
}

/** The field of a payout the database refused: from the constraint or column it names, else its content. */
export function refusedField(payout: NewPayout, error: unknown): string {
  const e = error as { constraint?: string; column?: string };
  const fields = ['amount', 'currency', 'recipient', 'comment', 'idempotency_key'];
  const named = e.column ?? e.constraint?.replace(/^payouts_/, '').replace(/_(check|scale|key|idx)$/, '');
  if (named && fields.includes(named)) return named;
  const text: Record<string, string | null> = { recipient: payout.input.recipient, comment: payout.input.comment, idempotency_key: payout.key };
  for (const [field, value] of Object.entries(text)) if (value && forbiddenCharacter(value, field === 'comment')) return field;
  if (/numeric/i.test(errorMessage(error))) return 'amount';
  return 'body';
}

function rejected(payout: NewPayout, error: unknown): UsageError {
  const field = refusedField(payout, error);
  const reason = `was refused by the database: ${errorMessage(error)}`;
  return new UsageError('PAYOUT_REJECTED', `payout not created: ${field} ${reason}`, { cause: error, details: { fields: { [field]: reason } } });
}
