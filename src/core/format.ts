// Words, amounts and times for people: counted nouns with the right plural (1 заказ, 2 заказа,
// 5 заказов), money with its currency, counts, shares as percentages, and times in the
// marketplace's zone (Almaty for Kaspi, Moscow for WB) named once in a heading. Shared by every
// table, Telegram message and spreadsheet, so the rules live in one place. `--json` and piped
// output never come here: they keep ISO UTC and plain decimal strings.
import { formatThousands, isDecimal, normalizeDecimal } from './money.js';
import { ALMATY, formatZoned, MOSCOW, zonedDate } from './time.js';

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

const LOCALE: Record<Lang, string> = { ru: 'ru-RU', en: 'en-US' };
const groupings = new Map<string, Intl.NumberFormat>();

/** Intl's grouping for a language and a number of decimals (ru: no-break spaces and a comma). */
function grouping(lang: Lang, decimals: number): Intl.NumberFormat {
  const key = `${lang}|${decimals}`;
  let f = groupings.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE[lang], { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    groupings.set(key, f);
  }
  return f;
}

/**
 * A decimal amount with its currency, for people: `formatMoney('1290', 'KZT')` → "1 290 ₸",
 * `formatMoney('990.5', 'RUB')` → "990,50 ₽" (Russian: comma, no-break space between thousands),
 * in English "990.50 ₽" with `,` between thousands. Whole amounts print no decimals; others two.
 * The amount is a decimal string (or a number from an API) given to Intl.NumberFormat as a string,
 * so it is exact at any size, never rounded through a float. Nothing (null, '') prints nothing.
 */
export function formatMoney(amount: string | number | bigint | null | undefined, currency: string, lang: Lang = 'ru'): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const text = typeof amount === 'number' ? normalizeDecimal(amount) : String(amount).trim();
  if (!isDecimal(text)) return `${text} ${currencySign(currency)}`;
  const whole = !text.includes('.') || /\.0*$/.test(text);
  const grouped = grouping(lang, whole ? 0 : 2)
    .format(text as unknown as number)
    .replace(/\u202f/g, '\u00a0');
  return `${grouped}\u00a0${currencySign(currency)}`;
}

/** A count or plain number with thousands grouped: `12 500` (ru, no-break space), `12,500` (en). */
export function formatCount(value: number | string | bigint | null | undefined, lang: Lang = 'ru'): string {
  if (value === null || value === undefined || value === '') return '';
  const text = String(value);
  if (!isDecimal(text)) return text;
  const decimals = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
  return grouping(lang, Math.min(decimals, 20))
    .format(text as unknown as number)
    .replace(/\u202f/g, '\u00a0');
}

/**
 * A share (0.0533) as a percentage with `digits` decimals: "5,3%" in Russian, "5.3%" in English.
 */
export function formatPercent(share: number, lang: Lang = 'ru', digits = 1): string {
  const text = (share * 100).toFixed(digits);
  return `${lang === 'ru' ? text.replace('.', ',') : text}%`;
}

export type Currency = 'KZT' | 'RUB' | 'USD' | 'EUR';

/** A marketplace's edges: the currency of its prices and the zone its sellers live by. */
export interface Market {
  currency: Currency;
  timeZone: string;
  /** The zone as a heading names it: `Almaty`, `MSK`. */
  zoneLabel: string;
}

export const KASPI: Market = { currency: 'KZT', timeZone: ALMATY, zoneLabel: 'Almaty' };
export const WB: Market = { currency: 'RUB', timeZone: MOSCOW, zoneLabel: 'MSK' };
/** UTC, for data of no marketplace (payouts, jobs): named as such. */
export const UTC_MARKET: Market = { currency: 'RUB', timeZone: 'UTC', zoneLabel: 'UTC' };

/** `YYYY-MM-DD HH:mm` in the market's zone (the heading names the zone once). */
export function formatTime(value: Date | string | null | undefined, market: Market): string {
  const date = toDate(value);
  return date ? formatZoned(date, market.timeZone) : '';
}

/** `YYYY-MM-DD` of the market's calendar day. A `YYYY-MM-DD` string is already a day and stays. */
export function formatDay(value: Date | string | null | undefined, market: Market): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const date = toDate(value);
  return date ? zonedDate(date, market.timeZone) : '';
}

function toDate(value: Date | string | null | undefined): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
