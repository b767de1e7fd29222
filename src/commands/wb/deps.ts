// What the WB commands hand to the WB services: the database, config, logger, clock, secret key, user.
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { MOSCOW, parseSince } from '../../core/time.js';
import { currentUser } from '../../core/user.js';
import type { WbStream } from '../../db/schema/wb.js';
import type { CabinetDeps } from '../../wb/cabinet.service.js';

export async function wbDeps(ctx: Context): Promise<CabinetDeps> {
  const handle = await ctx.db();
  return { db: handle.db, config: ctx.config, log: ctx.log, clock: ctx.clock, secretKey: await ctx.secretKey(), userName: currentUser(ctx.config) };
}

export { currentUser } from '../../core/user.js';

/** `--since` for WB: relative ages and dates are read in Moscow time. */
export function wbSince(text: string | undefined, ctx: Context, fallback: string): Date {
  return parseSince(text ?? fallback, ctx.clock.now(), MOSCOW);
}

const STREAMS: readonly WbStream[] = ['cards', 'orders', 'sales', 'stocks', 'reviews', 'realization'];

export function parseStreams(text: string | undefined): WbStream[] | undefined {
  if (!text) return undefined;
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((s) => !STREAMS.includes(s as WbStream));
  if (bad.length) throw new UsageError('WB_BAD_STREAM', `--only takes ${STREAMS.join(', ')}; got "${bad.join(', ')}"`);
  return list as WbStream[];
}
