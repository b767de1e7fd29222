// Words and amounts for people: counted nouns with the right plural (1 заказ, 2 заказа, 5 заказов),
// money with its currency, shares as percentages. Shared by notification texts and command output,
// so the rules live in one place.
import { formatThousands, isDecimal, normalizeDecimal } from './money.js';

export type Lang = 'ru' | 'en';

/** Russian noun forms for 1, 2 and 5 (`['заказ', 'заказа', 'заказов']`). */
export type RuForms = readonly [one: string, few: string, many: string];
/** English noun forms for 1 and everything else (`['order', 'orders']`). */
export type EnForms = readonly [one: string, other: string];
/** A noun in both languages. */
export interface Noun {
  ru: RuForms;
  en: EnForms;
}

/**
 * The Russian form for a count: 1, 21, 101 → one; 2–4, 22–24 → few; 0, 5–20, 25–30, 111–114 → many.
 * Fractions (1.5 заказа) take the "few" form.
 */
export function pluralRu(n: number, forms: RuForms): string {
  if (!Number.isInteger(n)) return forms[1];
  const abs = Math.abs(n);
  const tens = abs % 100;
  const units = abs % 10;
  if (tens >= 11 && tens <= 14) return forms[2];
  if (units === 1) return forms[0];
  if (units >= 2 && units <= 4) return forms[1];
  return forms[2];
}

/** The English form for a count: 1 → one, anything else → other. */
export function pluralEn(n: number, forms: EnForms): string {
  return Math.abs(n) === 1 ? forms[0] : forms[1];
}

/** The noun form for `n` in `lang`. */
export function plural(n: number, noun: Noun, lang: Lang = 'ru'): string {
  return lang === 'ru' ? pluralRu(n, noun.ru) : pluralEn(n, noun.en);
}

/** `n` and its noun: `count(5, ORDERS)` → "5 заказов", in English "5 orders". Thousands grouped. */
export function count(n: number, noun: Noun, lang: Lang = 'ru'): string {
  return `${formatThousands(n, lang === 'ru' ? '\u00a0' : ',')} ${plural(n, noun, lang)}`;
}

/** Nouns mp counts in messages. */
export const NOUNS = {
  order: { ru: ['заказ', 'заказа', 'заказов'], en: ['order', 'orders'] },
  cancellation: { ru: ['отмена', 'отмены', 'отмен'], en: ['cancellation', 'cancellations'] },
  return: { ru: ['возврат', 'возврата', 'возвратов'], en: ['return', 'returns'] },
  buyout: { ru: ['выкуп', 'выкупа', 'выкупов'], en: ['buyout', 'buyouts'] },
  review: { ru: ['отзыв', 'отзыва', 'отзывов'], en: ['review', 'reviews'] },
  product: { ru: ['товар', 'товара', 'товаров'], en: ['product', 'products'] },
  event: { ru: ['событие', 'события', 'событий'], en: ['event', 'events'] },
  day: { ru: ['день', 'дня', 'дней'], en: ['day', 'days'] },
  run: { ru: ['запуск', 'запуска', 'запусков'], en: ['run', 'runs'] },
  message: { ru: ['сообщение', 'сообщения', 'сообщений'], en: ['message', 'messages'] },
} as const satisfies Record<string, Noun>;

/** Currency signs by ISO code; an unknown code is printed as the code. */
const CURRENCY_SIGNS: Record<string, string> = { KZT: '₸', RUB: '₽', USD: '$', EUR: '€' };

/** The sign of a currency (`KZT` → `₸`), or the code itself when mp has no sign for it. */
export function currencySign(currency: string): string {
  return CURRENCY_SIGNS[currency.toUpperCase()] ?? currency.toUpperCase();
}

/**
 * A decimal amount with its currency, for people: `formatMoney('1290', 'KZT')` → "1 290 ₸",
 * `formatMoney('990.5', 'RUB')` → "990,50 ₽" (Russian: comma, no-break space between thousands),
 * in English "990.50 ₽" with `,` between thousands. Whole amounts print no decimals; others two.
 * The amount is a decimal string or a number from an API, never rounded through a float.
 */
export function formatMoney(amount: string | number, currency: string, lang: Lang = 'ru'): string {
  const text = typeof amount === 'number' ? normalizeDecimal(amount) : amount.trim();
  if (!isDecimal(text)) return `${text} ${currencySign(currency)}`;
  const normal = normalizeDecimal(text);
  const value = normal.includes('.') ? normalizeDecimal(normal, 2) : normal;
  const grouped = formatThousands(value, lang === 'ru' ? '\u00a0' : ',');
  return `${lang === 'ru' ? grouped.replace('.', ',') : grouped}\u00a0${currencySign(currency)}`;
}

/**
 * A share (0.0533) as a percentage with `digits` decimals: "5,3%" in Russian, "5.3%" in English.
 */
export function formatPercent(share: number, lang: Lang = 'ru', digits = 1): string {
  const text = (share * 100).toFixed(digits);
  return `${lang === 'ru' ? text.replace('.', ',') : text}%`;
}
