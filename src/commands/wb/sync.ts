import type { Context } from '../../core/context.js';
import { formatZoned, MOSCOW } from '../../core/time.js';
import { syncStatus, syncWb } from '../../wb/sync.service.js';
import { parseStreams, wbDeps, wbSince } from './deps.js';

interface Options {
  cabinet?: string;
  since?: string;
  only?: string;
  status?: boolean;
}

/** `mp wb sync`: exit 1 when a stream failed (skipped streams are fine: cron runs again). */
export async function wbSync(ctx: Context, options: Options): Promise<number> {
  const deps = await wbDeps(ctx);
  if (options.status) {
    const runs = await syncStatus(deps.db, options.cabinet, ctx.clock.now(), deps.userName);
    ctx.out.list(runs, [
      { key: 'cabinet' },
      { key: 'stream' },
      { key: 'status' },
      { key: 'initial' },
      { key: 'started_at', header: 'started' },
      { key: 'finished_at', header: 'finished' },
      { key: 'rows_new', header: 'new', align: 'right' },
      { key: 'rows_updated', header: 'updated', align: 'right' },
      { key: 'next_allowed_at', header: 'next allowed (MSK)', get: (r) => (r.next_allowed_at ? formatZoned(r.next_allowed_at, MOSCOW) : '') },
      { key: 'error' },
    ]);
    return 0;
  }
  const only = parseStreams(options.only);
  const since = options.since ? wbSince(options.since, ctx, '30d') : undefined;
  const outcomes = await syncWb({ ...deps, user: deps.userName }, { cabinet: options.cabinet, since, only });
  ctx.out.list(outcomes, [
    { key: 'cabinet' },
    { key: 'stream' },
    { key: 'status' },
    { key: 'initial' },
    { key: 'rowsNew', header: 'new', align: 'right' },
    { key: 'rowsUpdated', header: 'updated', align: 'right' },
    { key: 'events', align: 'right' },
    { key: 'error' },
  ]);
  return outcomes.some((o) => o.status === 'failed') ? 1 : 0;
}
