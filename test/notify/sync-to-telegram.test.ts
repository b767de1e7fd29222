// From the WB sync to the chat: the real sync against the fake WB API writes events, fan-out and
// delivery send them to the fake Telegram — each event type exactly once across repeated syncs
// and deliveries, nothing after the initial sync, a late cancellation once, one summary after a gap.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';
import { deliverPending } from '../../src/notify/deliver.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addFakeCabinet, sync, TestClock, wbDeps } from '../wb/helpers.js';
import { addChat, secretKey, telegramFor } from './helpers.js';

describe('WB sync → outbox → Telegram', () => {
  let h: TestDatabase;
  let wb: FakeWb;
  let tg: FakeTelegram;
  const clock = new TestClock(new Date('2026-11-20T12:00:00Z'));
  const deliver = () => deliverPending(h.db, { now: () => clock.now(), secretKey, telegram: telegramFor(tg) });
  const titles = (chat: string) => tg.sentTo(chat).map((m) => m.text.split('\n')[0]!.replace(/<\/?b>/g, ''));
  const count = (list: string[]) => {
    const out: Record<string, number> = {};
    for (const t of list) out[t] = (out[t] ?? 0) + 1;
    return out;
  };

  beforeAll(async () => {
    h = await createTestDatabase();
    wb = await startFakeWb({ orders: 120, sales: 40, products: 6, reviews: 10, from: new Date('2026-11-18T00:00:00Z'), statisticsBurst: 100 });
    tg = await startFakeTelegram();
  });
  afterEach(() => {
    wb?.verify();
    tg?.verify();
  });
  afterAll(async () => {
    await tg?.stop();
    await wb?.server.stop();
    await h?.close();
  });

  it('sends each event exactly once, none for the initial sync', { timeout: 120_000 }, async () => {
    const deps = wbDeps(h, wb, clock);
    const { cabinet } = await addFakeCabinet(deps, wb.token);
    await addChat(h, cabinet.id, '9001', { group_threshold: 0 });
    await addChat(h, cabinet.id, '9002'); // default grouping: more than 5 of a type in one sync → a digest

    const initial = await sync(deps);
    expect(initial.every((o) => o.initial)).toBe(true);
    expect(await deliver()).toMatchObject({ events: 0, sent: 0 });
    expect(tg.sent).toHaveLength(0);

    clock.advance(120_000);
    wb.cancelOrder(5, new Date('2026-11-20T11:00:00Z'));
    wb.ordersCount += 7; // orders 120..126, none arrives cancelled (every 10th: 129)
    wb.salesCount += 10; // sales 40..49: 49 is a return
    wb.reviewsCount += 2; // reviews 10 and 11: ratings 1 and 2 (negative)
    for (let s = 0; s < 3; s++) for (let w = 0; w < 3; w++) wb.setStock(1, s, w, 0); // product 1 sold out: critical
    await sync(deps);
    await deliver();
    // The same again: nothing new at WB, nothing new in the chat.
    clock.advance(120_000);
    await sync(deps);
    await deliver();
    await deliver();

    expect(count(titles('9001'))).toEqual({
      '🛒 Новый заказ': 7,
      '❌ Отмена заказа': 1,
      '✅ Выкуп': 9,
      '↩️ Возврат': 1,
      '⭐ Негативный отзыв': 2,
      '📦 Критический остаток': 1,
    });
    // A negative review shows what the buyer wrote under Недостатки (often the whole complaint).
    const review = tg.sentTo('9001').find((m) => m.text.includes('Негативный отзыв'))!;
    expect(review.text).toContain('<b>Недостатки:</b> Маломерит на размер');
    const cancel = tg.sentTo('9001').find((m) => m.text.includes('Отмена'))!;
    expect(cancel.text).toContain(wb.srid(5));
    expect(count(titles('9002'))).toEqual({
      '🛒 7 новых заказов на сумму 4\u00a0704\u00a0₽': 1,
      '❌ Отмена заказа': 1,
      '✅ 9 выкупов на сумму 5\u00a0253\u00a0₽': 1,
      '↩️ Возврат': 1,
      '⭐ Негативный отзыв': 2,
      '📦 Критический остаток': 1,
    });
    // A digest names its first five events, one line each, and counts the rest.
    const digest = tg
      .sentTo('9002')
      .find((m) => m.text.includes('новых заказов'))!
      .text.split('\n');
    expect(digest.filter((l) => l.startsWith('• '))).toHaveLength(5);
    expect(digest.at(-1)).toBe('… и ещё 2 заказа');
    expect(
      tg
        .sentTo('9002')
        .find((m) => m.text.includes('выкупов'))!
        .text.split('\n')
        .at(-1),
    ).toBe('… и ещё 4 выкупа');
    const outbox = await h.db.selectFrom('notify_outbox').select(['status']).execute();
    expect(outbox.every((r) => r.status === 'sent')).toBe(true);

    // The order's cancellation came in a later sync than the order: one cancellation, no second order.
    clock.advance(120_000);
    wb.cancelOrder(121, new Date('2026-11-20T12:03:00Z'));
    await sync(deps);
    await deliver();
    clock.advance(120_000);
    await sync(deps);
    await deliver();
    const late = tg.sentTo('9001').filter((m) => m.text.includes(wb.srid(121)));
    expect(late.map((m) => m.text.split('\n')[0])).toEqual(['<b>🛒 Новый заказ</b>', '<b>❌ Отмена заказа</b>']);

    // More than 24 h without a sync: every stream writes a summary instead of its events (one per
    // stream, separate transactions); each chat gets one message for the whole gap.
    const seen = { a: tg.sentTo('9001').length, b: tg.sentTo('9002').length };
    clock.advance(25 * 3_600_000);
    wb.addOrders(4, new Date(clock.now().getTime() - 3_600_000)); // 127..130: 129 arrives cancelled
    wb.salesCount += 3; // 50..52: buyouts
    wb.reviewsCount += 1;
    const gapSync = await sync(deps);
    expect(gapSync.filter((o) => o.events > 0).map((o) => o.stream)).toEqual(['orders', 'sales', 'reviews']);
    await deliver(); // the summaries settle for a minute after the last one
    clock.advance(120_000);
    await deliver();
    await deliver();
    for (const [chat, before] of [
      ['9001', seen.a],
      ['9002', seen.b],
    ] as const) {
      const gap = tg.sentTo(chat).slice(before);
      expect(gap.map((m) => m.text.split('\n')[0])).toEqual(['<b>⏸ Перерыв синхронизации</b>']);
      for (const line of ['новые заказы: 4', 'отмены: 1', 'выкупы: 3', 'новые отзывы: 1']) expect(gap[0]!.text).toContain(line);
    }
  });
});
