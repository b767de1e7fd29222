// Which orders-sync changes become alerts (pure): new orders, cancellations and returns, each once.
import { describe, expect, it } from 'vitest';
import type { ShopOrder } from '../../src/kaspi/merchant/shop-api.parser.js';
import { cancelShareLevel, cancelShareSince } from '../../src/kaspi-orders/cancel-share.service.js';
import { orderEvents } from '../../src/kaspi-orders/order-events.js';

const now = new Date('2026-11-20T12:00:00Z');
const o = (id: string, status: string, ageMs = 3_600_000): ShopOrder =>
  ({ id, code: `c-${id}`, state: 'ARCHIVE', status, totalPrice: '1000', createdAt: new Date(now.getTime() - ageMs), city: 'Алматы' }) as ShopOrder;
const events = (orders: ShopOrder[], before: [string, string][]) => orderEvents(orders, new Map(before), new Map(), now).map((e) => `${e.type}:${e.eventKey}`);

describe('orders-sync events', () => {
  it('a new order, a cancellation and a return; nothing for an unchanged order', () => {
    expect(
      events(
        [o('a', 'APPROVED_BY_BANK'), o('b', 'CANCELLED'), o('c', 'RETURNED'), o('d', 'COMPLETED')],
        [
          ['b', 'ACCEPTED_BY_MERCHANT'],
          ['c', 'COMPLETED'],
          ['d', 'COMPLETED'],
        ],
      ),
    ).toEqual(['new_order:a', 'cancellation:b', 'return:c']);
  });

  it('CANCELLING then CANCELLED is one cancellation; a return in two steps is one return', () => {
    expect(events([o('b', 'CANCELLED')], [['b', 'CANCELLING']])).toEqual([]);
    expect(events([o('c', 'RETURNED')], [['c', 'KASPI_DELIVERY_RETURN_REQUESTED']])).toEqual([]);
    // Status moves that are neither: accepted, completed.
    expect(
      events(
        [o('e', 'ACCEPTED_BY_MERCHANT'), o('f', 'COMPLETED')],
        [
          ['e', 'APPROVED_BY_BANK'],
          ['f', 'ACCEPTED_BY_MERCHANT'],
        ],
      ),
    ).toEqual([]);
  });

  it('an order first seen cancelled is a cancellation only; one first seen days old is history', () => {
    expect(events([o('g', 'CANCELLED')], [])).toEqual(['cancellation:g']);
    expect(events([o('h', 'APPROVED_BY_BANK', 4 * 86_400_000), o('i', 'CANCELLED', 4 * 86_400_000)], [])).toEqual([]);
    // A known old order that is cancelled now is news.
    expect(events([o('j', 'CANCELLED', 20 * 86_400_000)], [['j', 'COMPLETED']])).toEqual(['cancellation:j']);
  });
});

describe('cancellation share', () => {
  it('is critical at 5%, a warning at 3%, over the 30 Almaty days ending today', () => {
    expect(cancelShareLevel(0.0299)).toBe('ok');
    expect(cancelShareLevel(0.03)).toBe('warning');
    expect(cancelShareLevel(0.0499)).toBe('warning');
    expect(cancelShareLevel(0.05)).toBe('critical');
    // 17:00 on Nov 20 in Almaty: the 30 days start at 00:00 Almaty on Oct 22 (19:00 UTC the day before).
    expect(cancelShareSince(now).toISOString()).toBe('2026-10-21T19:00:00.000Z');
  });
});
