// 10,000 pending notifications reach the fake Telegram server at the configured rate without a
// duplicate; and the default pacing (25/s overall, 1/s per chat) holds.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { deliverPending } from '../../src/notify/deliver.service.js';
import { Pacer } from '../../src/notify/pacer.js';
import { TelegramClient } from '../../src/notify/telegram/telegram-client.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addCabinet, manualClock, resetNotify, secretKey } from './helpers.js';

/** `chats` recipients with `perChat` pending notifications each, inserted in bulk. */
async function seedOutbox(h: TestDatabase, cab: string, chats: number, perChat: number): Promise<void> {
  await sql`insert into notify_recipients (cabinet_id, channel, chat_id) select ${cab}, 'telegram', (700000 + g)::text from generate_series(1, ${chats}) g`.execute(
    h.db,
  );
  await sql`
    insert into notify_outbox (recipient_id, cabinet_id, type, dedup_key, payload, next_attempt_at)
    select r.id, r.cabinet_id, 'new_order', r.cabinet_id || ':new_order:' || n,
      jsonb_build_object('type', 'new_order', 'cabinet', jsonb_build_object('id', r.cabinet_id::text),
        'events', jsonb_build_array(jsonb_build_object('id', n::text, 'key', 'srid-' || r.chat_id || '-' || n, 'occurred_at', '2026-11-21T10:00:00Z', 'data', jsonb_build_object('srid', 'srid-' || r.chat_id || '-' || n)))),
      now() - interval '1 minute'
    from generate_series(1, ${perChat}) n cross join notify_recipients r
    order by n, r.id`.execute(h.db);
}

describe('delivery rate', () => {
  let h: TestDatabase;
  let cab: string;
  beforeAll(async () => {
    h = await createTestDatabase();
    cab = await addCabinet(h, 'Rate');
  });
  afterAll(async () => h?.close());

  it('delivers 10,000 notifications at the configured rate without a duplicate', { timeout: 600_000 }, async () => {
    await resetNotify(h);
    await seedOutbox(h, cab, 2000, 5);
    const tg = await startFakeTelegram();
    const perSecond = 2000;
    const perChatMs = 200;
    try {
      const started = Date.now();
      const stats = await deliverPending(h.db, {
        now: manualClock().now,
        secretKey,
        telegram: { client: new TelegramClient({ baseUrl: tg.url, token: tg.token }), pacer: new Pacer({ perSecond, perChatMs }) },
        batchSize: 500,
        concurrency: 32,
      });
      const seconds = (Date.now() - started) / 1000;
      console.log(`10,000 notifications in ${seconds.toFixed(1)} s (${(10_000 / seconds).toFixed(0)}/s)`);
      expect(stats.sent).toBe(10_000);
      expect(tg.sent).toHaveLength(10_000);
      expect(new Set(tg.sent.map((m) => `${m.chatId}|${m.text}`)).size).toBe(10_000);
      // Never faster than configured: overall, and per chat.
      const times = tg.sent.map((m) => m.at).sort((a, b) => a - b);
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((10_000 / perSecond) * 1000 * 0.9);
      const byChat = new Map<string, number[]>();
      for (const m of tg.sent) byChat.set(m.chatId, [...(byChat.get(m.chatId) ?? []), m.at]);
      let minGap = Number.POSITIVE_INFINITY;
      for (const at of byChat.values()) for (let i = 1; i < at.length; i++) minGap = Math.min(minGap, at[i]! - at[i - 1]!);
      expect(minGap).toBeGreaterThanOrEqual(perChatMs - 20);
      const left = await h.db.selectFrom('notify_outbox').select('status').where('status', '!=', 'sent').execute();
      expect(left).toEqual([]);
    } finally {
      await tg.stop();
    }
  });

  it('keeps the default pace: 25 messages/s overall and 1 per second per chat', { timeout: 60_000 }, async () => {
    await resetNotify(h);
    await seedOutbox(h, cab, 50, 1);
    await sql`insert into notify_outbox (recipient_id, cabinet_id, type, dedup_key, payload)
      select id, cabinet_id, 'new_order', 'extra:' || n, (select payload from notify_outbox limit 1) from notify_recipients, generate_series(1, 2) n
      where chat_id = '700001'`.execute(h.db);
    const tg = await startFakeTelegram();
    try {
      await deliverPending(h.db, {
        now: manualClock().now,
        secretKey,
        telegram: { client: new TelegramClient({ baseUrl: tg.url, token: tg.token }), pacer: new Pacer({ perSecond: 25, perChatMs: 1000 }) },
      });
      expect(tg.sent).toHaveLength(52);
      const times = tg.sent.map((m) => m.at).sort((a, b) => a - b);
      // 52 messages at 25/s take at least ~2 s; any one-second window holds at most ~26.
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1900);
      for (let i = 0; i < times.length; i++) expect(times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length).toBeLessThanOrEqual(26);
      const one = tg.sentTo('700001').map((m) => m.at);
      expect(one).toHaveLength(3);
      expect(one[1]! - one[0]!).toBeGreaterThanOrEqual(980);
      expect(one[2]! - one[1]!).toBeGreaterThanOrEqual(980);
    } finally {
      await tg.stop();
    }
  });
});
