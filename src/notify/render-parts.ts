// Small pieces every notification text is made of: labels, `<b>Label:</b> value` lines, money in
// the marketplace's currency, times in its zone (Moscow for WB, Almaty for Kaspi). Pure.
import { formatMoney } from '../core/format.js';
import { ALMATY, formatZoned, MOSCOW } from '../core/time.js';
import { LABELS, TITLES } from './render-words.js';
import { escapeHtml as e } from './telegram/html.js';
import type { Lang, Marketplace, NotifyType } from './types.js';

type Data = Record<string, unknown>;

export function title(type: NotifyType, lang: Lang): string {
  return TITLES[type][lang];
}

export function label(key: string, lang: Lang): string {
  return LABELS[key]?.[lang] ?? key;
}

/** The first present field among `keys`. */
export function pick(data: Data, ...keys: string[]): unknown {
  for (const k of keys) {
    const v = data[k];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

export function productName(d: Data): unknown {
  return pick(d, 'name', 'product_name', 'productName', 'title', 'subject');
}

export function photoUrl(d: Data): string | undefined {
  const v = pick(d, 'photo', 'photo_url', 'photoUrl', 'image_url', 'imageUrl');
  return typeof v === 'string' && /^https?:\/\//.test(v) ? v : undefined;
}

/** How a marketplace's texts show money and time. */
export interface MarketStyle {
  marketplace: Marketplace;
  currency: 'RUB' | 'KZT';
  zone: string;
  timeLabel: string;
}

export function marketStyle(m: Marketplace): MarketStyle {
  return m === 'kaspi'
    ? { marketplace: 'kaspi', currency: 'KZT', zone: ALMATY, timeLabel: 'timeAlmaty' }
    : { marketplace: 'wb', currency: 'RUB', zone: MOSCOW, timeLabel: 'time' };
}

/** `<b>Label:</b> value`, or nothing when the value is missing. */
export function line(key: string, value: unknown, lang: Lang): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return `<b>${e(label(key, lang))}:</b> ${e(value)}`;
}

/** An amount with the marketplace's currency (a value that is not a number is shown as given). */
export function money(value: unknown, style: MarketStyle, lang: Lang): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return formatMoney(typeof value === 'number' ? value : String(value), style.currency, lang);
}

export function time(value: unknown, style: MarketStyle, lang: Lang): string | undefined {
  const at = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(at.getTime()) ? undefined : line(style.timeLabel, formatZoned(at, style.zone), lang);
}
