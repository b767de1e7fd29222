// wb.notify: turn new Wildberries and Kaspi events into notifications and deliver everything due
// (Telegram, webhooks) through the delivery operation. Delivery claims outbox rows with leases itself,
// but one run at a time keeps Telegram's per-chat pacing in one place, so the operation takes the
// `wb.notify` lock, as every other delivery does.
import { operationDeps } from '../../core/operation-deps.js';
import { notifyConfig } from '../../notify/notify-config.js';
import { JobBusy, type JobDefinition, JobIncomplete } from '../registry.js';

export const wbNotify: JobDefinition = {
  name: 'wb.notify',
  description: 'fan out new Wildberries events into notifications and deliver what is due (Telegram, webhooks)',
  defaultSchedule: '* * * * *',
  locksItself: true,
  // A bad MP_TELEGRAM_RATE, MP_NOTIFY_LEASE, … is a usage error before anything runs or is recorded.
  checkSettings: (config) => void notifyConfig(config),
  async run(ctx) {
    const { deliverNotifications } = await import('../../notify/deliver.operation.js');
    const result = await deliverNotifications(await operationDeps(ctx));
    if (!result.delivered) throw new JobBusy('another mp process is delivering notifications');
    const summary = { ...result.stats, outbox: result.outbox };
    if (summary.dead > 0) throw new JobIncomplete(`${summary.dead} notification(s) were given up after their last attempt: see mp wb notify tail`, summary);
    return JSON.parse(JSON.stringify(summary)) as Record<string, unknown>;
  },
};
