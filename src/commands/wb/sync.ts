import type { Context } from '../../core/context.js';
import { AuthError, PartialFailure } from '../../core/errors.js';
import { WB } from '../../core/format.js';
import { reportSavedOnInterrupt } from '../../core/interrupt.js';

import { syncWbCabinets } from '../../wb/sync.operation.js';
import { syncStatus } from '../../wb/sync.service.js';
import { renewCommand } from '../../wb/token.js';

import { parseStreams, wbDeps, wbSince } from './deps.js';

interface Options {
  cabinet?: string;
  since?: string;
  only?: string;
  status?: boolean;
}

/**
 * `mp wb sync`: exit 1 when a stream failed (skipped streams are fine: cron runs again; so is a cabinet
 * another process is syncing right now, whose streams show as skipped).
 */
export async function wbSync(ctx: Context, options: Options): Promise<void> {
  const deps = await wbDeps(ctx);
  if (options.status) {
    const runs = await syncStatus(deps.db, options.cabinet, ctx.clock.now(), deps.userName);
    ctx.out.list(
      runs,
      [
        { key: 'cabinet', shrink: true },
        { key: 'stream' },
        { key: 'status' },
        { key: 'initial', priority: 5 },
        { key: 'started_at', header: 'started', kind: 'time', priority: 4 },
        { key: 'finished_at', header: 'finished', kind: 'time' },
        { key: 'rows_new', header: 'new', kind: 'count' },
        { key: 'rows_updated', header: 'updated', kind: 'count', priority: 3 },
        { key: 'next_allowed_at', header: 'next allowed', kind: 'time', priority: 2 },
        { key: 'error', shrink: true, ellipsis: 'end' },
      ],
      { market: WB },
    );
    return;
  }
  const only = parseStreams(options.only);
  const since = options.since ? wbSince(options.since, ctx, '30d') : undefined;
  let ended = 0;
  const endReport = reportSavedOnInterrupt(
    () => `${ended} stream(s) synced and saved; a stream cut off keeps the pages it finished and goes on from there next time`,
  );
  const { outcomes } = await syncWbCabinets(
    { ...deps, handle: await ctx.db(), user: deps.userName },
    {
      cabinet: options.cabinet,
      since,
      only,
      onStream: (o) => {
        if (o.status === 'ok') ended++;
      },
    },
  ).finally(endReport);
  ctx.out.list(outcomes, [
    { key: 'cabinet', shrink: true },
    { key: 'stream' },
    { key: 'status' },
    { key: 'initial', priority: 4 },
    { key: 'rowsNew', header: 'new', kind: 'count' },
    { key: 'rowsUpdated', header: 'updated', kind: 'count', priority: 3 },
    { key: 'events', kind: 'count', priority: 2 },
    { key: 'error', shrink: true, ellipsis: 'end' },
  ]);
  const failed = outcomes.filter((o) => o.status === 'failed');
  // Every failure a refused or expired token: exit 4 (authentication), saying how to give mp a new one.
  if (failed.length > 0 && failed.every((o) => AUTH_CODES.has(o.errorCode ?? ''))) {
    // Each stream's failure is logged already: this line says what they add up to and what to do.
    const cabinets = [...new Set(failed.map((o) => o.cabinet))];
    throw new AuthError(
      failed[0]!.errorCode!,
      `the Wildberries token of ${cabinets.map((c) => `"${c}"`).join(', ')} is expired or refused: create a new one in the seller cabinet (Settings → API access) and run ${cabinets.map((c) => renewCommand(c)).join(', ')}`,
    );
  }
  if (failed.length > 0)
    throw new PartialFailure('WB_SYNC_PARTIAL', `${failed.length} of ${outcomes.length} stream(s) failed: the error column says why; the others are saved`);
}

const AUTH_CODES = new Set(['WB_UNAUTHORIZED', 'WB_FORBIDDEN', 'WB_TOKEN_EXPIRED']);
