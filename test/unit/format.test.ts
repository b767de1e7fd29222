// The one money, time and plural formatter (src/core/format.ts) and the table mechanism that uses
// it: priorities, middle ellipsis, keys that never drop, --wide, the zone named once in the heading.
import { describe, expect, it } from 'vitest';
import { formatCount, formatDay, formatMoney, formatPercent, formatTime, KASPI, WB } from '../../src/core/format.js';
import { type Column, Output } from '../../src/core/output.js';
import { displayWidth, truncateMiddle } from '../../src/core/terminal.js';

describe('formatMoney', () => {
  // Intl puts no-break spaces between groups and before the sign (Telegram never wraps an amount);
  // a terminal table shows them as plain spaces.
  const plain = (text: string) => text.replace(/\u00a0/g, ' ');
  it('shows decimal strings exactly, in their currency, with thousands separators and no float noise', () => {
    expect(plain(formatMoney('34990', 'KZT'))).toBe('34 990 ₸');
    expect(plain(formatMoney('380000', 'KZT'))).toBe('380 000 ₸');
    expect(plain(formatMoney('27062.5', 'RUB'))).toBe('27 062,50 ₽');
    expect(plain(formatMoney('17784.00', 'RUB'))).toBe('17 784 ₽');
    expect(plain(formatMoney('0', 'KZT'))).toBe('0 ₸');
    expect(plain(formatMoney('-1500', 'RUB'))).toBe('-1 500 ₽');
    expect(plain(formatMoney('1000000000000.01', 'EUR'))).toBe('1 000 000 000 000,01 €');
    expect(plain(formatMoney('12345678901234567.89', 'KZT'))).toBe('12 345 678 901 234 567,89 ₸');
    expect(plain(formatMoney(361788, 'KZT'))).toBe('361 788 ₸');
    expect(formatMoney('34990', 'KZT', 'en')).toBe('34,990\u00a0₸');
    expect(formatMoney(null, 'RUB')).toBe('');
    expect(formatMoney('', 'RUB')).toBe('');
  });
});

describe('counts, percentages, times', () => {
  it('groups counts and shows fractions as percentages', () => {
    expect(formatCount(12500)).toBe('12\u00a0500');
    expect(formatCount(12500, 'en')).toBe('12,500');
    expect(formatCount('4.25')).toBe('4,25');
    expect(formatPercent(0.125)).toBe('12,5%');
  });

  it('times in the marketplace zone: Almaty for Kaspi (UTC+5), Moscow for WB (UTC+3)', () => {
    const at = new Date('2026-11-20T20:30:00Z');
    expect(formatTime(at, KASPI)).toBe('2026-11-21 01:30');
    expect(formatTime(at, WB)).toBe('2026-11-20 23:30');
    expect(formatTime('2026-11-20T20:30:00.000Z', WB)).toBe('2026-11-20 23:30');
    expect(formatDay(at, KASPI)).toBe('2026-11-21');
    expect(formatDay('2026-11-20', KASPI)).toBe('2026-11-20');
  });
});

describe('tables', () => {
  const term = (columns: number, options: { wide?: boolean } = {}) => {
    const chunks: string[] = [];
    const out = new Output({ stream: { isTTY: true, columns, write: (s: string) => chunks.push(s) > 0 }, env: { NO_COLOR: '1' }, ...options });
    return { out, lines: () => chunks.join('').trimEnd().split('\n') };
  };
  type Row = { id: string; city: string; name: string; at: Date; price: string; sellers: number; rating: string; reviews: number };
  const rows: Row[] = [
    {
      id: '113137790',
      city: 'Алматы',
      name: 'Смартфон Apple iPhone 15 Pro Max 256Gb синий титан',
      at: new Date('2026-11-20T06:00:00Z'),
      price: '699990',
      sellers: 14,
      rating: '4.9',
      reviews: 12500,
    },
    {
      id: '113137791',
      city: 'Астана',
      name: 'Смартфон Apple iPhone 15 Pro Max 256Gb черный титан',
      at: new Date('2026-11-20T07:00:00Z'),
      price: '689990',
      sellers: 9,
      rating: '4.8',
      reviews: 800,
    },
  ];
  const columns: Column<Row>[] = [
    { key: 'id' },
    { key: 'city' },
    { key: 'name', shrink: true },
    { key: 'at', header: 'checked', kind: 'time' },
    { key: 'price', kind: 'money', currency: 'KZT' },
    { key: 'sellers', kind: 'count', priority: 2 },
    { key: 'rating', priority: 3 },
    { key: 'reviews', kind: 'count', priority: 4 },
  ];

  it('on a wide terminal everything shows; the first time column names the zone; money and counts the one way', () => {
    const t = term(140);
    t.out.list(rows, columns, { market: KASPI });
    const [head, first] = t.lines();
    expect(head).toMatch(/^ID +CITY +NAME +CHECKED \(ALMATY\) +PRICE +SELLERS +RATING +REVIEWS$/);
    expect(first).toMatch(/^113137790 +Алматы +Смартфон Apple iPhone 15 Pro Max 256Gb синий титан +2026-11-20 11:00 +699 990 ₸ +14 +4\.9 +12 500$/);
  });

  it('at 80: low-priority columns drop (highest number first) before names are cut; keys never drop', () => {
    const t = term(80);
    t.out.list(rows, columns, { market: KASPI });
    const lines = t.lines();
    for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^ID +CITY +NAME +CHECKED \(ALMATY\) +PRICE +SELLERS$/);
    // The two names differ only at their end: both ends stay visible.
    expect(lines[1]).toMatch(/^113137790 +Алматы +Смартфон.*….*синий титан +2026-11-20 11:00 +699 990 ₸ +14$/);
    expect(lines[2]).toMatch(/….*черный титан +/);
  });

  it('narrower: priority 2 goes only once names are at their minimum; priority 1 never goes', () => {
    const t = term(60);
    t.out.list(rows, columns, { market: KASPI });
    const lines = t.lines();
    expect(lines[0]).toMatch(/^ID +CITY +NAME +CHECKED \(ALMATY\) +PRICE$/);
    for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(60);
    const narrow = term(30);
    narrow.out.list(rows, columns, { market: KASPI });
    expect(narrow.lines()[0]).toMatch(/^ID +CITY +NAME +CHECKED \(ALMATY\) +PRICE$/);
  });

  it('--wide shows every column uncut, whatever the terminal; piped output stays raw (ISO UTC, plain decimals)', () => {
    const t = term(40, { wide: true });
    t.out.list(rows, [...columns, { key: 'name', header: 'capped', max: 10 }], { market: KASPI });
    expect(t.lines()[1]).toMatch(
      /Смартфон Apple iPhone 15 Pro Max 256Gb синий титан +2026-11-20 11:00 +699 990 ₸ +14 +4\.9 +12 500 +Смартфон Apple iPhone 15 Pro Max 256Gb синий титан$/,
    );
    const chunks: string[] = [];
    new Output({ stream: { isTTY: false, write: (s: string) => chunks.push(s) > 0 }, env: {} }).list(rows, columns, { market: KASPI });
    expect(chunks[0]).toBe('113137790\tАлматы\tСмартфон Apple iPhone 15 Pro Max 256Gb синий титан\t2026-11-20T06:00:00Z\t699990\t14\t4.9\t12500\n');
  });

  it('middle ellipsis keeps two fifths of the start and the rest of the end', () => {
    expect(truncateMiddle('Смартфон Apple iPhone 15 Pro Max 256Gb синий титан', 24)).toBe('Смартфон…6Gb синий титан');
    expect(truncateMiddle('short', 24)).toBe('short');
    expect(displayWidth(truncateMiddle('x'.repeat(100), 30))).toBe(30);
  });
});
