// What the notify commands call: delivery with the configured Telegram bot and pace, test
// messages, and the live event tail.
import type { Kysely } from 'kysely';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { Clock } from '../core/time.js';
import type { Database } from '../db/schema.js';
import { type DeliverStats, deliverPending } from './deliver.service.js';
import { eventsAfter, lastEventId } from './fanout.repository.js';
import { notifyConfig } from './notify-config.js';
import { insertNotifications } from './outbox.repository.js';
import { Pacer, sleep } from './pacer.js';
import { activeRecipients } from './recipient.repository.js';
import { recipientsOf } from './recipient.service.js';
import { resolveBotToken } from './telegram/bot-token.js';
import { TelegramClient } from './telegram/telegram-client.js';
import type { NotificationPayload, NotifyType, WbEvent } from './types.js';

export interface NotifyDeps {
  db: Kysely<Database>;
  config: Config;
  log: Logger;
  clock: Clock;
  secretKey: Buffer;
}

/** A Telegram client and pacer for the configured bot, or undefined without a token. */
export async function telegramChannel(deps: NotifyDeps): Promise<{ client: TelegramClient; pacer: Pacer } | undefined> {
  const bot = await resolveBotToken(deps.db, deps.config, deps.secretKey);
  if (!bot) return undefined;
  const nc = notifyConfig(deps.config);
  return {
    client: new TelegramClient({ baseUrl: nc.telegramUrl, token: bot.token, log: deps.log }),
    pacer: new Pacer({ perSecond: nc.perSecond, perChatMs: nc.perChatMs }),
  };
}

/** Fans out new events and sends everything due; warns when Telegram rows wait for a bot token. */
export async function deliverNow(deps: NotifyDeps, telegram?: Awaited<ReturnType<typeof telegramChannel>>): Promise<DeliverStats & { telegram: boolean }> {
  const channel = telegram ?? (await telegramChannel(deps));
  const nc = notifyConfig(deps.config);
  try {
    const stats = await deliverPending(deps.db, {
      now: () => deps.clock.now(),
      secretKey: deps.secretKey,
      telegram: channel,
      log: deps.log,
      webhookMaxAttempts: nc.webhookMaxAttempts,
      telegramMaxAttempts: nc.telegramMaxAttempts,
      leaseMs: nc.leaseMs,
    });
    return { ...stats, telegram: Boolean(channel) };
  } finally {
    if (!telegram) await channel?.client.close();
  }
}

const SAMPLES: Record<NotifyType, { type: WbEvent['type']; data: Record<string, unknown> }> = {
  new_order: {
    type: 'new_order',
    data: { srid: 'sample-srid', nmId: 123456, name: 'Sample product', prices: { finishedPrice: '1290' }, warehouse: 'Коледино', region: 'Москва' },
  },
  cancellation: { type: 'cancellation', data: { srid: 'sample-srid', nmId: 123456, name: 'Sample product', prices: { finishedPrice: '1290' } } },
  buyout: { type: 'buyout', data: { saleId: 'S0000000', nmId: 123456, name: 'Sample product', forPay: '1100' } },
  return: { type: 'return', data: { saleId: 'R0000000', nmId: 123456, name: 'Sample product', forPay: '-1100' } },
  negative_review: {
    type: 'new_review',
    data: { nmId: 123456, name: 'Sample product', rating: 2, text: 'Sample review text', pros: 'Sample pros', cons: 'Sample cons' },
  },
  critical_stock: { type: 'stock_change', data: { nmId: 123456, name: 'Sample product', old_total: 5, new_total: 1 } },
  sync_gap: { type: 'sync_gap', data: { counts: { new_order: 12, buyout: 3 } } },
};

/** Queues one sample of each enabled type for each recipient (or one); returns how many. */
export async function queueTestNotifications(deps: NotifyDeps, recipientId?: string, user?: string): Promise<number> {
  const now = deps.clock.now();
  // Only the recipients of cabinets `user` may see (undefined: every recipient).
  const all = await recipientsOf(deps.db, undefined, user);
  const active = await activeRecipients(deps.db, [...new Set(all.map((r) => r.cabinet_id))]);
  const targets = active.filter((r) => !recipientId || r.id === recipientId);
  const names = new Map(all.map((r) => [r.id, r.cabinet_name]));
  const rows = targets.flatMap((r) =>
    (r.types as NotifyType[]).map((type) => {
      const payload: NotificationPayload = {
        type,
        cabinet: { id: r.cabinet_id, name: names.get(r.id) },
        events: [{ id: '0', key: `sample-${type}`, occurred_at: now.toISOString(), data: SAMPLES[type].data }],
        sample: true,
      };
      return {
        recipient_id: r.id,
        cabinet_id: r.cabinet_id,
        type,
        dedup_key: `test:${type}:${now.getTime()}`,
        payload: payload as unknown as Record<string, unknown>,
        next_attempt_at: now,
      };
    }),
  );
  return insertNotifications(deps.db, rows);
}

/** Streams wb_events as they are written (polling), from the current end unless `fromId` is given. */
export async function tailEvents(
  db: Kysely<Database>,
  o: { fromId?: string; intervalMs?: number; signal?: AbortSignal; onEvent: (e: WbEvent & { cabinet_name: string }) => void },
): Promise<void> {
  let last = o.fromId ?? (await lastEventId(db));
  while (!o.signal?.aborted) {
    const batch = await eventsAfter(db, last, 1000);
    for (const e of batch) o.onEvent(e);
    if (batch.length > 0) last = batch.at(-1)!.id;
    if (batch.length < 1000) await sleep(o.intervalMs ?? 1000, o.signal);
  }
}
