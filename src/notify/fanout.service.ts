// Fan-out: each wb_event (kaspi_event) becomes one outbox row per recipient subscribed to its
// cabinet (store), after that recipient's settings (types, thresholds, grouping, quiet hours).
// Idempotent: events are marked in the same transaction, and the outbox's (recipient, dedup key) is
// unique.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { cabinetsSyncing, type KaspiEventRow, lockUnfannedEvents, lockUnfannedKaspiEvents, markFanned, markKaspiFanned } from './fanout.repository.js';
import { insertNotifications, type NewNotification } from './outbox.repository.js';
import { quietUntil } from './quiet-hours.js';
import { activeRecipients, activeStoreRecipients, type RecipientRow } from './recipient.repository.js';
import { KASPI_NOTIFY_TYPES, type Marketplace, type NotificationPayload, type NotifyType, type WbEvent } from './types.js';

/** Events older than this when first fanned out are marked without messages (no flood after a long pause). */
export const STALE_EVENT_MS = 3 * 86_400_000;

/** The notification type a WB event means for this recipient, or null when it means nothing to them. */
export function notifyTypeFor(event: Pick<WbEvent, 'type' | 'payload'>, r: Pick<RecipientRow, 'review_threshold' | 'stock_threshold'>): NotifyType | null {
  const p = event.payload ?? {};
  switch (event.type) {
    case 'new_order':
    case 'cancellation':
    case 'buyout':
    case 'return':
    case 'sync_gap':
    case 'token_expiring':
    case 'access_refused':
    case 'job_failing':
      return event.type;
    case 'new_review': {
      const rating = Number(p.rating ?? p.productValuation);
      return r.review_threshold > 0 && Number.isFinite(rating) && rating <= r.review_threshold ? 'negative_review' : null;
    }
    case 'stock_change': {
      // Critical once, when the total falls from above the threshold to it or below; it fires
      // again only after the stock has recovered above the threshold.
      const before = Number(p.old_total ?? p.oldTotal);
      const after = Number(p.new_total ?? p.newTotal);
      return Number.isFinite(before) && Number.isFinite(after) && before > r.stock_threshold && after <= r.stock_threshold ? 'critical_stock' : null;
    }
    default:
      return null;
  }
}

/** An event of either marketplace as the planner sees it. */
interface SourceEvent {
  id: string;
  /** The cabinet (WB) or store (Kaspi) it happened in. */
  subject_id: string;
  subject_name: string;
  merchant_id?: string;
  type: string;
  event_key: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
  created_at: Date;
  sync_key?: string;
}

/**
 * Pure planning: the outbox rows for these events (one sync's events share `created_at`, the time
 * of the transaction that wrote them, to the microsecond in `sync_key`) and recipients. More than
 * `group_threshold` events of one type in one sync for one recipient become one digest row.
 */
function plan(
  marketplace: Marketplace,
  events: SourceEvent[],
  recipients: RecipientRow[],
  now: Date,
  typeFor: (e: SourceEvent, r: RecipientRow) => NotifyType | null,
): NewNotification[] {
  const out: NewNotification[] = [];
  const fresh = events.filter((e) => now.getTime() - e.created_at.getTime() <= STALE_EVENT_MS);
  for (const r of recipients) {
    const subjectOf = marketplace === 'kaspi' ? r.kaspi_store_id : r.cabinet_id;
    const groups = new Map<string, { type: NotifyType; events: SourceEvent[] }>();
    for (const e of fresh) {
      if (e.subject_id !== subjectOf) continue;
      const type = typeFor(e, r);
      if (!type || !r.types.includes(type)) continue;
      // One sync's events of a type may become a digest; a gap sync's summaries (one per stream and
      // page) always become one message.
      const key = type === 'sync_gap' ? type : `${type}|${e.sync_key ?? e.created_at.toISOString()}`;
      const g = groups.get(key) ?? { type, events: [] };
      g.events.push(e);
      groups.set(key, g);
    }
    // Quiet hours are for people: webhooks are never held.
    const due = (r.channel === 'telegram' ? quietUntil(now, { start: r.quiet_start, end: r.quiet_end, timeZone: r.time_zone }) : null) ?? now;
    for (const { type, events: list } of groups.values()) {
      const digest = type !== 'sync_gap' && r.group_threshold > 0 && list.length > r.group_threshold;
      const batches = digest || type === 'sync_gap' ? [list] : list.map((e) => [e]);
      for (const batch of batches) {
        const first = batch[0]!;
        const subject =
          marketplace === 'kaspi'
            ? { store: { id: first.subject_id, name: first.subject_name, merchant_id: first.merchant_id ?? null } }
            : { cabinet: { id: first.subject_id, name: first.subject_name } };
        const payload: NotificationPayload = {
          type,
          marketplace,
          ...subject,
          events: batch.map((e) => ({ id: e.id, key: e.event_key, occurred_at: e.occurred_at.toISOString(), data: e.payload ?? {} })),
          ...(digest ? { digest: true } : {}),
        };
        const prefix = marketplace === 'kaspi' ? `kaspi:${first.subject_id}` : first.subject_id;
        out.push({
          recipient_id: r.id,
          cabinet_id: marketplace === 'wb' ? first.subject_id : null,
          kaspi_store_id: marketplace === 'kaspi' ? first.subject_id : null,
          type,
          dedup_key: digest ? `${prefix}:${type}:digest:${first.id}` : `${prefix}:${type}:${first.id}`,
          payload: payload as unknown as Record<string, unknown>,
          next_attempt_at: due,
        });
      }
    }
  }
  return out;
}

/** The outbox rows for these WB events and recipients (see plan). */
export function planNotifications(events: (WbEvent & { cabinet_name: string; sync_key?: string })[], recipients: RecipientRow[], now: Date): NewNotification[] {
  const source = events.map((e) => ({ ...e, subject_id: e.cabinet_id, subject_name: e.cabinet_name }));
  return plan('wb', source, recipients, now, (e, r) => notifyTypeFor(e as unknown as WbEvent, r));
}

/** The outbox rows for these Kaspi events and recipients: a Kaspi event's type is its notification type. */
export function planKaspiNotifications(events: KaspiEventRow[], recipients: RecipientRow[], now: Date): NewNotification[] {
  const source = events.map((e) => ({ ...e, subject_id: e.store_id, subject_name: e.store_name }));
  return plan('kaspi', source, recipients, now, (e) => ((KASPI_NOTIFY_TYPES as readonly string[]).includes(e.type) ? (e.type as NotifyType) : null));
}

/**
 * A gap sync writes one sync_gap summary per stream (and per page of a long stream), in separate
 * transactions. They wait while that cabinet's sync runs and for this long after the newest of
 * them, then become one message.
 */
export const GAP_SETTLE_MS = 60_000;

/** The sync_gap events to leave for a later fan-out: their cabinet's gap sync is not over yet. */
async function gapEventsToHold(db: Kysely<Database>, batch: WbEvent[], now: Date): Promise<Set<string>> {
  const gaps = batch.filter((e) => e.type === 'sync_gap');
  if (gaps.length === 0) return new Set();
  const syncing = await cabinetsSyncing(db, [...new Set(gaps.map((e) => e.cabinet_id))], now);
  const newest = new Map<string, number>();
  for (const e of gaps) newest.set(e.cabinet_id, Math.max(newest.get(e.cabinet_id) ?? 0, e.occurred_at.getTime()));
  const settling = (cabinet: string) => now.getTime() - newest.get(cabinet)! < GAP_SETTLE_MS;
  return new Set(gaps.filter((e) => syncing.has(e.cabinet_id) || settling(e.cabinet_id)).map((e) => e.id));
}

/** Turns every event not yet fanned out into outbox rows. Returns how many events and rows. */
export async function fanOut(db: Kysely<Database>, now: Date, batchSize = 5000): Promise<{ events: number; notifications: number }> {
  let events = 0;
  let notifications = 0;
  let after = '0';
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      let batch = await lockUnfannedEvents(trx, batchSize, after);
      if (batch.length === 0) return null;
      if (batch.length === batchSize) {
        // Keep one sync's events together (grouping): leave the last transaction's events for the next round.
        const last = batch.at(-1)!.sync_key;
        const cut = batch.filter((e) => e.sync_key !== last);
        if (cut.length > 0) batch = cut;
      }
      after = batch.at(-1)!.id;
      const held = await gapEventsToHold(trx, batch, now);
      const ready = batch.filter((e) => !held.has(e.id));
      const recipients = await activeRecipients(trx, [...new Set(ready.map((e) => e.cabinet_id))]);
      notifications += await insertNotifications(trx, planNotifications(ready, recipients, now));
      await markFanned(
        trx,
        ready.map((e) => e.id),
      );
      return ready.length;
    });
    if (done === null) break;
    events += done;
  }
  // Kaspi events: one sync's events stay together the same way.
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      let batch = await lockUnfannedKaspiEvents(trx, batchSize);
      if (batch.length === 0) return null;
      if (batch.length === batchSize) {
        const last = batch.at(-1)!.sync_key;
        const cut = batch.filter((e) => e.sync_key !== last);
        if (cut.length > 0) batch = cut;
      }
      const recipients = await activeStoreRecipients(trx, [...new Set(batch.map((e) => e.store_id))]);
      notifications += await insertNotifications(trx, planKaspiNotifications(batch, recipients, now));
      await markKaspiFanned(
        trx,
        batch.map((e) => e.id),
        now,
      );
      return batch.length;
    });
    if (done === null) break;
    events += done;
  }
  return { events, notifications };
}
