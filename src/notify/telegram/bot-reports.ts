// The bot's report screens, built from the WB report services (the same data as `mp wb orders`,
// `order`, `stocks`, `reviews`, `sales`), in the chat's language (bot-words.ts).
import type { Kysely } from 'kysely';
import { count, formatMoney, NOUNS } from '../../core/format.js';
import type { Database } from '../../db/schema.js';
import { moscowWindow, orderCard, ordersReport, reviewsReport, salesReport, stocksReport } from '../../wb/report.service.js';
import { label } from '../render-parts.js';
import type { Lang } from '../types.js';
import { backButton, type Keyboard } from './bot-menu.js';
import { botWords } from './bot-words.js';
import { escapeHtml as e, MESSAGE_LIMIT, visibleLength } from './html.js';

export interface Screen {
  text: string;
  keyboard: Keyboard;
}

/** Roubles as every mp screen prints them: `27 062,50 ₽` (in English `27,062.50 ₽`). */
const rub = (amount: string | number | null | undefined, lang: Lang) => formatMoney(amount, 'RUB', lang);

/** One line of the latest orders: time, article, what the buyer paid, a cancellation mark. */
export function orderLine(
  r: {
    date_msk: string;
    supplier_article: string | null;
    nm_id: number | string;
    finished_price: string | number;
    is_cancel: boolean;
  },
  lang: Lang = 'ru',
): string {
  return `${e(r.date_msk)} · ${e(r.supplier_article ?? r.nm_id)} · ${e(rub(r.finished_price, lang))}${r.is_cancel ? botWords(lang).cancelledMark : ''}`;
}

/** One Moscow day of the 7-day sales: counted nouns with their plural (Russian or English), the sum in roubles. */
export function salesDayLine(
  d: { day: string; orders: number; ordersSum: string | number; buyouts: number; returns: number; cancellations: number },
  lang: Lang = 'ru',
): string {
  const counts = [count(d.buyouts, NOUNS.buyout, lang), count(d.returns, NOUNS.return, lang), count(d.cancellations, NOUNS.cancellation, lang)];
  return `${e(d.day)}: ${e(count(d.orders, NOUNS.order, lang))} (${e(rub(d.ordersSum, lang))}), ${e(counts.join(', '))}`;
}

export async function latestOrders(db: Kysely<Database>, cabinetId: string, now: Date, lang: Lang = 'ru'): Promise<Screen> {
  const w = botWords(lang);
  const window = moscowWindow(new Date(now.getTime() - 29 * 86_400_000), now);
  const rows = (await ordersReport(db, cabinetId, window, { limit: 10 })).slice(0, 10);
  const lines = [w.ordersHeading(e(window.text))];
  if (rows.length === 0) lines.push(w.noData);
  for (const r of rows) lines.push(orderLine(r, lang));
  const buttons = rows
    .filter((r) => `oc:${r.srid}`.length <= 64)
    .map((r) => [{ text: `🔎 ${r.date_msk} ${r.supplier_article ?? r.nm_id}`, callback_data: `oc:${r.srid}` }]);
  return { text: lines.join('\n'), keyboard: { inline_keyboard: [...buttons, ...backButton(lang).inline_keyboard] } };
}

export async function orderScreen(db: Kysely<Database>, cabinetId: string, srid: string, now: Date, lang: Lang = 'ru'): Promise<Screen> {
  const w = botWords(lang);
  const c = await orderCard(db, cabinetId, srid, now);
  const sizes = c.stockBySize.length ? ` (${c.stockBySize.map((s) => `${e(s.size)}: ${e(s.total)}`).join(', ')})` : '';
  const lines = [
    w.orderHeading(e(c.order.srid), e(c.order.dateMsk), c.order.status === 'cancelled'),
    w.orderProduct(e(c.product.name ?? ''), e(c.product.article ?? ''), e(c.product.nmId), e(c.product.size ?? '-')),
    w.orderPrices(e(rub(c.prices.totalPrice, lang)), e(c.prices.discountPercent), e(c.prices.spp), e(rub(c.prices.finishedPrice, lang))),
    w.orderRoute(e(c.logistics.warehouse ?? '-'), e(c.logistics.region ?? '-')),
    w.orderStock(e(c.stockTotal), sizes),
  ];
  for (const x of c.stats.windows)
    lines.push(e(w.orderWindow(Number(x.days), Number(x.orders), Number(x.buyouts), Number(x.returns), x.buyoutRate === null ? null : String(x.buyoutRate))));
  lines.push(e(w.orderReviews(Number(c.reviews.count), String(c.reviews.averageRating ?? '-'))));
  return {
    text: lines.join('\n'),
    keyboard: { inline_keyboard: [[{ text: w.backToOrders, callback_data: 'o' }], ...backButton(lang).inline_keyboard] },
  };
}

export async function stocksScreen(db: Kysely<Database>, cabinetId: string, now: Date, lang: Lang = 'ru'): Promise<Screen> {
  const w = botWords(lang);
  const r = await stocksReport(db, cabinetId, now);
  const lines: string[] = [w.stocksHeading];
  if (r.products.length === 0) lines.push(w.noData);
  for (const p of r.products.slice(0, 15)) {
    lines.push(w.stockLine(`${e(p.article ?? p.nmId)} ${e(p.name ?? '')}`, e(p.total), p.daysLeft === null ? null : e(p.daysLeft)));
  }
  return { text: lines.join('\n'), keyboard: backButton(lang) };
}

/** Each of a review's fields (pros, cons, text) on the screen: at most this many characters. */
const REVIEW_FIELD = 120;

export async function reviewsScreen(db: Kysely<Database>, cabinetId: string, lang: Lang = 'ru'): Promise<Screen> {
  const w = botWords(lang);
  const rows = (await reviewsReport(db, cabinetId, {})).slice(0, 10);
  const lines: string[] = [w.reviewsHeading];
  if (rows.length === 0) lines.push(w.noData);
  let shown = 0;
  for (const r of rows) {
    const review = [
      `${'★'.repeat(r.rating)}${'☆'.repeat(5 - r.rating)} ${e(r.date_msk)} · ${e(r.product_name ?? r.nm_id)}${r.is_answered ? '' : w.unanswered}`,
    ];
    // What the buyer wrote under Достоинства and Недостатки (often the whole complaint), then the text.
    for (const [key, value] of [
      ['pros', r.pros],
      ['cons', r.cons],
      ['comment', r.text],
    ] as const) {
      if (!value) continue;
      const flat = [...value.replace(/\s+/g, ' ').trim()];
      review.push(`<i>${e(label(key, lang))}:</i> ${e(flat.length > REVIEW_FIELD ? `${flat.slice(0, REVIEW_FIELD).join('')}…` : flat.join(''))}`);
    }
    // One screen is one message: stop before Telegram's limit, and say how many were left out.
    if (visibleLength([...lines, ...review].join('\n')) > MESSAGE_LIMIT - 64) break;
    lines.push(...review);
    shown++;
  }
  if (shown < rows.length) lines.push(w.moreReviews(rows.length - shown));
  return { text: lines.join('\n'), keyboard: backButton(lang) };
}

export async function salesScreen(db: Kysely<Database>, cabinetId: string, now: Date, lang: Lang = 'ru'): Promise<Screen> {
  const w = botWords(lang);
  const window = moscowWindow(new Date(now.getTime() - 6 * 86_400_000), now);
  const r = await salesReport(db, cabinetId, window);
  const lines = [w.salesHeading(e(window.text))];
  for (const d of r.days) lines.push(salesDayLine(d, lang));
  if (r.days.length === 0) lines.push(w.noData);
  lines.push(e(w.salesToday(Number(r.today.orders), Number(r.yesterday.orders))));
  return { text: lines.join('\n'), keyboard: backButton(lang) };
}
