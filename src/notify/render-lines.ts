// The lines of one event: the full card of a single notification (eventLines) and the one line a
// digest gives it (shortLine). WB payloads come from src/wb/event-payloads.ts, Kaspi payloads from
// src/notify/kaspi-events.ts. Pure; every value escaped.
import { count, formatPercent, NOUNS } from '../core/format.js';
import { formatZoned } from '../core/time.js';
import { label, line, type MarketStyle, money, pick, productName, time } from './render-parts.js';
import { KASPI_STATUSES } from './render-words.js';
import { escapeHtml as e } from './telegram/html.js';
import type { Lang, NotifyType } from './types.js';

type Data = Record<string, unknown>;

const arr = (v: unknown): Data[] => (Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Data[]) : []);

function stars(rating: number): string {
  const r = Math.max(0, Math.min(5, Math.round(rating)));
  return `${'★'.repeat(r)}${'☆'.repeat(5 - r)}`;
}

function kaspiStatus(status: unknown, lang: Lang): string | undefined {
  if (typeof status !== 'string' || !status) return undefined;
  return KASPI_STATUSES[status]?.[lang] ?? status;
}

/** "Кружка × 2; Чехол" — a Kaspi order's products, the first three named. */
function kaspiProducts(d: Data): string | undefined {
  const products = arr(d.products);
  if (products.length === 0) return undefined;
  const named = products.slice(0, 3).map((p) => `${String(p.name ?? p.code ?? '?')}${Number(p.quantity) > 1 ? ` × ${p.quantity}` : ''}`);
  return `${named.join('; ')}${products.length > 3 ? ` (+${products.length - 3})` : ''}`;
}

/** WB price of an order, buyout or return. */
function wbPrice(d: Data): unknown {
  const prices = (typeof d.prices === 'object' && d.prices !== null ? d.prices : d) as Data;
  return pick(prices, 'price', 'finishedPrice', 'finished_price', 'priceWithDisc', 'price_with_disc', 'totalPrice', 'total_price') ?? pick(d, 'forPay');
}

/** The full lines of one event. */
export function eventLines(type: NotifyType, d: Data, occurredAt: string, lang: Lang, style: MarketStyle): string[] {
  const lines: (string | undefined)[] = [];
  const name = productName(d);
  const kaspi = style.marketplace === 'kaspi';
  const push = (...l: (string | undefined)[]) => lines.push(...l);
  switch (type) {
    case 'new_order':
    case 'cancellation':
    case 'buyout':
    case 'return':
      if (kaspi) {
        push(line('order', pick(d, 'code'), lang), line('product', kaspiProducts(d), lang), line('total', money(pick(d, 'total'), style, lang), lang));
        if (type !== 'new_order') push(line('status', kaspiStatus(d.status, lang), lang));
        push(line('city', pick(d, 'city'), lang));
        break;
      }
      if (name !== undefined) push(`<b>${e(name)}</b>`);
      push(line('article', pick(d, 'nmId', 'nm_id'), lang), line('order', pick(d, 'srid', 'saleId', 'saleID', 'sale_id'), lang));
      push(line('price', money(wbPrice(d), style, lang), lang));
      push(
        line('warehouse', pick(d, 'warehouse', 'warehouse_name', 'warehouseName'), lang),
        line('region', pick(d, 'region', 'region_name', 'regionName'), lang),
      );
      break;
    case 'negative_review': {
      if (name !== undefined) push(`<b>${e(name)}</b>`);
      push(line('article', pick(d, 'nmId', 'nm_id'), lang));
      const rating = Number(pick(d, 'rating', 'productValuation') ?? 0);
      push(`<b>${e(label('rating', lang))}:</b> ${stars(rating)} (${e(rating)})`);
      // WB's review form has three fields, and buyers often write the complaint under Недостатки only.
      // Each is labelled on its own line; the value after the label is untagged, so a long one may be
      // split anywhere (splitMessage) and a caption that would pass 1024 becomes a message.
      const pros = pick(d, 'pros');
      const cons = pick(d, 'cons');
      const text = pick(d, 'text', 'review_text');
      push(line('pros', pros, lang), line('cons', cons, lang));
      if (text !== undefined) push(pros !== undefined || cons !== undefined ? line('comment', text, lang) : e(text));
      break;
    }
    case 'critical_stock':
      if (name !== undefined) push(`<b>${e(name)}</b>`);
      push(line('article', pick(d, 'nmId', 'nm_id'), lang));
      push(`<b>${e(label('stock', lang))}:</b> ${e(pick(d, 'old_total', 'oldTotal') ?? '?')} → ${e(pick(d, 'new_total', 'newTotal') ?? '?')}`);
      break;
    case 'price_floor':
    case 'lost_first_place':
    case 'price_refused':
      if (name !== undefined) push(`<b>${e(name)}</b>`);
      push(line('article', pick(d, 'sku'), lang), line('ourPrice', money(pick(d, 'price'), style, lang), lang));
      if (type === 'price_floor') push(line('floor', money(pick(d, 'minPrice'), style, lang), lang));
      push(line('competitor', competitor(d, style, lang), lang));
      if (type === 'price_refused') push(line('error', pick(d, 'error'), lang));
      break;
    case 'store_paused': {
      const until = new Date(String(pick(d, 'until') ?? ''));
      push(
        lang === 'ru'
          ? 'Kaspi ответил 429 на запись цен: mp не меняет цены магазина до конца паузы.'
          : 'Kaspi answered 429 to a price write: mp changes no price of this store until the pause ends.',
      );
      if (!Number.isNaN(until.getTime())) push(line('until', `${formatZoned(until, style.zone)}`, lang));
      break;
    }
    case 'access_refused':
    case 'token_expiring':
    case 'job_failing':
    case 'scrape_failing':
    case 'layout_changed':
      push(...accountLines(type, d, lang));
      break;
    case 'cancel_share':
      push(...cancelShareLines(d, lang));
      break;
    case 'sync_gap':
      break;
  }
  push(time(occurredAt, style, lang));
  return lines.filter((l): l is string => l !== undefined);
}

function competitor(d: Data, style: MarketStyle, lang: Lang): string | undefined {
  const price = money(pick(d, 'competitorPrice'), style, lang);
  const who = pick(d, 'competitor');
  if (!price && !who) return undefined;
  return [who, price].filter(Boolean).join(' — ');
}

function accountLines(type: NotifyType, d: Data, lang: Lang): (string | undefined)[] {
  const ru = lang === 'ru';
  const out: (string | undefined)[] = [];
  if (type === 'token_expiring') {
    const days = Number(pick(d, 'days'));
    const when = String(pick(d, 'expiresAt') ?? '').slice(0, 10);
    out.push(
      ru
        ? `Токен истекает ${e(when)}${Number.isFinite(days) ? ` (через ${e(count(days, NOUNS.day, lang))})` : ''}: после этого синхронизация остановится.`
        : `The token expires on ${e(when)}${Number.isFinite(days) ? ` (in ${e(count(days, NOUNS.day, lang))})` : ''}: sync stops then.`,
    );
  } else if (type === 'job_failing') {
    const runs = Number(pick(d, 'runs') ?? 3);
    out.push(line('job', pick(d, 'job'), lang));
    out.push(ru ? `Не выполнилась ${e(count(runs, NOUNS.run, lang))} подряд.` : `Failed ${e(count(runs, NOUNS.run, lang))} in a row.`);
    out.push(line('error', pick(d, 'error'), lang));
  } else if (type === 'scrape_failing' || type === 'layout_changed') {
    const name = productName(d);
    out.push(name !== undefined ? `<b>${e(name)}</b>` : undefined, line('article', pick(d, 'productId'), lang));
    if (type === 'scrape_failing') {
      const runs = Number(pick(d, 'runs') ?? 0);
      out.push(ru ? `Не читается ${e(count(runs, NOUNS.run, lang))} подряд.` : `Failed ${e(count(runs, NOUNS.run, lang))} in a row.`);
    }
    out.push(line('error', pick(d, 'error', 'message'), lang));
  } else {
    out.push(e(pick(d, 'message') ?? ''));
  }
  out.push(line('next', pick(d, 'command'), lang));
  return out;
}

/** "из N заказов" takes the genitive: из 1 заказа, из 21 заказа, из 2 / 5 / 11 заказов. */
const ORDERS_GENITIVE = { ru: ['заказа', 'заказов', 'заказов'], en: ['order', 'orders'] } as const;

/** The share, the orders behind it, Kaspi's threshold and the first cancelled orders. */
function cancelShareLines(d: Data, lang: Lang): string[] {
  const ru = lang === 'ru';
  const share = Number(pick(d, 'share') ?? 0);
  const cancelled = Number(pick(d, 'cancelled') ?? 0);
  const orders = Number(pick(d, 'orders') ?? 0);
  const critical = pick(d, 'level') === 'critical';
  const days = Number(pick(d, 'days') ?? 30);
  const out = [
    ru
      ? `<b>${e(formatPercent(share, lang))}</b> за ${e(count(days, NOUNS.day, lang))}: ${e(count(cancelled, NOUNS.cancellation, lang))} из ${e(count(orders, ORDERS_GENITIVE, lang))}.`
      : `<b>${e(formatPercent(share, lang))}</b> over ${e(count(days, NOUNS.day, lang))}: ${e(count(cancelled, NOUNS.cancellation, lang))} of ${e(count(orders, NOUNS.order, lang))}.`,
    critical
      ? ru
        ? 'Выше 5%: Kaspi может отключить магазин на 7 дней (третье нарушение за 90 дней — расторжение договора).'
        : 'Above 5%: Kaspi may disconnect the store for 7 days (a third violation in 90 days ends the partnership).'
      : ru
        ? 'Выше 3%: при 5% Kaspi может отключить магазин на 7 дней.'
        : 'Above 3%: at 5% Kaspi may disconnect the store for 7 days.',
  ];
  const codes = Array.isArray(d.codes) ? (d.codes as unknown[]).map(String) : [];
  if (codes.length > 0) out.push(`${ru ? 'Отменённые заказы' : 'Cancelled orders'}: ${e(codes.slice(0, 10).join(', '))}${codes.length > 10 ? ' …' : ''}`);
  return out;
}

/** The one line a digest gives an event: "• Кружка — 1 290 ₽ · Коледино". */
export function shortLine(type: NotifyType, d: Data, _occurredAt: string, lang: Lang, style: MarketStyle): string {
  const kaspi = style.marketplace === 'kaspi';
  const parts: (string | undefined)[] = [];
  switch (type) {
    case 'new_order':
    case 'cancellation':
    case 'buyout':
    case 'return':
      if (kaspi) parts.push(pick(d, 'code') !== undefined ? `№${pick(d, 'code')}` : undefined, kaspiProducts(d), money(pick(d, 'total'), style, lang));
      else parts.push(String(productName(d) ?? pick(d, 'nmId') ?? '?'), money(wbPrice(d), style, lang), pick(d, 'warehouse') as string | undefined);
      break;
    case 'negative_review': {
      const text = String(pick(d, 'cons', 'text', 'pros') ?? '');
      parts.push(stars(Number(pick(d, 'rating') ?? 0)), String(productName(d) ?? pick(d, 'nmId') ?? '?'), text.length > 80 ? `${text.slice(0, 79)}…` : text);
      break;
    }
    case 'critical_stock':
      parts.push(String(productName(d) ?? pick(d, 'nmId') ?? '?'), `${pick(d, 'old_total', 'oldTotal') ?? '?'} → ${pick(d, 'new_total', 'newTotal') ?? '?'}`);
      break;
    case 'price_floor':
    case 'lost_first_place':
    case 'price_refused':
      parts.push(
        String(productName(d) ?? pick(d, 'sku') ?? '?'),
        money(pick(d, 'price'), style, lang),
        competitor(d, style, lang),
        type === 'price_refused' ? String(pick(d, 'error') ?? '') : undefined,
      );
      break;
    default:
      parts.push(String(productName(d) ?? pick(d, 'productId', 'job', 'message') ?? '?'), pick(d, 'error', 'message') as string | undefined);
  }
  return `• ${parts
    .filter((p) => p !== undefined && p !== '')
    .map((p) => e(p))
    .join(' · ')}`;
}
