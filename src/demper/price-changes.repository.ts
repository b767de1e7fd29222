// All SQL for price_changes: one row per decision of `mp demper run` (dry-run, applied, failed,
// skipped, xml), the audit log behind "why did my price change".
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { PriceChangesTable } from '../db/schema/demper.js';
import type { Database } from '../db/schema.js';

export type PriceChangeRow = Selectable<PriceChangesTable>;
export type PriceChangeInsert = Insertable<PriceChangesTable>;

/** Inserts decision rows in batches of 4000 (14 columns each: 56,000 parameters, below the 65,535 limit). */
export async function insertPriceChanges(db: Kysely<Database>, rows: PriceChangeInsert[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 4000) {
    await db
      .insertInto('price_changes')
      .values(rows.slice(i, i + 4000))
      .execute();
  }
}

export async function priceChangesOfRun(db: Kysely<Database>, runId: string): Promise<PriceChangeRow[]> {
  return db.selectFrom('price_changes').selectAll().where('run_id', '=', runId).orderBy('id').execute();
}
