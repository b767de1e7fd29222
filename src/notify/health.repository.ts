// All SQL for notify_health: the level a health metric was at when last checked, so an alert is
// written when the level rises past a threshold (once per crossing), not on every check above it.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export type HealthLevel = 'ok' | 'warning' | 'critical';

export interface HealthState {
  level: HealthLevel;
  /** The metric's value at the last check (a share, a count of failing runs). */
  value: string | null;
  crossings: number;
}

/** The stored level of `subject`, locked for this transaction (undefined: never checked). */
export async function lockHealth(db: Kysely<Database>, subject: string): Promise<HealthState | undefined> {
  return db.selectFrom('notify_health').select(['level', 'value', 'crossings']).where('subject', '=', subject).forUpdate().executeTakeFirst();
}

export async function saveHealth(db: Kysely<Database>, subject: string, level: HealthLevel, value: string | null, crossings: number, at: Date): Promise<void> {
  await db
    .insertInto('notify_health')
    .values({ subject, level, value, crossings, updated_at: at })
    .onConflict((oc) => oc.column('subject').doUpdateSet({ level, value, crossings, updated_at: at }))
    .execute();
}

/** Sets a subject back to `ok` (its streak ended) if it is not already, keeping its crossings; one statement. */
export async function clearHealth(db: Kysely<Database>, subject: string, at: Date): Promise<void> {
  await db.updateTable('notify_health').set({ level: 'ok', value: '0', updated_at: at }).where('subject', '=', subject).where('level', '<>', 'ok').execute();
}

/** clearHealth for several subjects in one statement (a scrape's batch of clean products). */
export async function clearHealthMany(db: Kysely<Database>, subjects: readonly string[], at: Date): Promise<void> {
  if (subjects.length === 0) return;
  await db
    .updateTable('notify_health')
    .set({ level: 'ok', value: '0', updated_at: at })
    .where('subject', '=', (eb) => eb.fn.any(eb.val([...subjects])))
    .where('level', '<>', 'ok')
    .execute();
}
