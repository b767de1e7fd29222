// A few payouts in every state, with their events, for tests that need payout rows (exports).
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { cancelPayout, createPayout, deletePayout, type PayoutAccess } from '../../src/payouts/payouts.service.js';
import { claimPayouts, finishPayouts } from '../../src/payouts/payouts-queue.repository.js';

/** The secret key payout tests seal recipients with. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7);

/** Payouts as every user sees them (no MP_USER), sealed with TEST_SECRET_KEY; or as `user`'s. */
export function testPayoutAccess(db: Kysely<Database>, user?: string): PayoutAccess {
  return { db, key: TEST_SECRET_KEY, user };
}

export async function seedPayouts(db: Kysely<Database>): Promise<void> {
  const done = await createPayout(testPayoutAccess(db), { amount: '1500.25', currency: 'RUB', recipient: '40817810099910004312', comment: 'March; "rent"' });
  const failed = await createPayout(testPayoutAccess(db), { amount: '0.01', currency: 'USD', recipient: 'acct-9' }, 'seed-key-1');
  await claimPayouts(db, 'seed-worker', 10, 60_000);
  await finishPayouts(db, 'seed-worker', [
    { id: done.payout.id, result: 'COMPLETED', detail: 'ref-1' },
    { id: failed.payout.id, result: 'FAILED', detail: 'provider answered HTTP 422' },
  ]);
  await createPayout(testPayoutAccess(db), { amount: '1000000000000', currency: 'EUR', recipient: 'DE89370400440532013000' });
  const gone = await createPayout(testPayoutAccess(db), { amount: '7', currency: 'RUB', recipient: 'acct-7' });
  await cancelPayout(testPayoutAccess(db), gone.payout.id);
  await deletePayout(testPayoutAccess(db), gone.payout.id);
}
