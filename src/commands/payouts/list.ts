import type { Context } from '../../core/context.js';
import { parseSince } from '../../core/time.js';
import type { FieldErrors } from '../../payouts/payout.validation.js';
import { badListQuery, type ListOptions, listPayouts, listQueryErrors } from '../../payouts/payouts.service.js';
import { payoutAccess, payoutColumns, withFieldErrors } from './options.js';

interface Options {
  showRecipient?: boolean;
  status?: string;
  since?: string;
  limit?: string;
  cursor?: string;
}

export async function payoutsList(ctx: Context, options: Options): Promise<void> {
  // Every bad option is reported (one line each) before the database is opened.
  const fields: FieldErrors = {};
  let since: Date | undefined;
  if (options.since !== undefined) {
    try {
      since = parseSince(options.since, ctx.clock.now());
    } catch {
      fields.since = 'must be a duration like 7d or 12h, or a date like 2026-11-01';
    }
  }
  const limit = options.limit === undefined ? undefined : /^\d{1,4}$/.test(options.limit.trim()) ? Number(options.limit) : Number.NaN;
  const query: ListOptions = { status: options.status, since, limit, cursor: options.cursor };
  await withFieldErrors(ctx, async () => {
    const errors = { ...fields, ...listQueryErrors(query) };
    if (Object.keys(errors).length) throw badListQuery(errors);
  });
  const page = await listPayouts(await payoutAccess(ctx), { ...query, reveal: options.showRecipient });
  if (ctx.out.json) {
    ctx.out.jsonDocument(page);
    return;
  }
  ctx.out.list(page.items, payoutColumns);
  if (page.next_cursor) ctx.log.info(`More payouts: add --cursor ${page.next_cursor}`);
}
