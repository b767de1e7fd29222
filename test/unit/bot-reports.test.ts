// The bot's report lines print money and counts the way every mp screen does: roubles through the
// one money formatter (thousands grouped, no float noise, the sign on every price), Russian plurals.
import { describe, expect, it } from 'vitest';
import { tokenProblem } from '../../src/notify/telegram/bot-menu.js';
import { orderLine, salesDayLine } from '../../src/notify/telegram/bot-reports.js';

const NBSP = '\u00a0';

describe('bot report lines', () => {
  it('an order: the price with thousands grouped and ₽; a cancellation marked', () => {
    const line = orderLine({ date_msk: '2026-11-20 14:05', supplier_article: 'ART-3', nm_id: 413157507, finished_price: '27062.5', is_cancel: true });
    expect(line).toBe(`2026-11-20 14:05 · ART-3 · 27${NBSP}062,50${NBSP}₽ · ❌ отмена`);
    expect(orderLine({ date_msk: 'd', supplier_article: null, nm_id: 7, finished_price: 618, is_cancel: false })).toBe(`d · 7 · 618${NBSP}₽`);
  });

  it('a sales day: counted nouns in the right Russian form and the sum in roubles', () => {
    expect(salesDayLine({ day: '2026-11-20', orders: 21, ordersSum: '380000', buyouts: 2, returns: 5, cancellations: 1 })).toBe(
      `2026-11-20: 21 заказ (380${NBSP}000${NBSP}₽), 2 выкупа, 5 возвратов, 1 отмена`,
    );
    expect(salesDayLine({ day: '2026-11-19', orders: 12, ordersSum: '17784.00', buyouts: 0, returns: 22, cancellations: 14 })).toBe(
      `2026-11-19: 12 заказов (17${NBSP}784${NBSP}₽), 0 выкупов, 22 возврата, 14 отмен`,
    );
  });

  it('a refused token is explained in Russian, not with the CLI’s English message', () => {
    expect(tokenProblem({ code: 'WB_TOKEN_EXPIRED' })).toBe('срок действия токена истёк — создайте новый в разделе «Доступ к API»');
    expect(tokenProblem({ code: 'WB_FORBIDDEN' })).toContain('нет нужных категорий');
    expect(tokenProblem({ code: 'SOMETHING_NEW' })).toBe('не удалось проверить токен (SOMETHING_NEW)');
  });
});
