import type { Context } from '../../core/context.js';
import { duration, integer } from '../../core/validate.js';
import { tailEvents } from '../../notify/notify.service.js';
import { notifyDeps } from './notify-deps.js';

/** `mp wb notify tail [--json] [--from <event id>]`: prints WB events as the sync writes them, until Ctrl-C. */
export async function wbNotifyTail(ctx: Context, o: { from?: string; interval?: string }): Promise<number> {
  // Flags first: an interval of 0 was a busy loop, `--from abc` reached the database.
  const intervalMs = o.interval ? duration(o.interval, '--interval', { min: 100, max: 3_600_000 }) : 1000;
  const fromId = o.from === undefined ? undefined : String(integer(o.from, '--from', { min: 0, max: Number.MAX_SAFE_INTEGER }));
  const deps = await notifyDeps(ctx);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await tailEvents(deps.db, {
      fromId,
      intervalMs,
      signal: controller.signal,
      onEvent: (e) => {
        const record = {
          id: e.id,
          cabinet: e.cabinet_name,
          cabinet_id: e.cabinet_id,
          type: e.type,
          key: e.event_key,
          occurred_at: e.occurred_at,
          data: e.payload,
        };
        if (ctx.out.json) ctx.out.ndjson(record);
        else ctx.out.text([e.id, e.occurred_at.toISOString(), e.cabinet_name, e.type, e.event_key, JSON.stringify(e.payload)].join('\t'));
      },
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
