// wb.notify: turn new Wildberries events into notifications and deliver everything due (Telegram,
// webhooks). Delivery claims outbox rows with leases itself, but one run at a time keeps Telegram's
// per-chat pacing in one place, so it takes the job lock like the others.
import { type JobDefinition, JobIncomplete } from '../registry.js';

export const wbNotify: JobDefinition = {
  name: 'wb.notify',
  description: 'fan out new Wildberries events into notifications and deliver what is due (Telegram, webhooks)',
  defaultSchedule: '* * * * *',
  async run(ctx) {
    const [{ deliverNow }, { countByStatus }] = await Promise.all([import('../../notify/notify.service.js'), import('../../notify/outbox.repository.js')]);
    const { db } = await ctx.db();
    const stats = await deliverNow({ db, config: ctx.config, log: ctx.log, clock: ctx.clock, secretKey: await ctx.secretKey() });
    const summary = { ...stats, outbox: await countByStatus(db) };
    if (stats.dead > 0) throw new JobIncomplete(`${stats.dead} notification(s) were given up after their last attempt: see mp wb notify tail`, summary);
    return JSON.parse(JSON.stringify(summary)) as Record<string, unknown>;
  },
};
