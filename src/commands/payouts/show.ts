import type { Context } from '../../core/context.js';
import { getPayout } from '../../payouts/payouts.service.js';
import { eventColumns } from './options.js';

export async function payoutsShow(ctx: Context, id: string): Promise<void> {
  const { db } = await ctx.db();
  const { payout, events } = await getPayout(db, id);
  if (ctx.out.json) {
    ctx.out.jsonDocument({ ...payout, events });
    return;
  }
  ctx.out.object({ ...payout });
  ctx.out.text('');
  ctx.out.list(events, eventColumns);
}
