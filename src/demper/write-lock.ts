// Price writes of one merchant are serialised across every mp process and host (a PostgreSQL
// advisory lock per merchant), so n shards on n hosts together stay at ≤ 1.5 writes/s instead of n × 1.5.
import type { DbHandle } from '../db/connect.js';
import { withAdvisoryLock } from '../db/locks.js';

export type WriteLock = <T>(merchantId: string, fn: () => Promise<T>) => Promise<T>;

/** Waits (polling every `pollMs`) for the merchant's write lock, then runs `fn` holding it. */
export function merchantWriteLock(handle: DbHandle, pollMs = 500): WriteLock {
  return async (merchantId, fn) => {
    for (;;) {
      const result = await withAdvisoryLock(handle, `demper-writes:${merchantId}`, fn);
      if (result.acquired) return result.value;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  };
}
