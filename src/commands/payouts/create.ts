import type { Context } from '../../core/context.js';
import { createPayout } from '../../payouts/payouts.service.js';
import { renderPayout, withFieldErrors } from './options.js';

interface Options {
  amount?: string;
  currency?: string;
  recipient?: string;
  comment?: string;
  idempotencyKey?: string;
}

export async function payoutsCreate(ctx: Context, options: Options): Promise<void> {
  const body = { amount: options.amount, currency: options.currency, recipient: options.recipient, comment: options.comment };
  const { db } = await ctx.db();
  const { payout, created } = await withFieldErrors(ctx, () => createPayout(db, body, options.idempotencyKey));
  if (!created) ctx.log.info(`Payout ${payout.id} already exists with this idempotency key; nothing created.`);
  renderPayout(ctx, payout);
}
