// Notification texts in Telegram HTML, Russian (default) or English. Every dynamic value goes
// through escapeHtml; every tag opens and closes on one line (splitMessage relies on it).
// One event is a full message; a digest (many events of a type) is one message with the count, the
// sum, and the first DIGEST_LINES events as one line each — never a message per line of a flood.
import { count, formatMoney, type Noun } from '../core/format.js';
import { eventLines, shortLine } from './render-lines.js';
import { label, type MarketStyle, marketStyle, photoUrl, pick, title } from './render-parts.js';
import { DIGEST_NOUNS, GAP_COUNTS, MORE_NOUNS, TITLES } from './render-words.js';
import { escapeHtml as e } from './telegram/html.js';
import { type Lang, type Marketplace, type NotificationPayload, type NotifyType, payloadMarketplace } from './types.js';

export { photoUrl, pick, productName, title } from './render-parts.js';

type Data = Record<string, unknown>;

/** Lines of a digest that name single events; the rest are counted ("и ещё 173 заказа"). */
export const DIGEST_LINES = 5;

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

/** The amount a money event adds to a digest's sum, in minor units (undefined: none). */
function amountMinor(type: NotifyType, d: Data, m: Marketplace): bigint | undefined {
  if (!['new_order', 'cancellation', 'buyout', 'return'].includes(type)) return undefined;
  const prices = (typeof d.prices === 'object' && d.prices !== null ? d.prices : d) as Data;
  const raw =
    m === 'kaspi'
      ? pick(d, 'total', 'totalPrice')
      : type === 'buyout' || type === 'return'
        ? pick(d, 'forPay')
        : pick(prices, 'finishedPrice', 'priceWithDisc', 'price');
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  const minor = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0') || '0');
  return match[1] ? -minor : minor;
}

function digest(p: NotificationPayload, head: string[], lang: Lang, style: MarketStyle): string {
  const n = p.events.length;
  const noun: Noun = DIGEST_NOUNS[p.type] ?? { ru: ['событие', 'события', 'событий'], en: ['event', 'events'] };
  let heading = `${TITLES[p.type][lang].split(' ')[0]} ${count(n, noun, lang)}`;
  const amounts = p.events.map((ev) => amountMinor(p.type, ev.data, style.marketplace));
  if (amounts.every((a) => a !== undefined) && amounts.length > 0) {
    const sum = amounts.reduce((a, b) => a! + b!, 0n)!;
    const abs = sum < 0n ? -sum : sum;
    const text = `${sum < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
    heading += ` ${label('sum', lang)} ${formatMoney(text, style.currency, lang)}`;
  }
  head[0] = `<b>${e(heading)}</b>${p.sample ? ` ${e(label('sample', lang))}` : ''}`;
  const shown = p.events.slice(0, DIGEST_LINES).map((ev) => shortLine(p.type, ev.data, ev.occurred_at, lang, style));
  const rest = n - shown.length;
  const more = rest <= 0 ? [] : lang === 'ru' ? [`… и ещё ${e(count(rest, MORE_NOUNS[p.type] ?? noun, lang))}`] : [`… and ${rest} more`];
  return [...head, '', ...shown, ...more].join('\n');
}

/** The Telegram HTML text of a notification and the photo to send with it (single events only). */
export function renderTelegram(p: NotificationPayload, lang: Lang): { text: string; photo?: string } {
  const style = marketStyle(payloadMarketplace(p));
  const head = [`<b>${e(title(p.type, lang))}</b>${p.sample ? ` ${e(label('sample', lang))}` : ''}`];
  if (p.store?.name) head.push(`${e(label('store', lang))}: ${e(p.store.name)}`);
  else if (p.cabinet?.name) head.push(`${e(label('cabinet', lang))}: ${e(p.cabinet.name)}`);
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
  if (p.digest || p.events.length > 1) return { text: digest(p, head, lang, style) };
  const ev = p.events[0]!;
  return { text: [...head, '', ...eventLines(p.type, ev.data, ev.occurred_at, lang, style)].join('\n'), photo: photoUrl(ev.data) };
}
