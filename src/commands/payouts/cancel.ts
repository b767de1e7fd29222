import type { Context } from '../../core/context.js';
import { cancelPayout } from '../../payouts/payouts.service.js';
import { renderPayout } from './options.js';

export async function payoutsCancel(ctx: Context, id: string): Promise<void> {
  const { db } = await ctx.db();
  renderPayout(ctx, await cancelPayout(db, id));
}
