// Helpers shared by the `mp payouts` commands: flag parsing, field errors, rendering.
import type { Context } from '../../core/context.js';
import { isMpError, UsageError } from '../../core/errors.js';
import type { Column } from '../../core/output.js';
import { currentUser } from '../../core/user.js';
import type { PayoutAccess, PublicEvent, PublicPayout } from '../../payouts/payouts.service.js';

/** The payouts of the current user (MP_USER), with the key that seals their recipients. */
export async function payoutAccess(ctx: Context): Promise<PayoutAccess> {
  return { db: (await ctx.db()).db, key: await ctx.secretKey(), user: currentUser(ctx.config) };
}

/** A whole number flag within bounds, or UsageError naming the flag. */
export function intOption(value: string | undefined, flag: string, fallback: number, min = 1, max = 1_000_000): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError('BAD_OPTION', `${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/**
 * Runs a service call; invalid payout input becomes one stderr line per field (`--amount: …`)
 * before the usage error (exit 2) propagates.
 */
export async function withFieldErrors<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const fields = isMpError(error) ? (error.details?.fields as Record<string, string> | undefined) : undefined;
    if (isMpError(error) && fields && error instanceof UsageError) {
      const flag = (field: string) => (field === 'body' ? 'options' : `--${field.replace(/_/g, '-')}`);
      // With --json the error is one JSON object (its `fields` name each flag), not a line per flag.
      if (ctx.out.json) {
        const text = Object.entries(fields).map(([field, message]) => `${flag(field)}: ${message}`);
        throw new UsageError(error.code, text.join('; '), { details: { fields } });
      }
      for (const [field, message] of Object.entries(fields)) ctx.log.error(`${flag(field)}: ${message}`, { code: error.code, field });
      throw new UsageError(error.code, `${Object.keys(fields).length} invalid option(s)`, { hint: 'fix the lines above; see --help' });
    }
    throw error;
  }
}

// The id is the key (`mp payouts show <id>`); the amount shows its currency, so the currency column
// is the first to go on a narrow terminal. Times are UTC (payouts belong to no marketplace).
export const payoutColumns: Column<PublicPayout>[] = [
  { key: 'id' },
  { key: 'status' },
  { key: 'amount', kind: 'money', currency: (p) => p.currency },
  { key: 'currency', priority: 6 },
  { key: 'recipient', priority: 3 },
  { key: 'attempts', kind: 'count', priority: 5 },
  { key: 'created_at', header: 'created', kind: 'time', priority: 2 },
  { key: 'comment', shrink: true, ellipsis: 'end', priority: 4 },
];

export const eventColumns: Column<PublicEvent>[] = [
  { key: 'at', kind: 'time' },
  { key: 'from' },
  { key: 'to' },
  { key: 'worker', shrink: true, priority: 3 },
  { key: 'detail', shrink: true, ellipsis: 'end' },
];

/** One payout as `key value` lines (or its JSON). */
export function renderPayout(ctx: Context, payout: PublicPayout): void {
  ctx.out.object({ ...payout }, payout);
}
