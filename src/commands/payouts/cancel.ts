import type { Context } from '../../core/context.js';
import { cancelPayout } from '../../payouts/payouts.service.js';
import { payoutAccess, renderPayout } from './options.js';

export async function payoutsCancel(ctx: Context, id: string): Promise<void> {
  renderPayout(ctx, await cancelPayout(await payoutAccess(ctx), id));
}
