// What the notify commands call: delivery with the configured Telegram bot and pace, test
// messages, and the live event tail.
import type { Kysely } from 'kysely';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { Clock } from '../core/time.js';
import type { Database } from '../db/schema.js';
import { type DeliverStats, deliverPending } from './deliver.service.js';
import { eventsAfter, kaspiEventsAfter, lastEventId, lastKaspiEventId } from './fanout.repository.js';
import { notifyConfig } from './notify-config.js';
import { insertNotifications } from './outbox.repository.js';
import { Pacer, sleep } from './pacer.js';
import { recipientsOf } from './recipient.service.js';
import { resolveBotToken } from './telegram/bot-token.js';
import { TelegramClient } from './telegram/telegram-client.js';
import type { KASPI_NOTIFY_TYPES, Marketplace, NotificationPayload, NotifyType, WB_NOTIFY_TYPES } from './types.js';

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

/** One sample event of each type a WB cabinet's recipient can get. */
const WB_SAMPLES: Record<(typeof WB_NOTIFY_TYPES)[number], Record<string, unknown>> = {
  new_order: { srid: 'sample-srid', nmId: 123456, name: 'Sample product', prices: { finishedPrice: '1290' }, warehouse: 'Коледино', region: 'Москва' },
  cancellation: { srid: 'sample-srid', nmId: 123456, name: 'Sample product', prices: { finishedPrice: '1290' } },
  buyout: { saleId: 'S0000000', nmId: 123456, name: 'Sample product', forPay: '1100' },
  return: { saleId: 'R0000000', nmId: 123456, name: 'Sample product', forPay: '-1100' },
  negative_review: { nmId: 123456, name: 'Sample product', rating: 2, text: 'Sample review text', pros: 'Sample pros', cons: 'Sample cons' },
  critical_stock: { nmId: 123456, name: 'Sample product', old_total: 5, new_total: 1 },
  sync_gap: { counts: { new_order: 12, buyout: 3 } },
  token_expiring: { expiresAt: '2027-01-01T00:00:00.000Z', days: 3, command: 'mp wb cabinet token <cabinet> --token-stdin' },
  access_refused: { message: 'Wildberries refused the token (401)', command: 'mp wb cabinet token <cabinet> --token-stdin' },
  job_failing: { job: 'wb.sync', runs: 3, error: 'sample error' },
};

/** One sample event of each type a Kaspi store's recipient can get. */
const KASPI_SAMPLES: Record<(typeof KASPI_NOTIFY_TYPES)[number], Record<string, unknown>> = {
  new_order: { code: '100000001', total: '12990', products: [{ name: 'Sample product', quantity: 2 }], city: 'Алматы', status: 'APPROVED_BY_BANK' },
  cancellation: { code: '100000001', total: '12990', products: [{ name: 'Sample product', quantity: 2 }], status: 'CANCELLED' },
  return: { code: '100000001', total: '12990', products: [{ name: 'Sample product', quantity: 1 }], status: 'RETURNED' },
  price_floor: { sku: 'SAMPLE-1', name: 'Sample product', price: '9990', minPrice: '9990', competitor: 'Other shop', competitorPrice: '9890' },
  lost_first_place: { sku: 'SAMPLE-1', name: 'Sample product', price: '10490', competitor: 'Other shop', competitorPrice: '10390' },
  price_refused: { sku: 'SAMPLE-1', name: 'Sample product', price: '10490', error: 'sample refusal' },
  store_paused: { until: '2027-01-01T00:30:00.000Z', reason: 'HTTP 429' },
  access_refused: { message: 'Kaspi refused the cabinet session', command: 'mp demper store login --store <merchant id>' },
  scrape_failing: { productId: '100000001', name: 'Sample product', runs: 3, error: 'sample error' },
  layout_changed: { productId: '100000001', message: 'the product page has no BACKEND.components.item' },
  cancel_share: { level: 'critical', share: 0.053, cancelled: 8, orders: 150, days: 30, codes: ['100000001'] },
  job_failing: { job: 'kaspi.orders', runs: 3, error: 'sample error' },
};

/** Queues one sample of each enabled type for each recipient (or one); returns how many. */
export async function queueTestNotifications(deps: NotifyDeps, recipientId?: string, user?: string): Promise<number> {
  const now = deps.clock.now();
  // Only the recipients of cabinets and stores `user` may see (undefined: every recipient).
  const all = (await recipientsOf(deps.db, {}, user)).filter((r) => r.enabled && !r.disabled_at);
  const targets = all.filter((r) => !recipientId || r.id === recipientId);
  const rows = targets.flatMap((r) =>
    (r.types as NotifyType[]).flatMap((type) => {
      const kaspi = Boolean(r.kaspi_store_id);
      const data = kaspi ? KASPI_SAMPLES[type as keyof typeof KASPI_SAMPLES] : WB_SAMPLES[type as keyof typeof WB_SAMPLES];
      if (!data) return [];
      const payload: NotificationPayload = {
        type,
        marketplace: kaspi ? 'kaspi' : 'wb',
        ...(kaspi
          ? { store: { id: r.kaspi_store_id!, name: r.store_name, merchant_id: r.merchant_id } }
          : { cabinet: { id: r.cabinet_id!, name: r.cabinet_name } }),
        events: [{ id: '0', key: `sample-${type}`, occurred_at: now.toISOString(), data }],
        sample: true,
      };
      return [
        {
          recipient_id: r.id,
          cabinet_id: r.cabinet_id,
          kaspi_store_id: r.kaspi_store_id,
          type,
          dedup_key: `test:${type}:${now.getTime()}`,
          payload: payload as unknown as Record<string, unknown>,
          next_attempt_at: now,
        },
      ];
    }),
  );
  return insertNotifications(deps.db, rows);
}

/** An event as `notify tail` prints it. */
export interface TailEvent {
  marketplace: Marketplace;
  id: string;
  /** The cabinet's (WB) or store's (Kaspi) name and id. */
  subject: string;
  subject_id: string;
  type: string;
  key: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/**
 * Streams events as they are written (polling), WB's and Kaspi's (or one marketplace's), from the
 * current end unless `fromId` is given (an id of that one marketplace's events).
 */
export async function tailEvents(
  db: Kysely<Database>,
  o: {
    marketplaces?: Marketplace[];
    fromId?: string;
    intervalMs?: number;
    signal?: AbortSignal;
    /** MP_USER: only the events of the cabinets and stores this user may see (undefined: all). */
    user?: string;
    onEvent: (e: TailEvent) => void;
  },
): Promise<void> {
  const which = o.marketplaces ?? ['wb', 'kaspi'];
  const last: Record<Marketplace, string> = { wb: '0', kaspi: '0' };
  for (const m of which) last[m] = o.fromId ?? (m === 'wb' ? await lastEventId(db) : await lastKaspiEventId(db));
  while (!o.signal?.aborted) {
    let full = false;
    for (const m of which) {
      const batch: TailEvent[] =
        m === 'wb'
          ? (await eventsAfter(db, last.wb, 1000, o.user)).map((e) => ({
              marketplace: 'wb',
              id: e.id,
              subject: e.cabinet_name,
              subject_id: e.cabinet_id,
              type: e.type,
              key: e.event_key,
              occurred_at: e.occurred_at,
              data: e.payload,
            }))
          : (await kaspiEventsAfter(db, last.kaspi, 1000, o.user)).map((e) => ({
              marketplace: 'kaspi',
              id: e.id,
              subject: e.store_name,
              subject_id: e.store_id,
              type: e.type,
              key: e.event_key,
              occurred_at: e.occurred_at,
              data: e.payload,
            }));
      for (const e of batch) o.onEvent(e);
      if (batch.length > 0) last[m] = batch.at(-1)!.id;
      if (batch.length === 1000) full = true;
    }
    if (!full) await sleep(o.intervalMs ?? 1000, o.signal);
  }
}
