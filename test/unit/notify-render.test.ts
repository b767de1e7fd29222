// Notification texts: a flood of events is one short digest (counts, the sum, the first lines, "и
// ещё N"), Russian plurals agree, money carries its currency, Kaspi events read as a seller needs.
import { describe, expect, it } from 'vitest';
import { renderTelegram } from '../../src/notify/render.js';
import { telegramParts } from '../../src/notify/telegram/parts.js';
import type { NotificationPayload } from '../../src/notify/types.js';

const at = '2026-11-21T09:14:00.000Z';

function wbOrders(n: number): NotificationPayload {
  return {
    type: 'new_order',
    marketplace: 'wb',
    cabinet: { id: '1', name: 'Shop' },
    digest: true,
    events: Array.from({ length: n }, (_, i) => ({
      id: String(i + 1),
      key: `srid-${i}`,
      occurred_at: at,
      data: { srid: `srid-${i}`, nmId: 100 + i, name: `Кружка ${i}`, prices: { finishedPrice: '1290.50' }, warehouse: 'Коледино' },
    })),
  };
}

describe('digests', () => {
  it('178 new orders are one message: the count, the sum, five lines and the rest counted', () => {
    const { text, photo } = renderTelegram(wbOrders(178), 'ru');
    const lines = text.split('\n');
    expect(lines[0]).toBe('<b>🛒 178 новых заказов на сумму 229\u00a0709\u00a0₽</b>');
    expect(lines[1]).toBe('Кабинет: Shop');
    expect(lines.filter((l) => l.startsWith('• '))).toEqual([
      '• Кружка 0 · 1\u00a0290,50\u00a0₽ · Коледино',
      '• Кружка 1 · 1\u00a0290,50\u00a0₽ · Коледино',
      '• Кружка 2 · 1\u00a0290,50\u00a0₽ · Коледино',
      '• Кружка 3 · 1\u00a0290,50\u00a0₽ · Коледино',
      '• Кружка 4 · 1\u00a0290,50\u00a0₽ · Коледино',
    ]);
    expect(lines.at(-1)).toBe('… и ещё 173 заказа');
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(photo).toBeUndefined();
    expect(telegramParts(wbOrders(178), 'ru')).toHaveLength(1);
    const en = renderTelegram(wbOrders(178), 'en').text.split('\n');
    expect(en[0]).toBe('<b>🛒 178 new orders worth 229,709\u00a0₽</b>');
    expect(en.at(-1)).toBe('… and 173 more');
  });

  it('Russian plurals agree with the count in the title and the tail', () => {
    const title = (n: number) => renderTelegram(wbOrders(n), 'ru').text.split('\n')[0];
    expect(title(2)).toContain('2 новых заказа');
    expect(title(21)).toContain('21 новый заказ');
    expect(title(11)).toContain('11 новых заказов');
    expect(title(22)).toContain('22 новых заказа');
    expect(renderTelegram(wbOrders(6), 'ru').text.split('\n').at(-1)).toBe('… и ещё 1 заказ');
    expect(renderTelegram(wbOrders(7), 'ru').text.split('\n').at(-1)).toBe('… и ещё 2 заказа');
    expect(renderTelegram(wbOrders(10), 'ru').text.split('\n').at(-1)).toBe('… и ещё 5 заказов');
    // Five or fewer: every event has its line, no tail.
    expect(renderTelegram(wbOrders(5), 'ru').text).not.toContain('и ещё');
  });
});

describe('Kaspi texts', () => {
  const store = { id: '7', name: 'Kaspi Shop', merchant_id: '30012345' };
  const one = (type: NotificationPayload['type'], data: Record<string, unknown>): string =>
    renderTelegram({ type, marketplace: 'kaspi', store, events: [{ id: '1', key: 'k', occurred_at: at, data }] }, 'ru').text;

  it('an order shows its number, products, total in tenge and Almaty time', () => {
    const text = one('new_order', { code: '512345678', total: '25980', products: [{ name: 'Чехол <iPhone>', quantity: 2 }], city: 'Алматы' });
    expect(text.split('\n')).toEqual([
      '<b>🛒 Новый заказ</b>',
      'Магазин Kaspi: Kaspi Shop',
      '',
      '<b>Заказ:</b> 512345678',
      '<b>Товар:</b> Чехол &lt;iPhone&gt; × 2',
      '<b>Сумма:</b> 25\u00a0980\u00a0₸',
      '<b>Город:</b> Алматы',
      '<b>Время (Алматы):</b> 2026-11-21 14:14',
    ]);
    expect(one('cancellation', { code: '1', total: '100', status: 'CANCELLED' })).toContain('<b>Статус:</b> отменён');
  });

  it('the cancellation share names the share, the orders behind it and what Kaspi does at 5%', () => {
    const text = one('cancel_share', { level: 'critical', share: 6 / 110, cancelled: 6, orders: 110, days: 30, codes: ['1', '2'] });
    expect(text).toContain('<b>5,5%</b> за 30 дней: 6 отмен из 110 заказов.');
    expect(text).toContain('Выше 5%: Kaspi может отключить магазин на 7 дней');
    expect(text).toContain('Отменённые заказы: 1, 2');
    const warning = one('cancel_share', { level: 'warning', share: 0.04, cancelled: 1, orders: 25, days: 30 });
    expect(warning).toContain('<b>4,0%</b> за 30 дней: 1 отмена из 25 заказов.');
    expect(warning).toContain('Выше 3%');
    // "из" takes the genitive: из 101 заказа, из 2 заказов.
    expect(one('cancel_share', { level: 'critical', share: 6 / 101, cancelled: 6, orders: 101, days: 30 })).toContain('6 отмен из 101 заказа.');
    expect(one('cancel_share', { level: 'critical', share: 1, cancelled: 2, orders: 2, days: 30 })).toContain('2 отмены из 2 заказов.');
  });

  it('repricer and access alerts say what happened and what to do', () => {
    expect(one('price_floor', { name: 'Кружка', sku: 'SKU1', price: '9990', minPrice: '9990', competitor: 'Shop B', competitorPrice: '9890' })).toContain(
      '<b>Конкурент:</b> Shop B — 9\u00a0890\u00a0₸',
    );
    const token = renderTelegram(
      {
        type: 'token_expiring',
        marketplace: 'wb',
        cabinet: { id: '1', name: 'Shop' },
        events: [
          { id: '1', key: 'k', occurred_at: at, data: { expiresAt: '2026-11-23T00:00:00Z', days: 2, command: 'mp wb cabinet token Shop --token-stdin' } },
        ],
      },
      'ru',
    ).text;
    expect(token).toContain('Токен истекает 2026-11-23 (через 2 дня)');
    expect(token).toContain('<b>Что делать:</b> mp wb cabinet token Shop --token-stdin');
  });
});
