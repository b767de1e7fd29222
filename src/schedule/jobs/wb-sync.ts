// wb.sync: pull orders, sales, stocks, reviews and cards of each Wildberries cabinet, one run (and
// lock) per cabinet. Streams WB asks us to wait for are `skipped` inside the run and picked up by
// the next one; a failed stream fails the run (with the per-stream summary kept).
import { type JobDefinition, JobIncomplete } from '../registry.js';

export const wbSync: JobDefinition = {
  name: 'wb.sync',
  description: 'sync every Wildberries cabinet (orders, sales, stocks, reviews, cards) and detect events',
  defaultSchedule: '*/5 * * * *',
  scopeKind: 'cabinet',
  async scopes(ctx) {
    const { listCabinets } = await import('../../wb/cabinet.repository.js');
    return (await listCabinets((await ctx.db()).db)).filter((c) => c.status !== 'disabled').map((c) => c.name);
  },
  async run(ctx, { scope }) {
    const { syncWb } = await import('../../wb/sync.service.js');
    const { db } = await ctx.db();
    const outcomes = await syncWb({ db, config: ctx.config, log: ctx.log, clock: ctx.clock, secretKey: await ctx.secretKey() }, { cabinet: scope });
    const streams: Record<string, unknown> = {};
    for (const o of outcomes) {
      streams[o.stream] = {
        status: o.status,
        new: o.rowsNew,
        updated: o.rowsUpdated,
        events: o.events,
        ...(o.error ? { error: `${o.errorCode ?? ''} ${o.error}`.trim() } : {}),
      };
    }
    const sum = (key: 'rowsNew' | 'rowsUpdated' | 'events') => outcomes.reduce((n, o) => n + (o[key] ?? 0), 0);
    const failed = outcomes.filter((o) => o.status === 'failed');
    const summary = {
      rows_new: sum('rowsNew'),
      rows_updated: sum('rowsUpdated'),
      events: sum('events'),
      skipped: outcomes.filter((o) => o.status === 'skipped').length,
      failed: failed.length,
      streams,
    };
    if (failed.length > 0) throw new JobIncomplete(`${failed.map((o) => `${o.cabinet}/${o.stream}: ${o.error}`).join('; ')}`, summary);
    return summary;
  },
};
