// Notification texts in Telegram HTML, Russian (default) or English. Every dynamic value goes
// through escapeHtml; every tag opens and closes on one line (splitMessage relies on it).
import { formatZoned, MOSCOW } from '../core/time.js';
import { escapeHtml as e } from './telegram/html.js';
import type { Lang, NotificationPayload, NotifyType } from './types.js';

type Data = Record<string, unknown>;

const TITLES: Record<NotifyType, Record<Lang, string>> = {
  new_order: { ru: '🛒 Новый заказ', en: '🛒 New order' },
  cancellation: { ru: '❌ Отмена заказа', en: '❌ Order cancelled' },
  buyout: { ru: '✅ Выкуп', en: '✅ Buyout' },
  return: { ru: '↩️ Возврат', en: '↩️ Return' },
  negative_review: { ru: '⭐ Негативный отзыв', en: '⭐ Negative review' },
  critical_stock: { ru: '📦 Критический остаток', en: '📦 Critical stock' },
  sync_gap: { ru: '⏸ Перерыв синхронизации', en: '⏸ Sync gap' },
};

const LABELS: Record<string, Record<Lang, string>> = {
  product: { ru: 'Товар', en: 'Product' },
  article: { ru: 'Артикул', en: 'Article' },
  price: { ru: 'Цена', en: 'Price' },
  warehouse: { ru: 'Склад', en: 'Warehouse' },
  region: { ru: 'Регион', en: 'Region' },
  order: { ru: 'Заказ', en: 'Order' },
  rating: { ru: 'Оценка', en: 'Rating' },
  pros: { ru: 'Достоинства', en: 'Pros' },
  cons: { ru: 'Недостатки', en: 'Cons' },
  comment: { ru: 'Комментарий', en: 'Comment' },
  stock: { ru: 'Остаток', en: 'Stock' },
  time: { ru: 'Время (МСК)', en: 'Time (MSK)' },
  cabinet: { ru: 'Кабинет', en: 'Cabinet' },
  events: { ru: 'событий', en: 'events' },
  gap: {
    ru: 'Синхронизация не выполнялась больше суток; пропущенные события не присылаются по одному. За перерыв:',
    en: 'Sync did not run for more than a day; missed events are not sent one by one. During the gap:',
  },
  sample: { ru: '(тестовое сообщение)', en: '(test message)' },
};

export function title(type: NotifyType, lang: Lang): string {
  return TITLES[type][lang];
}

function label(key: string, lang: Lang): string {
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

function line(key: string, value: unknown, lang: Lang): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return `<b>${e(label(key, lang))}:</b> ${e(value)}`;
}

function eventLines(type: NotifyType, d: Data, occurredAt: string, lang: Lang): string[] {
  const lines: (string | undefined)[] = [];
  const name = productName(d);
  if (name !== undefined) lines.push(`<b>${e(name)}</b>`);
  const nm = pick(d, 'nmId', 'nm_id');
  if (nm !== undefined) lines.push(line('article', nm, lang));
  switch (type) {
    case 'negative_review': {
      const rating = Number(pick(d, 'rating', 'productValuation') ?? 0);
      lines.push(`<b>${e(label('rating', lang))}:</b> ${'★'.repeat(Math.max(0, Math.min(5, rating)))}${'☆'.repeat(Math.max(0, 5 - rating))} (${e(rating)})`);
      // WB's review form has three fields, and buyers often write the complaint under Недостатки only.
      // Each is labelled on its own line; the value after the label is untagged, so a long one may be
      // split anywhere (splitMessage) and a caption that would pass 1024 becomes a message.
      const pros = pick(d, 'pros');
      const cons = pick(d, 'cons');
      const text = pick(d, 'text', 'review_text');
      lines.push(line('pros', pros, lang));
      lines.push(line('cons', cons, lang));
      if (text !== undefined) lines.push(pros !== undefined || cons !== undefined ? line('comment', text, lang) : e(text));
      break;
    }
    case 'critical_stock':
      lines.push(`<b>${e(label('stock', lang))}:</b> ${e(pick(d, 'old_total', 'oldTotal') ?? '?')} → ${e(pick(d, 'new_total', 'newTotal') ?? '?')}`);
      break;
    case 'sync_gap':
      break;
    default: {
      const prices = (typeof d.prices === 'object' && d.prices !== null ? d.prices : d) as Data;
      lines.push(line('order', pick(d, 'srid', 'saleId', 'saleID', 'sale_id'), lang));
      lines.push(
        line(
          'price',
          pick(prices, 'price', 'finishedPrice', 'finished_price', 'priceWithDisc', 'price_with_disc', 'totalPrice', 'total_price') ?? pick(d, 'forPay'),
          lang,
        ),
      );
      lines.push(line('warehouse', pick(d, 'warehouse', 'warehouse_name', 'warehouseName'), lang));
      lines.push(line('region', pick(d, 'region', 'region_name', 'regionName'), lang));
    }
  }
  const at = new Date(occurredAt);
  if (!Number.isNaN(at.getTime())) lines.push(line('time', formatZoned(at, MOSCOW), lang));
  return lines.filter((l): l is string => l !== undefined);
}

/** One summary for all the gap sync's streams: their counts added up per event type. */
function gapLines(events: Data[], lang: Lang): string[] {
  const total = new Map<string, number>();
  for (const d of events) {
    const counts = (typeof d.counts === 'object' && d.counts !== null ? d.counts : d) as Data;
    for (const [k, v] of Object.entries(counts)) {
      if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))) total.set(k, (total.get(k) ?? 0) + Number(v));
    }
  }
  return [e(label('gap', lang)), ...[...total].map(([k, v]) => `• ${e(GAP_COUNTS[k]?.[lang] ?? k)}: ${e(v)}`)];
}

/** What a gap summary counts, by WB event type. */
const GAP_COUNTS: Record<string, Record<Lang, string>> = {
  new_order: { ru: 'новые заказы', en: 'new orders' },
  cancellation: { ru: 'отмены', en: 'cancellations' },
  buyout: { ru: 'выкупы', en: 'buyouts' },
  return: { ru: 'возвраты', en: 'returns' },
  new_review: { ru: 'новые отзывы', en: 'new reviews' },
  stock_change: { ru: 'изменения остатков', en: 'stock changes' },
};

/** The Telegram HTML text of a notification and the photo to send with it (single events only). */
export function renderTelegram(p: NotificationPayload, lang: Lang): { text: string; photo?: string } {
  const head = [`<b>${e(title(p.type, lang))}</b>${p.sample ? ` ${e(label('sample', lang))}` : ''}`];
  if (p.cabinet.name) head.push(`${e(label('cabinet', lang))}: ${e(p.cabinet.name)}`);
  if (p.type === 'sync_gap') {
    return {
      text: [
        ...head,
        ...gapLines(
          p.events.map((ev) => ev.data),
          lang,
        ),
      ].join('\n'),
    };
  }
  if (p.digest || p.events.length > 1) {
    head[0] = `<b>${e(title(p.type, lang))}: ${p.events.length} ${e(label('events', lang))}</b>`;
    const body: string[] = [];
    for (const ev of p.events) body.push('', ...eventLines(p.type, ev.data, ev.occurred_at, lang));
    return { text: [...head, ...body].join('\n') };
  }
  const ev = p.events[0]!;
  return { text: [...head, '', ...eventLines(p.type, ev.data, ev.occurred_at, lang)].join('\n'), photo: photoUrl(ev.data) };
}
