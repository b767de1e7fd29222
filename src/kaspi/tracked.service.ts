// The tracked list behind `mp kaspi track add|remove|list` and `mp kaspi scrape --tracked`.
import type { Kysely } from 'kysely';
import { UserError } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import { resolveTargets } from './scrape-inputs.js';
import { addTracked, listTracked, removeTracked, type TrackedRef, type TrackedRow } from './tracked.repository.js';

export type { TrackedRow } from './tracked.repository.js';

/** Inputs → refs; any bad input rejects the whole command (nothing half-applied). */
function refsOf(inputs: readonly string[], city: string | undefined): TrackedRef[] {
  const { targets, invalid } = resolveTargets(inputs, city);
  if (invalid.length) throw new UserError('KASPI_BAD_INPUT', `${invalid.map((f) => f.message).join('; ')} (nothing changed)`);
  return targets.map((t) => ({ kaspiId: t.id, cityId: t.city }));
}

/** Adds products to the tracked list; returns { added, already } refs. */
export async function trackProducts(db: Kysely<Database>, inputs: readonly string[], city: string | undefined, now: Date) {
  const refs = refsOf(inputs, city);
  const added = await addTracked(db, refs, now);
  const isNew = new Set(added.map((r) => `${r.kaspiId}|${r.cityId}`));
  return { added, already: refs.filter((r) => !isNew.has(`${r.kaspiId}|${r.cityId}`)) };
}

/** Removes products from the tracked list; returns { removed, missing } refs. Scraped data stays. */
export async function untrackProducts(db: Kysely<Database>, inputs: readonly string[], city: string | undefined) {
  const refs = refsOf(inputs, city);
  const removed = await removeTracked(db, refs);
  const gone = new Set(removed.map((r) => `${r.kaspiId}|${r.cityId}`));
  return { removed, missing: refs.filter((r) => !gone.has(`${r.kaspiId}|${r.cityId}`)) };
}

/** The tracked list with each product's last scraped state (name, min price, sellers, when checked). */
export function trackedProducts(db: Kysely<Database>): Promise<TrackedRow[]> {
  return listTracked(db);
}
