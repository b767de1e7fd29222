// `mp notify dead`: the notifications given up after their last attempt, and putting them back in
// the queue.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { listDead, requeueDead } from './outbox.repository.js';
import { recipientId, recipientsOf, requireRecipient, subjectOf } from './recipient.service.js';

/** A dead notification as `mp notify dead` shows it. */
export interface DeadNotification {
  id: string;
  recipient: string;
  of: string;
  channel: string;
  type: string;
  /** Events the notification carries (a digest carries several). */
  events: number;
  attempts: number;
  created_at: Date;
  error: string | null;
}

/**
 * The dead notifications of one recipient (`--recipient`), or of every recipient `user` may see
 * (undefined: everyone's), newest first, at most `limit`.
 */
export async function deadNotifications(db: Kysely<Database>, o: { recipient?: string; limit: number; user?: string }): Promise<DeadNotification[]> {
  const recipients = o.recipient ? [await requireRecipient(db, recipientId(o.recipient, '--recipient'), o.user)] : await recipientsOf(db, {}, o.user);
  const byId = new Map(recipients.map((r) => [r.id, r]));
  const rows = await listDead(db, { recipientIds: o.recipient || o.user !== undefined ? [...byId.keys()] : undefined, limit: o.limit });
  return rows.map((r) => {
    const rec = byId.get(r.recipient_id);
    const events = Array.isArray((r.payload as { events?: unknown[] }).events) ? (r.payload as { events: unknown[] }).events.length : 1;
    return {
      id: r.id,
      recipient: r.recipient_id,
      of: rec ? subjectOf(rec) : '',
      channel: rec ? `${rec.channel} ${rec.chat_id ?? rec.webhook_url}` : '',
      type: r.type,
      events,
      attempts: r.attempts,
      created_at: r.created_at,
      error: r.last_error,
    };
  });
}

/** Puts these dead notifications back in the queue, due now; returns how many were requeued. */
export function requeueDeadNotifications(db: Kysely<Database>, ids: string[], now: Date): Promise<number> {
  return requeueDead(db, ids, now);
}
