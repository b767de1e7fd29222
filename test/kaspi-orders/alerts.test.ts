// From the Kaspi orders sync to the chat (issue 18): the real sync against the fake Shop API writes
// events in the window's transaction, fan-out and delivery send them to the fake Telegram. Nothing for
// a store's first sync; then one message for a new order and one for a cancellation however often
// delivery runs; a cancellation-share alert once the 30-day share passes 5%, once per crossing.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspiShop, type FakeShopOrder, startFakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { type FakeTelegram, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { syncOrders } from '../../src/kaspi-orders/sync.service.js';
import { deliverPending } from '../../src/notify/deliver.service.js';
import { telegramFor } from '../notify/helpers.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const HOUR = 3_600_000;

function order(i: number, created: Date, status = 'COMPLETED', state = 'ARCHIVE'): FakeShopOrder {
  const entries = [{ quantity: 1 + (i % 2), basePrice: 4990, totalPrice: 4990 * (1 + (i % 2)), product: { code: `SKU-${i % 7}`, name: `Чехол ${i % 7}` } }];
  return {
    id: `o${i}`,
    code: String(600_000_000 + i),
    state,
    status,
    totalPrice: entries[0]!.totalPrice,
    creationDate: created.getTime(),
    town: 'Алматы',
    entries,
  };
}

describe('Kaspi orders sync → alerts', () => {
  let h: TestDatabase;
  let shop: FakeKaspiShop;
  let tg: FakeTelegram;
  const key = randomBytes(32);
  let now = new Date('2026-11-20T12:00:00Z');
  const sync = () => syncOrders({ db: h.db, secretKey: key, baseUrl: shop.url, now: () => now, concurrency: 4 }, { store: 'K1' });
  const deliver = () => deliverPending(h.db, { now: () => now, secretKey: key, telegram: telegramFor(tg) });
  const titles = () => tg.sentTo('777').map((m) => m.text.split('\n')[0]!.replace(/<\/?b>/g, ''));

  beforeAll(async () => {
    h = await createTestDatabase();
    // 100 orders over the last 25 days (one every 6 hours), one of them cancelled: 1% of 30 days.
    const orders = Array.from({ length: 100 }, (_, i) => order(i, new Date(now.getTime() - (100 - i) * 6 * HOUR), i === 10 ? 'CANCELLED' : 'COMPLETED'));
    shop = await startFakeKaspiShop(orders);
    tg = await startFakeTelegram();
    const store = await addStore(h.db, key, { merchantId: 'K1', name: 'Kaspi One', token: shop.token });
    await h.db
      .insertInto('notify_recipients')
      .values({ kaspi_store_id: store.id, channel: 'telegram', chat_id: '777', types: ['new_order', 'cancellation', 'return', 'cancel_share'] })
      .execute();
  });
  afterEach(() => {
    shop?.verify();
    tg?.verify();
  });
  afterAll(async () => {
    await tg?.stop();
    await shop?.stop();
    await h?.close();
  });

  it('nothing for the first sync, one message per new order and cancellation, a share alert past 5% once', { timeout: 120_000 }, async () => {
    const first = await sync();
    expect(first).toMatchObject({ inserted: 100, events: 0, cancelShare: { cancelled: 1, orders: 100, level: 'ok', alerted: false } });
    expect(await deliver()).toMatchObject({ events: 0, sent: 0 });
    expect(tg.sent).toHaveLength(0);

    // A new order, and an order of two days ago cancelled.
    now = new Date(now.getTime() + HOUR);
    shop.add(order(100, new Date(now.getTime() - 10 * 60_000), 'APPROVED_BY_BANK', 'NEW'));
    shop.update('o92', { status: 'CANCELLED', state: 'ARCHIVE' });
    expect(await sync()).toMatchObject({ events: 2, cancelShare: { cancelled: 2, orders: 101, level: 'ok' } });
    await deliver();
    await deliver();
    // Nothing new at Kaspi: the next sync re-reads its 14-day overlap and alerts nothing.
    now = new Date(now.getTime() + HOUR);
    expect(await sync()).toMatchObject({ events: 0 });
    await deliver();
    expect(titles().sort()).toEqual(['❌ Отмена заказа', '🛒 Новый заказ']);
    const fresh = tg.sentTo('777').find((m) => m.text.includes('Новый заказ'));
    const cancelled = tg.sentTo('777').find((m) => m.text.includes('Отмена заказа'));
    expect(fresh!.text).toContain('<b>Заказ:</b> 600000100');
    expect(fresh!.text).toContain('<b>Сумма:</b> 4\u00a0990\u00a0₸');
    expect(fresh!.text).toContain('Магазин Kaspi: Kaspi One');
    expect(cancelled!.text).toContain('<b>Заказ:</b> 600000092');
    expect(cancelled!.text).toContain('<b>Статус:</b> отменён');

    // Four more cancellations: 6 of 101 orders, 5.9% — past Kaspi's 5% at once (no warning first).
    now = new Date(now.getTime() + HOUR);
    for (const id of ['o93', 'o94', 'o95', 'o96']) shop.update(id, { status: 'CANCELLED', state: 'ARCHIVE' });
    expect(await sync()).toMatchObject({ events: 5, cancelShare: { cancelled: 6, orders: 101, level: 'critical', alerted: true } });
    await deliver();
    await deliver();
    const share = tg.sentTo('777').filter((m) => m.text.includes('Доля отмен'));
    expect(share).toHaveLength(1);
    expect(share[0]!.text).toContain('<b>5,9%</b> за 30 дней: 6 отмен из 101 заказа.');
    expect(share[0]!.text).toContain('Kaspi может отключить магазин на 7 дней');
    expect(share[0]!.text).toContain('600000096');

    // Still above 5% at the next syncs: no second alert. Below again, then above: one more.
    now = new Date(now.getTime() + HOUR);
    expect(await sync()).toMatchObject({ events: 0, cancelShare: { level: 'critical', alerted: false } });
    for (let i = 101; i < 141; i++) shop.add(order(i, new Date(now.getTime() - (141 - i) * 60_000)));
    now = new Date(now.getTime() + HOUR);
    expect((await sync()).cancelShare).toMatchObject({ cancelled: 6, orders: 141, level: 'warning', alerted: false });
    for (const id of ['o97', 'o98', 'o99']) shop.update(id, { status: 'CANCELLED', state: 'ARCHIVE' });
    now = new Date(now.getTime() + HOUR);
    expect((await sync()).cancelShare).toMatchObject({ cancelled: 9, orders: 141, level: 'critical', alerted: true });
    await deliver();
    expect(tg.sentTo('777').filter((m) => m.text.includes('Доля отмен'))).toHaveLength(2);
    const outbox = await h.db.selectFrom('notify_outbox').select(['status']).execute();
    expect(outbox.every((r) => r.status === 'sent')).toBe(true);
  });
  it('a Shop API token Kaspi refuses is one alert per incident: none while it keeps failing, one more after it worked', { timeout: 120_000 }, async () => {
    await h.db
      .updateTable('notify_recipients')
      .set({ types: ['access_refused'] })
      .execute();
    const refusals = () => titles().filter((t) => t === '🔒 Доступ отклонён');
    const fail = async (token: string) => {
      await addStore(h.db, key, { merchantId: 'K1', name: 'Kaspi One', token });
      for (let run = 0; run < 3; run++) {
        now = new Date(now.getTime() + HOUR);
        await expect(sync()).rejects.toMatchObject({ code: 'KASPI_SHOP_UNAUTHORIZED', exitCode: 4 });
        await deliver();
      }
    };
    await fail('a-revoked-token');
    expect(refusals()).toHaveLength(1);
    const text = tg.sentTo('777').at(-1)!.text;
    expect(text).toContain('Kaspi refused the Shop API token');
    expect(text).toContain('mp demper store add --merchant-id K1');
    // A new token syncs; when that one is refused later, it is a new incident: one more alert.
    await addStore(h.db, key, { merchantId: 'K1', name: 'Kaspi One', token: shop.token });
    now = new Date(now.getTime() + HOUR);
    await sync();
    await deliver();
    expect(refusals()).toHaveLength(1);
    await fail('another-revoked-token');
    expect(refusals()).toHaveLength(2);
  });
});
