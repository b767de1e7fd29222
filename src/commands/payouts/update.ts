import type { Context } from '../../core/context.js';
import { updatePayout } from '../../payouts/payouts.service.js';
import { renderPayout, withFieldErrors } from './options.js';

interface Options {
  amount?: string;
  recipient?: string;
  comment?: string;
}

export async function payoutsUpdate(ctx: Context, id: string, options: Options): Promise<void> {
  const body: Record<string, unknown> = {};
  for (const key of ['amount', 'recipient', 'comment'] as const) if (options[key] !== undefined) body[key] = options[key];
  const { db } = await ctx.db();
  renderPayout(ctx, await withFieldErrors(ctx, () => updatePayout(db, id, body)));
}
