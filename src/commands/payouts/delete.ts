import type { Context } from '../../core/context.js';
import { deletePayout } from '../../payouts/payouts.service.js';
import { payoutAccess } from './options.js';

export async function payoutsDelete(ctx: Context, id: string): Promise<void> {
  await deletePayout(await payoutAccess(ctx), id);
  if (ctx.out.json) ctx.out.jsonDocument({ id, deleted: true });
  else ctx.log.info(`Deleted payout ${id} (its history is kept).`);
}
