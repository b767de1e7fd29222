// Test setup for notifications: a cabinet, recipients, and wb_events written the way the WB sync
// writes them (one transaction per sync, so one sync's events share created_at).
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DbHandle } from '../../src/db/connect.js';
import type { FakeTelegram } from '../../src/fakes/fake-telegram.js';
import { Pacer } from '../../src/notify/pacer.js';
import { TelegramClient } from '../../src/notify/telegram/telegram-client.js';

export const secretKey = Buffer.alloc(32, 7);

export async function addCabinet(h: DbHandle, name = `cab-${randomBytes(3).toString('hex')}`): Promise<string> {
  const row = await h.db
    .insertInto('wb_cabinets')
    .values({ name, token_sealed: 'sealed', token_hash: randomBytes(8).toString('hex'), token_last4: 'abcd' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addChat(h: DbHandle, cabinetId: string, chatId: string, settings: Record<string, unknown> = {}): Promise<string> {
  const row = await h.db
    .insertInto('notify_recipients')
    .values({ cabinet_id: cabinetId, channel: 'telegram', chat_id: chatId, ...settings })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface EventSpec {
  type: 'new_order' | 'cancellation' | 'buyout' | 'return' | 'new_review' | 'stock_change' | 'sync_gap';
  key: string;
  payload?: Record<string, unknown>;
  occurredAt?: Date;
}

/** One sync's events in one transaction (on conflict of dedup key nothing, like a re-run). */
export async function writeSyncEvents(h: DbHandle, cabinetId: string, events: EventSpec[]): Promise<void> {
  await h.db.transaction().execute(async (trx) => {
    for (const e of events) {
      await trx
        .insertInto('wb_events')
        .values({
          cabinet_id: cabinetId,
          type: e.type,
          event_key: e.key,
          dedup_key: `${cabinetId}:${e.type}:${e.key}`,
          occurred_at: e.occurredAt ?? new Date(),
          payload: JSON.stringify(e.payload ?? {}) as never,
        })
        .onConflict((oc) => oc.column('dedup_key').doNothing())
        .execute();
    }
  });
}

export function telegramFor(tg: FakeTelegram, perSecond = 1000, perChatMs = 0) {
  return { client: new TelegramClient({ baseUrl: tg.url, token: tg.token }), pacer: new Pacer({ perSecond, perChatMs }) };
}

export async function outboxRows(h: DbHandle) {
  return h.db.selectFrom('notify_outbox').selectAll().orderBy('id').execute();
}

export async function resetNotify(h: DbHandle): Promise<void> {
  for (const table of ['notify_outbox', 'notify_fanned_events', 'notify_recipients', 'wb_events']) await sql.raw(`delete from ${table}`).execute(h.db);
}

/** A clock tests move by hand. */
export function manualClock(start = new Date()) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
    set(d: Date) {
      t = d.getTime();
    },
  };
}
