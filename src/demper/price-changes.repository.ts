// All SQL for price_changes: one row per decision of `mp demper run` (dry-run, applied, failed,
// skipped, xml), the audit log behind "why did my price change".
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
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

export interface RunSummaryRow {
  run_id: string;
  started_at: Date;
  decisions: number;
  changes: number;
  applied: number;
  failed: number;
  skipped: number;
}

/** The runs of a store, newest first, each with its decision counts by mode; and how many runs in all. */
export async function runsOfStore(db: Kysely<Database>, storeId: string, page: { limit: number; offset: number }) {
  const grouped = db
    .selectFrom('price_changes')
    .where('store_id', '=', storeId)
    .groupBy('run_id')
    .select((eb) => [
      'run_id',
      eb.fn.min('created_at').as('started_at'),
      eb.fn.countAll<string>().as('decisions'),
      sql<string>`count(*) filter (where mode not in ('unchanged'))`.as('changes'),
      sql<string>`count(*) filter (where mode = 'applied')`.as('applied'),
      sql<string>`count(*) filter (where mode = 'failed')`.as('failed'),
      sql<string>`count(*) filter (where mode = 'skipped')`.as('skipped'),
    ]);
  const [rows, total] = await Promise.all([
    grouped.orderBy('started_at', 'desc').orderBy('run_id', 'desc').limit(page.limit).offset(page.offset).execute(),
    db.selectFrom('price_changes').where('store_id', '=', storeId).select(sql<string>`count(distinct run_id)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const items: RunSummaryRow[] = rows.map((r) => ({
    run_id: r.run_id,
    started_at: r.started_at as Date,
    decisions: Number(r.decisions),
    changes: Number(r.changes),
    applied: Number(r.applied),
    failed: Number(r.failed),
    skipped: Number(r.skipped),
  }));
  return { items, total: Number(total.n) };
}
