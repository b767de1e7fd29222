// Notification delivery as one unit of work: `mp wb notify deliver`, `mp wb notify test`,
// `mp notify dead --requeue`, the bot's periodic delivery and the scheduled `wb.notify` job all call
// deliverNotifications. It runs under the `wb.notify` lock (one delivery at a time on every host, so
// Telegram's pace is never counted twice); when another process holds it, nothing is sent here and
// that process sends what is due.
import type { DbHandle } from '../db/connect.js';
import { jobLockName, withAdvisoryLock } from '../db/locks.js';
import type { DeliverStats } from './deliver.service.js';
import { deliverNow, type NotifyDeps, type telegramChannel } from './notify.service.js';
import { countByStatus } from './outbox.repository.js';

export const NOTIFY_DELIVER_JOB = 'wb.notify';

export interface DeliverOperationDeps extends NotifyDeps {
  /** The database handle the lock is taken on (its `db` is `deps.db`). */
  handle: DbHandle;
}

export interface DeliverOperationOptions {
  /** The bot's own Telegram client and pacer (default: one for the configured bot token, closed after). */
  telegram?: Awaited<ReturnType<typeof telegramChannel>>;
  /** Also count the outbox by status afterwards (default true). */
  outbox?: boolean;
}

export type DeliverResult =
  /** `telegram`: whether a bot token was set (Telegram rows wait without one). */
  | { delivered: true; stats: DeliverStats & { telegram: boolean }; outbox: Record<string, number> }
  /** Another process holds the lock and delivers: nothing was sent from here. */
  | { delivered: false; lock: string; outbox: Record<string, number> };

/** The lock every delivery runs under. */
export function deliverLockName(): string {
  return jobLockName(NOTIFY_DELIVER_JOB, null);
}

/** Fans out new events and sends everything due, under the delivery lock; returns what happened. */
export async function deliverNotifications(deps: DeliverOperationDeps, options: DeliverOperationOptions = {}): Promise<DeliverResult> {
  const lock = deliverLockName();
  const locked = await withAdvisoryLock(deps.handle, lock, () => deliverNow(deps, options.telegram));
  const outbox = options.outbox === false ? {} : await countByStatus(deps.db);
  if (!locked.acquired) return { delivered: false, lock, outbox };
  return { delivered: true, stats: locked.value, outbox };
}
