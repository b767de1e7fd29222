// Account health: a Kaspi store's cancellation share over the last 30 Almaty days (cancelled ÷ all
// orders created in them), checked after each orders sync. Kaspi may disconnect a shop for 7 days
// above 5% (a third time in 90 days ends the partnership; reference/kaspi-operations.md §4), so the
// store's recipients are warned at 3% and alerted at 5%, once per threshold crossing: a share that
// stays above a threshold says nothing more; one that drops below and rises again alerts again.
import type { Kysely } from 'kysely';
import { ALMATY, startOfZonedDay } from '../core/time.js';
import type { Database } from '../db/schema.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { type HealthLevel, lockHealth, saveHealth } from '../notify/health.repository.js';
import { insertKaspiEvents } from '../notify/kaspi-events.repository.js';
import { cancellationCounts } from './order.repository.js';
import { CANCELLED_STATUSES } from './order-events.js';

export const CANCEL_SHARE_DAYS = 30;
export const CANCEL_SHARE_WARNING = 0.03;
export const CANCEL_SHARE_CRITICAL = 0.05;

export interface CancelShare {
  /** cancelled ÷ orders (0 with no orders). */
  share: number;
  cancelled: number;
  orders: number;
  level: HealthLevel;
  /** Whether this check wrote an alert (the level rose past a threshold). */
  alerted: boolean;
}

const RANK: Record<HealthLevel, number> = { ok: 0, warning: 1, critical: 2 };

/** The level of a share: critical at 5% and above, warning at 3% and above. */
export function cancelShareLevel(share: number): HealthLevel {
  return share >= CANCEL_SHARE_CRITICAL ? 'critical' : share >= CANCEL_SHARE_WARNING ? 'warning' : 'ok';
}

/** Start of the 30 Almaty days ending today (today included). */
export function cancelShareSince(now: Date): Date {
  return startOfZonedDay(new Date(now.getTime() - (CANCEL_SHARE_DAYS - 1) * 86_400_000), ALMATY);
}

/**
 * Computes the store's share and, in one transaction, stores its level and (with `alert`, when the
 * level rose) writes a `cancel_share` event naming the share and the orders behind it. Without
 * `alert` (a store's first sync) the level is only recorded.
 */
export async function checkCancelShare(db: Kysely<Database>, store: Pick<StoreRow, 'id'>, now: Date, o: { alert: boolean }): Promise<CancelShare> {
  const since = cancelShareSince(now);
  return db.transaction().execute(async (trx) => {
    const counts = await cancellationCounts(trx, store.id, since, CANCELLED_STATUSES);
    const share = counts.orders === 0 ? 0 : counts.cancelled / counts.orders;
    const level = cancelShareLevel(share);
    const subject = `kaspi:${store.id}:cancel_share`;
    const previous = await lockHealth(trx, subject);
    const rose = RANK[level] > RANK[previous?.level ?? 'ok'];
    const crossings = (previous?.crossings ?? 0) + (rose ? 1 : 0);
    let alerted = false;
    if (rose && o.alert) {
      alerted =
        (await insertKaspiEvents(trx, store.id, [
          {
            type: 'cancel_share',
            eventKey: `${level}:${crossings}`,
            occurredAt: now,
            payload: {
              level,
              share,
              cancelled: counts.cancelled,
              orders: counts.orders,
              days: CANCEL_SHARE_DAYS,
              since,
              threshold: level === 'critical' ? CANCEL_SHARE_CRITICAL : CANCEL_SHARE_WARNING,
              codes: counts.codes,
            },
          },
        ])) > 0;
    }
    await saveHealth(trx, subject, level, share.toFixed(6), crossings, now);
    return { share, cancelled: counts.cancelled, orders: counts.orders, level, alerted };
  });
}
