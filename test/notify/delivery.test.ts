// Delivery against the fake Telegram server: exactly once across crashes and concurrent
// deliverers, quiet hours, 429 and 403, photos, long texts, HTML escaping.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTelegram, parseTelegramHtml, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { type DeliverStats, deliverPending } from '../../src/notify/deliver.service.js';
import { fanOut } from '../../src/notify/fanout.service.js';
import { Pacer } from '../../src/notify/pacer.js';
import { TelegramClient } from '../../src/notify/telegram/telegram-client.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { addCabinet, addChat, manualClock, outboxRows, resetNotify, secretKey, telegramFor, writeSyncEvents } from './helpers.js';

class Crash extends Error {}

describe('Telegram delivery', () => {
  let h: TestDatabase;
  let tg: FakeTelegram;
  let cab: string;
  beforeAll(async () => {
    h = await createTestDatabase();
    cab = await addCabinet(h, 'Main <shop> & co');
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    await resetNotify(h);
    tg = await startFakeTelegram();
  });
  afterEach(async () => {
    await tg.stop();
    tg.verify();
  });

  const deliver = (clock = manualClock(), extra: Partial<Parameters<typeof deliverPending>[1]> = {}) =>
    deliverPending(h.db, { now: clock.now, secretKey, telegram: telegramFor(tg), ...extra });

  it('sends each notification once, in valid HTML with every value escaped; a second run sends nothing', async () => {
    await addChat(h, cab, '501');
    await writeSyncEvents(h, cab, [
      { type: 'new_order', key: 'o1', payload: { srid: 'o1', name: 'Кружка <b>"Best"</b> & Co', nmId: 42, price: '1 290', warehouse: 'Коледино' } },
      { type: 'new_review', key: 'r1', payload: { rating: 1, text: '<script>alert(1)</script> ужас & кошмар' } },
    ]);
    const stats = await deliver();
    expect(stats).toMatchObject({ events: 2, created: 2, sent: 2, dead: 0 });
    expect(tg.sent).toHaveLength(2);
    for (const m of tg.sent) expect(parseTelegramHtml(m.text).error).toBeUndefined();
    expect(tg.sent[0]!.text).toContain('Кружка &lt;b&gt;&quot;Best&quot;&lt;/b&gt; &amp; Co');
    expect(tg.sent[0]!.text).toContain('Main &lt;shop&gt; &amp; co');
    expect(tg.sent[1]!.text).toContain('&lt;script&gt;');
    expect(await deliver()).toMatchObject({ sent: 0 });
    expect(tg.sent).toHaveLength(2);
    expect((await outboxRows(h)).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('a crash between send and mark, then a restart, sends nothing twice', async () => {
    await addChat(h, cab, '502');
    await writeSyncEvents(h, cab, [
      { type: 'new_order', key: 'c1' },
      { type: 'new_order', key: 'c2' },
      { type: 'new_order', key: 'c3' },
    ]);
    const clock = manualClock();
    let sends = 0;
    await expect(
      deliver(clock, {
        concurrency: 1,
        afterSend: () => {
          // The second message reached Telegram; the process dies before marking it.
          if (++sends === 2) throw new Crash('killed');
        },
      }),
    ).rejects.toBeInstanceOf(Crash);
    expect(tg.sent).toHaveLength(2);
    const statuses = (await outboxRows(h)).map((r) => r.status);
    // c1 was sent (its mark may still have been buffered), c2 sent and not marked, c3 claimed only.
    expect(statuses.slice(1)).toEqual(['sending', 'sending']);
    // Restart before the lease expired: nothing of the crashed worker's rows is touched.
    expect(await deliver(clock)).toMatchObject({ sent: 0 });
    clock.advance(11 * 60_000);
    const after = await deliver(clock);
    expect(after.sent).toBe(statuses[0] === 'sent' ? 2 : 3);
    expect(after.unconfirmed).toBe(statuses[0] === 'sent' ? 1 : 2);
    // c2 was not sent again (unconfirmed), c3 (claimed, never in flight) was sent once.
    expect(tg.sent.map((m) => m.text.match(/Новый заказ/) !== null)).toEqual([true, true, true]);
    expect(tg.sent).toHaveLength(3);
    const rows = await outboxRows(h);
    expect(rows.map((r) => [r.status, r.unconfirmed, r.parts_sent])).toEqual([
      ['sent', statuses[0] !== 'sent', 1],
      ['sent', true, 1],
      ['sent', false, 1],
    ]);
  });

  it('the lease is renewed when a request leaves: a run slower than the lease is not taken for a dead one', async () => {
    await addChat(h, cab, '509');
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'L1' }]);
    const clock = manualClock();
    const { client } = telegramFor(tg);
    // Waiting for its turn (pacing, 429 waits) takes 50 s of the 60 s lease taken at the claim.
    const slowPacer = {
      chatReadyAt: () => 0,
      pauseChat: () => {},
      answered: () => {},
      chatReady: async () => clock.advance(50_000),
      acquire: async () => {},
    } as unknown as Pacer;
    let other: DeliverStats | undefined;
    const first = await deliver(clock, {
      leaseMs: 60_000,
      telegram: { client, pacer: slowPacer },
      afterSend: async () => {
        // The request took 20 s: 70 s after the claim another process delivers.
        clock.advance(20_000);
        other = await deliver(clock, { leaseMs: 60_000, worker: 'other' });
      },
    });
    expect(other).toMatchObject({ sent: 0, unconfirmed: 0 });
    expect(first).toMatchObject({ sent: 1, unconfirmed: 0 });
    expect(tg.sent).toHaveLength(1);
    const [row] = await outboxRows(h);
    expect([row!.status, row!.unconfirmed]).toEqual(['sent', false]);
    await client.close();
  });

  it('a send that times out is not sent again (Telegram may have got it): counted once, flagged unconfirmed', async () => {
    await addChat(h, cab, '510', { group_threshold: 0 });
    await writeSyncEvents(h, cab, [
      { type: 'new_order', key: 'T1' },
      { type: 'new_order', key: 'T2' },
    ]);
    // The first message reaches Telegram, whose answer comes after the client gave up.
    tg.server.fault('/bot:token/sendMessage', { delayMs: 1500, body: { ok: true, result: { message_id: 1, chat: { id: 510 } } }, times: 1 });
    const client = new TelegramClient({ baseUrl: tg.url, token: tg.token, timeoutMs: 300 });
    const clock = manualClock();
    const telegram = { client, pacer: new Pacer({ perSecond: 1000, perChatMs: 0 }) };
    expect(await deliver(clock, { telegram, concurrency: 1 })).toMatchObject({ sent: 2, unconfirmed: 1, retried: 0 });
    clock.advance(3_600_000);
    expect(await deliver(clock, { telegram })).toMatchObject({ sent: 0, retried: 0 });
    expect(tg.server.requestsTo('/bot:token/sendMessage')).toHaveLength(2);
    const rows = await outboxRows(h);
    expect(rows.map((r) => [r.status, r.unconfirmed])).toEqual([
      ['sent', true],
      ['sent', false],
    ]);
    expect(rows[0]!.last_error).toContain('not sent again');
    await client.close();
  });

  it('a connection that breaks after the request left counts like a timeout (unconfirmed, not sent again); one that never connected is retried', async () => {
    await addChat(h, cab, '512', { group_threshold: 0 });
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'D1' }]);
    // Telegram got the request, then the connection broke before any answer.
    tg.server.fault('/bot:token/sendMessage', { drop: true, times: 1 });
    const clock = manualClock();
    expect(await deliver(clock)).toMatchObject({ sent: 1, unconfirmed: 1, retried: 0 });
    clock.advance(3_600_000);
    expect(await deliver(clock)).toMatchObject({ sent: 0, retried: 0 });
    expect(tg.server.requestsTo('/bot:token/sendMessage')).toHaveLength(1);
    expect((await outboxRows(h))[0]).toMatchObject({ status: 'sent', unconfirmed: true });

    // Nothing listening (connection refused): nothing can have arrived, so it is retried later.
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'D2' }]);
    const closed = await startFakeTelegram();
    const refusedUrl = closed.url;
    await closed.stop();
    const refused = { client: new TelegramClient({ baseUrl: refusedUrl, token: tg.token }), pacer: new Pacer({ perSecond: 1000, perChatMs: 0 }) };
    expect(await deliver(clock, { telegram: refused })).toMatchObject({ sent: 0, unconfirmed: 0, retried: 1 });
    await refused.client.close();
    clock.advance(3_600_000);
    expect(await deliver(clock)).toMatchObject({ sent: 1, unconfirmed: 0 });
    const rows = await outboxRows(h);
    expect(rows.map((r) => [r.status, r.unconfirmed])).toEqual([
      ['sent', true],
      ['sent', false],
    ]);
  });

  it('two deliverers at once never send one notification twice', { timeout: 120_000 }, async () => {
    for (let c = 0; c < 20; c++) await addChat(h, cab, String(6000 + c));
    await writeSyncEvents(
      h,
      cab,
      Array.from({ length: 10 }, (_, i) => ({ type: 'buyout' as const, key: `S${i}`, payload: { saleID: `S${i}` } })),
    );
    const clock = manualClock();
    // Grouping off so every event is its own message: 200 notifications.
    await h.db.updateTable('notify_recipients').set({ group_threshold: 0 }).execute();
    expect(await fanOut(h.db, clock.now())).toEqual({ events: 10, notifications: 200 });
    const [a, b] = await Promise.all([deliver(clock, { batchSize: 10, worker: 'a' }), deliver(clock, { batchSize: 10, worker: 'b' })]);
    expect(a.sent + b.sent).toBe(200);
    expect(tg.sent).toHaveLength(200);
    expect(new Set(tg.sent.map((m) => `${m.chatId}|${m.text}`)).size).toBe(200);
    if (testEngine === 'postgres') expect(Math.min(a.sent, b.sent)).toBeGreaterThan(0);
  });

  it('quiet hours hold messages and release them when they end', async () => {
    await addChat(h, cab, '503', { quiet_start: '22:00', quiet_end: '08:00', time_zone: 'Europe/Moscow' });
    await writeSyncEvents(h, cab, [{ type: 'return', key: 'R9' }]);
    // 23:00 Moscow.
    const clock = manualClock(new Date('2026-11-21T20:00:00Z'));
    await h.db.updateTable('wb_events').set({ created_at: clock.now() }).execute();
    expect(await deliver(clock)).toMatchObject({ sent: 0 });
    expect(tg.sent).toHaveLength(0);
    clock.set(new Date('2026-11-22T04:59:00Z')); // 07:59 Moscow: still quiet
    expect(await deliver(clock)).toMatchObject({ sent: 0 });
    clock.set(new Date('2026-11-22T05:00:00Z')); // 08:00 Moscow
    expect(await deliver(clock)).toMatchObject({ sent: 1 });
    expect(tg.sentTo('503')).toHaveLength(1);
  });

  it('429 waits retry_after, then sends once', async () => {
    await addChat(h, cab, '504');
    await writeSyncEvents(h, cab, [{ type: 'buyout', key: 'S77' }]);
    tg.rateLimit(1, 1, '504');
    const started = Date.now();
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const calls = tg.server.requestsTo('/bot:token/sendMessage');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(tg.sent).toHaveLength(1);
  });

  it('a long 429 reschedules the row for later instead of waiting', async () => {
    await addChat(h, cab, '505');
    await writeSyncEvents(h, cab, [{ type: 'buyout', key: 'S78' }]);
    tg.rateLimit(35, 1, '505');
    const clock = manualClock();
    expect(await deliver(clock)).toMatchObject({ sent: 0, retried: 1 });
    const [row] = await outboxRows(h);
    expect(row!.status).toBe('failed');
    expect(row!.attempts).toBe(0);
    expect(row!.next_attempt_at.getTime() - clock.now().getTime()).toBe(35_000);
    clock.advance(35_000);
    expect(await deliver(clock)).toMatchObject({ sent: 1 });
  });

  it('403 "bot was blocked" disables the chat and stops retrying', async () => {
    const r = await addChat(h, cab, '506');
    await addChat(h, cab, '507');
    tg.block('506');
    await writeSyncEvents(h, cab, [
      { type: 'new_order', key: 'b1' },
      { type: 'new_order', key: 'b2' },
    ]);
    const clock = manualClock();
    const stats = await deliver(clock, { concurrency: 1 });
    expect(stats.sent).toBe(2);
    expect(tg.sentTo('507')).toHaveLength(2);
    expect(tg.server.requestsTo('/bot:token/sendMessage').filter((q) => JSON.parse(q.body).chat_id === '506')).toHaveLength(1);
    const recipient = await h.db.selectFrom('notify_recipients').selectAll().where('id', '=', r).executeTakeFirstOrThrow();
    expect(recipient.disabled_at).not.toBeNull();
    expect(recipient.disabled_reason).toContain('blocked');
    const dead = (await outboxRows(h)).filter((x) => x.recipient_id === r);
    expect(dead.map((x) => x.status)).toEqual(['dead', 'dead']);
    // Later events are not even queued for the blocked chat; nothing is retried.
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'b3' }]);
    clock.advance(3_600_000);
    await deliver(clock);
    expect(tg.server.requestsTo('/bot:token/sendMessage').filter((q) => JSON.parse(q.body).chat_id === '506')).toHaveLength(1);
  });

  it('sends the product photo with a caption, photo + message when the caption is too long, and splits texts over 4096', async () => {
    await addChat(h, cab, '508', { group_threshold: 0 });
    const photo = 'https://basket-01.wbbasket.ru/vol1/part1/1/images/big/1.webp';
    await writeSyncEvents(h, cab, [
      { type: 'new_order', key: 'p1', payload: { name: 'Short', photo } },
      { type: 'new_review', key: 'p2', payload: { name: 'Long', rating: 1, photo, text: 'очень плохо & ужасно. '.repeat(60) } },
      { type: 'new_review', key: 'p3', payload: { name: 'Huge', rating: 2, text: Array.from({ length: 400 }, (_, i) => `строка ${i} <плохо>`).join('\n') } },
    ]);
    expect(await deliver()).toMatchObject({ sent: 3, dead: 0 });
    const m = tg.sentTo('508');
    expect(m[0]).toMatchObject({ method: 'sendPhoto', photo });
    expect(m[1]).toMatchObject({ method: 'sendPhoto', photo });
    expect(m[2]!.method).toBe('sendMessage');
    expect(m[2]!.text).toContain('очень плохо &amp; ужасно');
    const huge = m.slice(3);
    expect(huge.length).toBeGreaterThan(1);
    for (const part of huge) {
      expect(part.method).toBe('sendMessage');
      expect(parseTelegramHtml(part.text).visible.length).toBeLessThanOrEqual(4096);
    }
    expect(huge.map((p) => p.text).join('\n')).toContain('строка 399 &lt;плохо&gt;');
  });

  it('a rejected bot token stops delivery with a clear error and leaves every row ready for the next run', async () => {
    await addChat(h, cab, '510');
    await addChat(h, cab, '511');
    await writeSyncEvents(h, cab, [{ type: 'buyout', key: 'S9' }]);
    const clock = manualClock();
    const wrong = { ...telegramFor(tg), client: new TelegramClient({ baseUrl: tg.url, token: '999:WRONG-token-xyz' }) };
    const error = await deliverPending(h.db, { now: clock.now, secretKey, telegram: wrong, concurrency: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TELEGRAM_UNAUTHORIZED' });
    expect((error as Error).message).not.toContain('WRONG');
    const rows = await outboxRows(h);
    expect(rows.map((r) => r.status).sort()).toEqual(['failed', 'pending']);
    expect(rows.every((r) => r.attempts === 0 && r.locked_by === null)).toBe(true);
    clock.advance(61_000);
    expect(await deliver(clock)).toMatchObject({ sent: 2 });
  });

  it('a failing send is retried with backoff and dead after the last attempt, never silently dropped', async () => {
    await addChat(h, cab, '509');
    await writeSyncEvents(h, cab, [{ type: 'buyout', key: 'S5' }]);
    tg.server.fault('/bot:token/sendMessage', { status: 502, body: 'Bad Gateway', times: 3 });
    const clock = manualClock();
    expect(await deliver(clock, { telegramMaxAttempts: 3 })).toMatchObject({ sent: 0, retried: 1 });
    let [row] = await outboxRows(h);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.last_error).toMatch(/502|Bad Gateway|not JSON/i);
    clock.advance(10 * 60_000);
    await deliver(clock, { telegramMaxAttempts: 3 });
    clock.advance(10 * 60_000);
    expect(await deliver(clock, { telegramMaxAttempts: 3 })).toMatchObject({ dead: 1 });
    [row] = await outboxRows(h);
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(tg.sent).toHaveLength(0);
  });

  it('a 400 on a message is not retried on a schedule: sent at once as plain text; refused again, it is dead', async () => {
    await addChat(h, cab, '511', { group_threshold: 0 });
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'B1', payload: { srid: 'B1', name: 'Кружка <b>"Best"</b> & Co', nmId: 42, price: '1 290' } }]);
    const refused = { status: 400, body: { ok: false, error_code: 400, description: "Bad Request: can't parse entities: Unsupported start tag" } };
    tg.server.fault('/bot:token/sendMessage', { ...refused, times: 1 });
    const clock = manualClock();
    expect(await deliver(clock)).toMatchObject({ sent: 1, retried: 0, dead: 0 });
    const calls = tg.server.requestsTo('/bot:token/sendMessage').map((r) => JSON.parse(r.body!) as { text: string; parse_mode?: string });
    expect(calls).toHaveLength(2);
    expect(calls[0]!.parse_mode).toBe('HTML');
    // The same words, as the reader would have seen them, without parse_mode.
    expect(calls[1]!.parse_mode).toBeUndefined();
    expect(calls[1]!.text).toContain('Кружка <b>"Best"</b> & Co');
    expect(calls[1]!.text).not.toMatch(/&(lt|gt|amp|quot);/);
    expect(tg.sent).toHaveLength(1);
    expect((await outboxRows(h))[0]).toMatchObject({ status: 'sent', parts_sent: 1 });

    // Refused as plain text too: dead after that one attempt, with Telegram's reason.
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'B2' }]);
    tg.server.fault('/bot:token/sendMessage', { ...refused, times: 2 });
    expect(await deliver(clock)).toMatchObject({ sent: 0, retried: 0, dead: 1 });
    clock.advance(3_600_000);
    expect(await deliver(clock)).toMatchObject({ sent: 0, retried: 0, dead: 0 });
    expect(tg.server.requestsTo('/bot:token/sendMessage')).toHaveLength(4);
    const dead = (await outboxRows(h)).find((r) => r.status !== 'sent')!;
    expect(dead).toMatchObject({ status: 'dead', attempts: 1 });
    expect(dead.last_error).toContain("can't parse entities");
  });
});
