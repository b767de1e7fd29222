import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { parseSince } from '../../core/time.js';
import { listPayouts } from '../../payouts/payouts.service.js';
import { intOption, payoutColumns, withFieldErrors } from './options.js';

interface Options {
  status?: string;
  since?: string;
  limit?: string;
  cursor?: string;
}

export async function payoutsList(ctx: Context, options: Options): Promise<void> {
  const limit = intOption(options.limit, '--limit', 50, 1, 1000);
  let since: Date | undefined;
  if (options.since !== undefined) {
    try {
      since = parseSince(options.since, ctx.clock.now());
    } catch (error) {
      throw new UsageError('BAD_OPTION', `--since: ${(error as Error).message}`);
    }
  }
  const { db } = await ctx.db();
  const page = await withFieldErrors(ctx, () => listPayouts(db, { status: options.status, since, limit, cursor: options.cursor }));
  if (ctx.out.json) {
    ctx.out.jsonDocument(page);
    return;
  }
  ctx.out.list(page.items, payoutColumns);
  if (page.next_cursor) ctx.log.info(`More payouts: add --cursor ${page.next_cursor}`);
}
