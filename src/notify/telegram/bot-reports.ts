// The bot's report screens, built from the WB report services (the same data as `mp wb orders`,
// `order`, `stocks`, `reviews`, `sales`).
import type { Kysely } from 'kysely';
import { count, formatMoney, NOUNS } from '../../core/format.js';
import type { Database } from '../../db/schema.js';
import { moscowWindow, orderCard, ordersReport, reviewsReport, salesReport, stocksReport } from '../../wb/report.service.js';
import { backButton, type Keyboard, TEXT } from './bot-menu.js';
import { escapeHtml as e, MESSAGE_LIMIT, visibleLength } from './html.js';

export interface Screen {
  text: string;
  keyboard: Keyboard;
}

/** Roubles as every mp screen prints them: `27 062,50 ₽`. */
const rub = (amount: string | number | null | undefined) => formatMoney(amount, 'RUB');

/** One line of the latest orders: time, article, what the buyer paid, a cancellation mark. */
export function orderLine(r: {
  date_msk: string;
  supplier_article: string | null;
  nm_id: number | string;
  finished_price: string | number;
  is_cancel: boolean;
}): string {
  return `${e(r.date_msk)} · ${e(r.supplier_article ?? r.nm_id)} · ${e(rub(r.finished_price))}${r.is_cancel ? ' · ❌ отмена' : ''}`;
}

/** One Moscow day of the 7-day sales: counted nouns with their Russian plural, the sum in roubles. */
export function salesDayLine(d: { day: string; orders: number; ordersSum: string | number; buyouts: number; returns: number; cancellations: number }): string {
  const counts = [count(d.buyouts, NOUNS.buyout), count(d.returns, NOUNS.return), count(d.cancellations, NOUNS.cancellation)];
  return `${e(d.day)}: ${e(count(d.orders, NOUNS.order))} (${e(rub(d.ordersSum))}), ${e(counts.join(', '))}`;
}

export async function latestOrders(db: Kysely<Database>, cabinetId: string, now: Date): Promise<Screen> {
  const window = moscowWindow(new Date(now.getTime() - 29 * 86_400_000), now);
  const rows = (await ordersReport(db, cabinetId, window, { limit: 10 })).slice(0, 10);
  const lines = [`🛒 <b>Последние заказы</b> (${e(window.text)})`];
  if (rows.length === 0) lines.push(TEXT.noData);
  for (const r of rows) lines.push(orderLine(r));
  const buttons = rows
    .filter((r) => `oc:${r.srid}`.length <= 64)
    .map((r) => [{ text: `🔎 ${r.date_msk} ${r.supplier_article ?? r.nm_id}`, callback_data: `oc:${r.srid}` }]);
  return { text: lines.join('\n'), keyboard: { inline_keyboard: [...buttons, ...backButton().inline_keyboard] } };
}

export async function orderScreen(db: Kysely<Database>, cabinetId: string, srid: string, now: Date): Promise<Screen> {
  const c = await orderCard(db, cabinetId, srid, now);
  const lines = [
    `🔎 <b>Заказ ${e(c.order.srid)}</b> (${e(c.order.dateMsk)} МСК) — ${c.order.status === 'cancelled' ? 'отменён' : 'активен'}`,
    `<b>${e(c.product.name ?? '')}</b> · арт. ${e(c.product.article ?? '')} · nmId ${e(c.product.nmId)} · размер ${e(c.product.size ?? '-')}`,
    `Цена: ${e(rub(c.prices.totalPrice))}, скидка ${e(c.prices.discountPercent)}%, СПП ${e(c.prices.spp)}%, покупатель заплатил ${e(rub(c.prices.finishedPrice))}`,
    `Склад: ${e(c.logistics.warehouse ?? '-')} → ${e(c.logistics.region ?? '-')}`,
    `Остаток: ${e(c.stockTotal)} шт.${c.stockBySize.length ? ` (${c.stockBySize.map((s) => `${e(s.size)}: ${e(s.total)}`).join(', ')})` : ''}`,
  ];
  for (const w of c.stats.windows)
    lines.push(
      `${e(w.days)} дн.: заказов ${e(w.orders)}, выкупов ${e(w.buyouts)}, возвратов ${e(w.returns)}${w.buyoutRate === null ? '' : `, выкуп ${e(w.buyoutRate)}%`}`,
    );
  lines.push(`Отзывы: ${e(c.reviews.count)}, средняя оценка ${e(c.reviews.averageRating ?? '-')}`);
  return { text: lines.join('\n'), keyboard: { inline_keyboard: [[{ text: '« Заказы', callback_data: 'o' }], ...backButton().inline_keyboard] } };
}

export async function stocksScreen(db: Kysely<Database>, cabinetId: string, now: Date): Promise<Screen> {
  const r = await stocksReport(db, cabinetId, now);
  const lines = ['📦 <b>Остатки</b> (меньше всего сверху)'];
  if (r.products.length === 0) lines.push(TEXT.noData);
  for (const p of r.products.slice(0, 15)) {
    lines.push(`${e(p.article ?? p.nmId)} ${e(p.name ?? '')}: <b>${e(p.total)}</b> шт.${p.daysLeft === null ? '' : ` · на ${e(p.daysLeft)} дн.`}`);
  }
  return { text: lines.join('\n'), keyboard: backButton() };
}

/** Each of a review's fields (pros, cons, text) on the screen: at most this many characters. */
const REVIEW_FIELD = 120;

export async function reviewsScreen(db: Kysely<Database>, cabinetId: string): Promise<Screen> {
  const rows = (await reviewsReport(db, cabinetId, {})).slice(0, 10);
  const lines = ['⭐ <b>Последние отзывы</b>'];
  if (rows.length === 0) lines.push(TEXT.noData);
  let shown = 0;
  for (const r of rows) {
    const review = [
      `${'★'.repeat(r.rating)}${'☆'.repeat(5 - r.rating)} ${e(r.date_msk)} · ${e(r.product_name ?? r.nm_id)}${r.is_answered ? '' : ' · без ответа'}`,
    ];
    // What the buyer wrote under Достоинства and Недостатки (often the whole complaint), then the text.
    for (const [label, value] of [
      ['Достоинства', r.pros],
      ['Недостатки', r.cons],
      ['Комментарий', r.text],
    ] as const) {
      if (!value) continue;
      const flat = [...value.replace(/\s+/g, ' ').trim()];
      review.push(`<i>${label}:</i> ${e(flat.length > REVIEW_FIELD ? `${flat.slice(0, REVIEW_FIELD).join('')}…` : flat.join(''))}`);
    }
    // One screen is one message: stop before Telegram's limit, and say how many were left out.
    if (visibleLength([...lines, ...review].join('\n')) > MESSAGE_LIMIT - 64) break;
    lines.push(...review);
    shown++;
  }
  if (shown < rows.length) lines.push(`… и ещё ${e(count(rows.length - shown, NOUNS.review))}: <code>mp wb reviews</code>`);
  return { text: lines.join('\n'), keyboard: backButton() };
}

export async function salesScreen(db: Kysely<Database>, cabinetId: string, now: Date): Promise<Screen> {
  const window = moscowWindow(new Date(now.getTime() - 6 * 86_400_000), now);
  const r = await salesReport(db, cabinetId, window);
  const lines = [`📈 <b>Продажи за 7 дней</b> (${e(window.text)})`];
  for (const d of r.days) lines.push(salesDayLine(d));
  if (r.days.length === 0) lines.push(TEXT.noData);
  lines.push(`Сегодня: заказов ${e(r.today.orders)}, вчера: ${e(r.yesterday.orders)}`);
  return { text: lines.join('\n'), keyboard: backButton() };
}
