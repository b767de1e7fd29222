import type { Command } from 'commander';
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { currentUser } from '../../core/user.js';
import { duration, integer } from '../../core/validate.js';
import { tailEvents } from '../../notify/notify.service.js';
import type { Marketplace } from '../../notify/types.js';
import { notifyDeps } from './notify-deps.js';

/**
 * `mp notify tail [--json] [--marketplace wb|kaspi] [--from <event id>]`: prints events as the syncs
 * and the repricer write them, until Ctrl-C. `mp wb notify tail --from N` keeps meaning a WB event id.
 */
export async function wbNotifyTail(ctx: Context, o: { from?: string; interval?: string; marketplace?: string }, command?: Command): Promise<void> {
  // Flags first: an interval of 0 was a busy loop, `--from abc` reached the database.
  const intervalMs = o.interval ? duration(o.interval, '--interval', { min: 100, max: 3_600_000 }) : 1000;
  const fromId = o.from === undefined ? undefined : String(integer(o.from, '--from', { min: 0, max: Number.MAX_SAFE_INTEGER }));
  if (o.marketplace !== undefined && o.marketplace !== 'wb' && o.marketplace !== 'kaspi')
    throw new UsageError('NOTIFY_BAD_MARKETPLACE', `--marketplace takes wb or kaspi, got "${o.marketplace}"`);
  // Under `mp wb notify` the tail is WB's, as it always was.
  const underWb = command?.parent?.parent?.name() === 'wb';
  const marketplace = (o.marketplace as Marketplace | undefined) ?? (underWb ? 'wb' : undefined);
  if (fromId !== undefined && !marketplace)
    throw new UsageError('NOTIFY_FROM_NEEDS_MARKETPLACE', '--from is an event id of one marketplace: add --marketplace wb or --marketplace kaspi');
  const deps = await notifyDeps(ctx);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await tailEvents(deps.db, {
      marketplaces: marketplace ? [marketplace] : undefined,
      fromId,
      intervalMs,
      user: currentUser(ctx.config),
      signal: controller.signal,
      onEvent: (e) => {
        const record = {
          marketplace: e.marketplace,
          id: e.id,
          ...(e.marketplace === 'wb' ? { cabinet: e.subject, cabinet_id: e.subject_id } : { store: e.subject, store_id: e.subject_id }),
          type: e.type,
          key: e.key,
          occurred_at: e.occurred_at,
          data: e.data,
        };
        if (ctx.out.json) ctx.out.ndjson(record);
        else ctx.out.text([e.marketplace, e.id, e.occurred_at.toISOString(), e.subject, e.type, e.key, JSON.stringify(e.data)].join('\t'));
      },
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
