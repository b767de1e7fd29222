import type { Context } from '../../core/context.js';
import { checkIdempotencyKey, validateCreate } from '../../payouts/payout.validation.js';
import { createPayout, invalidPayout } from '../../payouts/payouts.service.js';
import { payoutAccess, renderPayout, withFieldErrors } from './options.js';

interface Options {
  amount?: string;
  currency?: string;
  recipient?: string;
  comment?: string;
  idempotencyKey?: string;
}

export async function payoutsCreate(ctx: Context, options: Options): Promise<void> {
  const body = { amount: options.amount, currency: options.currency, recipient: options.recipient, comment: options.comment };
  const { payout, created } = await withFieldErrors(ctx, async () => {
    // Bad flags fail before the database is opened (fast, and works with no database at all).
    const checked = validateCreate(body);
    const key = checkIdempotencyKey(options.idempotencyKey ?? null);
    if (!checked.ok || key.error) throw invalidPayout({ ...(checked.ok ? {} : checked.errors), ...(key.error ? { idempotency_key: key.error } : {}) });
    return createPayout(await payoutAccess(ctx), body, options.idempotencyKey);
  });
  if (!created) ctx.log.info(`Payout ${payout.id} already exists with this idempotency key; nothing created.`);
  renderPayout(ctx, payout);
}
