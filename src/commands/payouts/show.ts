import type { Context } from '../../core/context.js';
import { getPayout } from '../../payouts/payouts.service.js';
import { eventColumns, payoutAccess } from './options.js';

export async function payoutsShow(ctx: Context, id: string, options: { showRecipient?: boolean } = {}): Promise<void> {
  // The recipient is masked unless asked for (--show-recipient): it is opened with the secret key.
  const { payout, events } = await getPayout(await payoutAccess(ctx), id, { reveal: options.showRecipient });
  if (ctx.out.json) {
    ctx.out.jsonDocument({ ...payout, events });
    return;
  }
  ctx.out.object({ ...payout });
  ctx.out.text('');
  ctx.out.list(events, eventColumns);
}
