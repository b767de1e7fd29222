import { describe, expect, it } from 'vitest';
import { count, formatMoney, formatPercent, NOUNS, plural, pluralRu } from '../../src/core/format.js';

describe('plural', () => {
  it('takes the Russian form by the last two digits', () => {
    const forms = NOUNS.order.ru;
    const want: [number, string][] = [
      [0, 'заказов'],
      [1, 'заказ'],
      [2, 'заказа'],
      [4, 'заказа'],
      [5, 'заказов'],
      [11, 'заказов'],
      [12, 'заказов'],
      [14, 'заказов'],
      [21, 'заказ'],
      [22, 'заказа'],
      [25, 'заказов'],
      [101, 'заказ'],
      [111, 'заказов'],
      [112, 'заказов'],
      [178, 'заказов'],
      [1001, 'заказ'],
      [-1, 'заказ'],
    ];
    for (const [n, form] of want) expect(`${n} ${pluralRu(n, forms)}`).toBe(`${n} ${form}`);
    expect(pluralRu(1.5, forms)).toBe('заказа');
  });

  it('counts in both languages with grouped thousands', () => {
    expect(count(1, NOUNS.order)).toBe('1 заказ');
    expect(count(2, NOUNS.cancellation)).toBe('2 отмены');
    expect(count(5, NOUNS.return)).toBe('5 возвратов');
    expect(count(1234, NOUNS.order)).toBe('1\u00a0234 заказа');
    expect(count(1, NOUNS.order, 'en')).toBe('1 order');
    expect(count(0, NOUNS.order, 'en')).toBe('0 orders');
    expect(count(1234, NOUNS.order, 'en')).toBe('1,234 orders');
    expect(plural(3, NOUNS.day, 'ru')).toBe('дня');
  });
});

describe('money and shares', () => {
  it('prints an amount with its currency, no floats', () => {
    expect(formatMoney('1290', 'KZT')).toBe('1\u00a0290\u00a0₸');
    expect(formatMoney('1290.00', 'KZT')).toBe('1\u00a0290\u00a0₸');
    expect(formatMoney('990.5', 'RUB')).toBe('990,50\u00a0₽');
    expect(formatMoney('990.5', 'RUB', 'en')).toBe('990.50\u00a0₽');
    expect(formatMoney(361788.0, 'kzt', 'en')).toBe('361,788\u00a0₸');
    expect(formatMoney('-1100', 'RUB')).toBe('-1\u00a0100\u00a0₽');
    expect(formatMoney('0.1', 'USD')).toBe('0,10\u00a0$');
    expect(formatMoney('12', 'GBP')).toBe('12\u00a0GBP');
    expect(formatMoney('n/a', 'KZT')).toBe('n/a ₸');
  });

  it('prints a share as a percentage', () => {
    expect(formatPercent(0.0533)).toBe('5,3%');
    expect(formatPercent(0.0533, 'en')).toBe('5.3%');
    expect(formatPercent(0.05, 'ru', 0)).toBe('5%');
  });
});
