// The bot's message catalogue: every text in Russian and English (English with no Russian left in
// it, Russian with no English left untranslated), Telegram's language_code mapped to a language,
// counted nouns with the right plural in both, money with its currency in both.
import { describe, expect, it } from 'vitest';
import { tokenProblem } from '../../src/notify/telegram/bot-menu.js';
import { orderLine, salesDayLine } from '../../src/notify/telegram/bot-reports.js';
import { allWords, botWords, chatLanguage, languageOf } from '../../src/notify/telegram/bot-words.js';

const NBSP = '\u00a0';
const CYRILLIC = /[А-Яа-яЁё]/;
/** Every text of a language, templates filled with 1 (a count, a name, a flag). */
const texts = (lang: 'ru' | 'en') => allWords(lang).map((w) => (typeof w === 'string' ? w : (w as (...a: unknown[]) => string)(1, 1, 1, 1, 1)));

describe('the bot’s words', () => {
  it('has every text in English with no Russian, and in Russian', () => {
    const en = texts('en');
    const ru = texts('ru');
    expect(en.length).toBe(ru.length);
    // The only Russian in English texts: the name of the other language and the welcome's pointer to /lang.
    for (const t of en) expect(t.replace('Русский', '').replace('Язык: /lang', '')).not.toMatch(CYRILLIC);
    // Russian texts are Russian (the button naming English is the one exception).
    for (const t of ru.filter((x) => x !== '🌐 English')) expect(t).toMatch(CYRILLIC);
    expect(new Set(en.map((t, i) => t === ru[i]))).toEqual(new Set([false]));
  });

  it('maps Telegram’s language_code: ru, uk, be, kk → ru; any other → en; none → not known', () => {
    for (const code of ['ru', 'uk', 'be', 'kk', 'RU', 'ru-RU']) expect(languageOf(code)).toBe('ru');
    for (const code of ['en', 'de', 'pt-br', 'tr', 'uz']) expect(languageOf(code)).toBe('en');
    for (const code of [undefined, null, '', ' ']) expect(languageOf(code)).toBeUndefined();
    expect(chatLanguage({ chosen_lang: 'ru', telegram_lang: 'en' })).toBe('ru');
    expect(chatLanguage({ chosen_lang: null, telegram_lang: 'en' })).toBe('en');
    expect(chatLanguage(undefined)).toBe('ru');
  });

  it('counts with the right plural in both languages', () => {
    const ru = botWords('ru');
    const en = botWords('en');
    expect([1, 2, 5, 21].map((n) => en.moreReviews(n))).toEqual([
      '… and 1 more review: <code>mp wb reviews</code>',
      '… and 2 more reviews: <code>mp wb reviews</code>',
      '… and 5 more reviews: <code>mp wb reviews</code>',
      '… and 21 more reviews: <code>mp wb reviews</code>',
    ]);
    expect([1, 2, 5, 21].map((n) => ru.moreReviews(n))).toEqual([
      '… и ещё 1 отзыв: <code>mp wb reviews</code>',
      '… и ещё 2 отзыва: <code>mp wb reviews</code>',
      '… и ещё 5 отзывов: <code>mp wb reviews</code>',
      '… и ещё 21 отзыв: <code>mp wb reviews</code>',
    ]);
    expect(en.salesToday(1, 2)).toBe('Today: 1 order, yesterday: 2 orders');
    expect(ru.salesToday(1, 2)).toBe('Сегодня: 1 заказ, вчера: 2 заказа');
    expect(ru.salesToday(11, 22)).toBe('Сегодня: 11 заказов, вчера: 22 заказа');
    expect(en.orderWindow(1, 1, 0, 2, '50')).toBe('1 day: 1 order, 0 buyouts, 2 returns, buyout rate 50%');
    expect(en.orderWindow(7, 3, 1, 1, null)).toBe('7 days: 3 orders, 1 buyout, 1 return');
    expect(ru.orderWindow(7, 3, 1, 5, null)).toBe('7 дн.: 3 заказа, 1 выкуп, 5 возвратов');
    expect(en.orderReviews(1, '4.0')).toBe('Reviews: 1 review, average rating 4.0');
  });

  it('report lines in English: English plurals, money with its currency and English digits', () => {
    expect(salesDayLine({ day: '2026-11-20', orders: 1, ordersSum: '380000', buyouts: 2, returns: 1, cancellations: 0 }, 'en')).toBe(
      `2026-11-20: 1 order (380,000${NBSP}₽), 2 buyouts, 1 return, 0 cancellations`,
    );
    expect(salesDayLine({ day: '2026-11-19', orders: 12, ordersSum: '17784.00', buyouts: 1, returns: 22, cancellations: 1 }, 'en')).toBe(
      `2026-11-19: 12 orders (17,784${NBSP}₽), 1 buyout, 22 returns, 1 cancellation`,
    );
    expect(salesDayLine({ day: '2026-11-19', orders: 12, ordersSum: '17784.00', buyouts: 1, returns: 22, cancellations: 1 }, 'ru')).toBe(
      `2026-11-19: 12 заказов (17${NBSP}784${NBSP}₽), 1 выкуп, 22 возврата, 1 отмена`,
    );
    const line = { date_msk: '2026-11-20 14:05', supplier_article: 'ART-3', nm_id: 1, finished_price: '27062.5', is_cancel: true };
    expect(orderLine(line, 'en')).toBe(`2026-11-20 14:05 · ART-3 · 27,062.50${NBSP}₽ · ❌ cancelled`);
    expect(orderLine(line, 'ru')).toBe(`2026-11-20 14:05 · ART-3 · 27${NBSP}062,50${NBSP}₽ · ❌ отмена`);
  });

  it('explains a refused token in the chat’s language', () => {
    expect(tokenProblem({ code: 'WB_TOKEN_EXPIRED' }, 'en')).toBe('the token has expired: create a new one in the “API access” section');
    expect(tokenProblem({ code: 'WB_TOKEN_EXPIRED' }, 'ru')).toBe('срок действия токена истёк — создайте новый в разделе «Доступ к API»');
    expect(tokenProblem({ code: 'SOMETHING_NEW' }, 'en')).toBe('it could not be checked (SOMETHING_NEW)');
    expect(tokenProblem({ code: 'SOMETHING_NEW' }, 'ru')).toBe('не удалось проверить токен (SOMETHING_NEW)');
  });
});
