import type { Context } from '../../core/context.js';
import { UTC_MARKET } from '../../core/format.js';
import { jobStatuses } from '../../schedule/job-status.js';
import { listJobs } from '../../schedule/registry.js';
import { scheduleTimezone } from '../../schedule/schedule-config.js';

/** `mp jobs status`: per job the last run, its result, the next scheduled time, failures in 24 h. */
export async function jobsStatus(ctx: Context): Promise<void> {
  const jobs = await listJobs(ctx.config);
  const timezone = scheduleTimezone(ctx.config);
  const { db } = await ctx.db();
  const rows = await jobStatuses(db, ctx.config, jobs, timezone, ctx.clock.now());
  ctx.out.list(
    rows,
    [
      { key: 'job' },
      { key: 'schedule', priority: 3 },
      { key: 'last', header: 'last run', kind: 'time', get: (r) => r.lastRun?.startedAt },
      {
        key: 'result',
        get: (r) => {
          if (!r.lastRun) return '';
          const status = r.lastRunDied ? 'died' : r.lastRun.status;
          return r.lastRun.scope ? `${status} (${r.lastRun.scope})` : status;
        },
      },
      { key: 'next', header: 'next run', kind: 'time', get: (r) => r.nextRunAt ?? (r.schedule === 'continuous' ? 'continuous' : '') },
      { key: 'failures', header: 'failed 24h', get: (r) => r.failuresLast24h, kind: 'count', priority: 2 },
    ],
    // Times in the schedules' zone (MP_SCHEDULE_TZ), named in the heading.
    { json: (r) => ({ ...r, timezone }), market: { ...UTC_MARKET, timeZone: timezone, zoneLabel: timezone } },
  );
  if (!ctx.out.json && jobs.length === 0) ctx.log.warn('No jobs are available in this build.');
}
