// Delivery: claims due outbox rows and sends them over Telegram or webhooks, paced, with retries.
//
// Exactly once to a person, although Telegram has no idempotency key:
//  1. claim: rows become `sending` with a lease (FOR UPDATE SKIP LOCKED), so two processes never
//     hold the same row;
//  2. just before each HTTP call, `in_flight_at` is committed — the durable record that a request
//     may have left — and the lease renewed (MP_NOTIFY_LEASE, default 10 min, from that moment);
//  3. after the call, the part is marked sent (or the row failed) and `in_flight_at` cleared.
// A crash between 1 and 2 leaves `sending` without in_flight_at: once the lease expires the row is
// simply claimed again (nothing was sent). A crash between 2 and 3 leaves in_flight_at set: nobody
// can know whether Telegram got it, and resending risks the duplicate users hate most, so that part
// is counted as sent and flagged `unconfirmed` (resolveInDoubt); remaining parts still go out.
// Webhooks are resent instead: their receivers dedupe by the stable `id`. The doubt window is one
// HTTP round trip plus the wait for the overall pace (a few slots), not a batch. Workers that are about to send in the same tick share one
// in-flight UPDATE (each still waits for its commit before its request leaves). Marking sent is buffered (≤ 100 ms or 200 rows): a crash loses only
// marks, and rows whose mark was lost are in doubt, never resent to Telegram.
import type { Kysely } from 'kysely';
import type { Logger } from '../core/log.js';
import type { Database } from '../db/schema.js';
import { Delivery } from './delivery-run.js';

import { fanOut } from './fanout.service.js';
import type { ClaimedRow } from './outbox.repository.js';
import type { Pacer } from './pacer.js';
import type { TelegramClient } from './telegram/telegram-client.js';

export { retryDelayMs } from './delivery-run.js';

export interface DeliverOptions {
  now: () => Date;
  secretKey: Buffer;
  /** Telegram client and pacer; without them Telegram rows are left waiting. */
  telegram?: { client: TelegramClient; pacer: Pacer };
  log?: Logger;
  worker?: string;
  batchSize?: number;
  leaseMs?: number;
  /** Requests in flight at once (default 8; one per chat at a time). */
  concurrency?: number;
  telegramMaxAttempts?: number;
  webhookMaxAttempts?: number;
  /** The longest 429 retry_after waited for inline; longer ones reschedule the row. */
  maxInlineWaitMs?: number;
  /** Fault injection for tests: called after a request succeeded and before it is marked. */
  afterSend?: (row: ClaimedRow, part: number) => void | Promise<void>;
}

export interface DeliverStats {
  events: number;
  created: number;
  sent: number;
  retried: number;
  dead: number;
  held: number;
  unconfirmed: number;
}

/** Fans out new events, then sends everything due. Returns what happened. */
export async function deliverPending(db: Kysely<Database>, o: DeliverOptions): Promise<DeliverStats> {
  const stats: DeliverStats = { events: 0, created: 0, sent: 0, retried: 0, dead: 0, held: 0, unconfirmed: 0 };
  const fan = await fanOut(db, o.now());
  stats.events = fan.events;
  stats.created = fan.notifications;
  await new Delivery(db, o, stats).run();
  return stats;
}
