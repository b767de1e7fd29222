// Scrape alerts for the Kaspi stores that reprice a product: the product failing SCRAPE_FAILING_RUNS
// scrapes in a row (one alert per streak: none while it keeps failing, a new one after a success and
// three more failures) and its page changing layout (one alert per distinct change). The streak is a
// notify_health row per product and city; the alert is written with it in one transaction.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { clearHealth, clearHealthMany, lockHealth, saveHealth } from './health.repository.js';
import { insertKaspiEvents, type NewKaspiEvent, storesOfProduct } from './kaspi-events.repository.js';

export const SCRAPE_FAILING_RUNS = 3;
const LAYOUT_CHANGED = 'KASPI_LAYOUT_CHANGED';

/** What a scrape of one product came to, as far as alerts need it. */
export type ScrapeOutcome =
  | { ok: true; target: { id: string; city: string }; warnings: readonly { code: string; message: string }[] }
  | { ok: false; target: { id?: string; city?: string }; code: string; message: string };

/** Whether recording this outcome only ends a failing streak (a clean scrape: no alert can come of it). */
export function onlyEndsStreak(outcome: ScrapeOutcome): boolean {
  return outcome.ok && !outcome.warnings.some((w) => w.code === LAYOUT_CHANGED);
}

/**
 * recordScrapeAlerts for clean scrapes (onlyEndsStreak) of several products: their failing streaks
 * end, in one statement (inside a scrape's batch transaction).
 */
export async function endScrapeStreaks(db: Kysely<Database>, targets: readonly { id: string; city: string }[], now: Date): Promise<void> {
  await clearHealthMany(
    db,
    targets.map((t) => subjectOf(t.id, t.city)),
    now,
  );
}

function subjectOf(id: string, city: string): string {
  return `kaspi:scrape:${id}:${city}`;
}

/** Records a product's scrape for its stores' alerts; returns how many events were written. */
export async function recordScrapeAlerts(db: Kysely<Database>, outcome: ScrapeOutcome, now: Date): Promise<number> {
  const { id, city } = outcome.target;
  if (!id || !city) return 0;
  // The common case, a clean scrape: no alert can come of it, only a failing streak to end. One
  // statement instead of a transaction with the stores lookup and a row lock (the scrape's hot path).
  if (onlyEndsStreak(outcome)) {
    await clearHealth(db, subjectOf(id, city), now);
    return 0;
  }
  return db.transaction().execute(async (trx) => {
    const stores = await storesOfProduct(trx, id);
    if (stores.length === 0) return 0;
    const subject = subjectOf(id, city);
    const previous = await lockHealth(trx, subject);
    const events: ((name: string) => NewKaspiEvent)[] = [];
    const layout = outcome.ok
      ? outcome.warnings.find((w) => w.code === LAYOUT_CHANGED)?.message
      : outcome.code === LAYOUT_CHANGED
        ? outcome.message
        : undefined;
    if (layout !== undefined) {
      const key = `${id}:${createHash('sha256').update(layout).digest('hex').slice(0, 16)}`;
      events.push((name) => ({ type: 'layout_changed', eventKey: key, occurredAt: now, payload: { productId: id, cityId: city, name, message: layout } }));
    }
    if (outcome.ok) {
      if (previous && previous.level !== 'ok') await saveHealth(trx, subject, 'ok', '0', previous.crossings, now);
    } else {
      const streak = (previous && previous.level !== 'ok' ? Number(previous.value ?? 0) : 0) + 1;
      const incident = (previous?.crossings ?? 0) + (streak === SCRAPE_FAILING_RUNS ? 1 : 0);
      await saveHealth(trx, subject, streak >= SCRAPE_FAILING_RUNS ? 'critical' : 'warning', String(streak), incident, now);
      if (streak === SCRAPE_FAILING_RUNS) {
        const payload = { productId: id, cityId: city, runs: streak, code: outcome.code, error: outcome.message };
        events.push((name) => ({ type: 'scrape_failing', eventKey: `${id}:${city}:${incident}`, occurredAt: now, payload: { ...payload, name } }));
      }
    }
    let written = 0;
    for (const s of stores) {
      written += await insertKaspiEvents(
        trx,
        s.store_id,
        events.map((e) => e(s.name)),
      );
    }
    return written;
  });
}
