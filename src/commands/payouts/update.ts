import type { Context } from '../../core/context.js';
import { validateUpdate } from '../../payouts/payout.validation.js';
import { invalidPayout, updatePayout } from '../../payouts/payouts.service.js';
import { payoutAccess, renderPayout, withFieldErrors } from './options.js';

interface Options {
  amount?: string;
  recipient?: string;
  comment?: string;
}

export async function payoutsUpdate(ctx: Context, id: string, options: Options): Promise<void> {
  const body: Record<string, unknown> = {};
  for (const key of ['amount', 'recipient', 'comment'] as const) if (options[key] !== undefined) body[key] = options[key];
  const payout = await withFieldErrors(ctx, async () => {
    // Bad flags fail before the database is opened.
    const checked = validateUpdate(body);
    if (!checked.ok) throw invalidPayout(checked.errors);
    return updatePayout(await payoutAccess(ctx), id, body);
  });
  renderPayout(ctx, payout);
}
