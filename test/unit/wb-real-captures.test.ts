// WB parsers and the review notification on REAL answers (fixtures/wb/real/, see its SOURCES.md):
// a real review's pros and cons reach Telegram and the webhook, within Telegram's limits.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../src/fakes/fake-telegram.js';
import { CAPTION_LIMIT, MESSAGE_LIMIT, visibleLength } from '../../src/notify/telegram/html.js';
import { telegramParts } from '../../src/notify/telegram/parts.js';
import type { NotificationPayload } from '../../src/notify/types.js';
import { webhookBody } from '../../src/notify/webhook.js';
import { parseFeedbacksPage } from '../../src/wb/content-parser.js';
import { reviewEvent } from '../../src/wb/event-payloads.js';
import { parseOrdersPage } from '../../src/wb/statistics-parser.js';

const real = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/wb/real/${name}`, import.meta.url), 'utf8'));
const card = {
  title: null,
  vendor_code: null,
  brand: null,
  subject_name: null,
  photo_url: 'https://basket-10.wbbasket.ru/vol1/part1/51322491/images/big/1.webp',
};

function alert(data: Record<string, unknown>, occurredAt: string): NotificationPayload {
  return { type: 'negative_review', cabinet: { id: '1', name: 'SoVAni' }, events: [{ id: '7', key: 'k', occurred_at: occurredAt, data }] };
}

/** Every part is HTML Telegram accepts, within its limits (caption 1024, message 4096). */
function fits(parts: ReturnType<typeof telegramParts>): void {
  for (const p of parts) {
    const text = p.kind === 'photo' ? p.caption : p.text;
    expect(parseTelegramHtml(text).error).toBeUndefined();
    expect(visibleLength(text)).toBeLessThanOrEqual(p.kind === 'photo' ? CAPTION_LIMIT : MESSAGE_LIMIT);
  }
}

describe('WB feedbacks (real answers)', () => {
  const reviews = parseFeedbacksPage(real('sovani_feedbacks_2025-09.json'), false);

  it('reads pros and cons; an empty field is absent, not an empty string', () => {
    expect(reviews.map((r) => [r.review_id, r.rating, r.pros?.slice(0, 22) ?? null, r.cons, r.text?.slice(0, 20)])).toEqual([
      ['Os4zhn64gTGhkIq2alPw', 5, 'Очень приятная ткань! ', 'Все чудесно', 'Спасибо продавцу 🥰'],
      ['Asy4hn24gTGhkIq3alXw', 3, null, 'Размер маленький', 'Трусы вообще не нале'],
    ]);
    const [bare] = parseFeedbacksPage(real('feedback_item_2026-02_unattributed.json'), false);
    expect(bare).toMatchObject({ rating: 5, pros: null, cons: null, text: null });
    expect(parseFeedbacksPage(real('wb_assist_feedbacks_empty.json'), true)).toEqual([]);
  });

  it('a negative review alert shows the complaint under Недостатки and the text, in Telegram and in the webhook', () => {
    const event = reviewEvent(reviews[1]!, card);
    const payload = alert(event.payload, event.occurredAt.toISOString());
    const parts = telegramParts(payload, 'ru');
    fits(parts);
    expect(parts).toHaveLength(1);
    const caption = parts[0]!.kind === 'photo' ? parts[0]!.caption : '';
    expect(caption).toContain('<b>Недостатки:</b> Размер маленький');
    expect(caption).toContain('<b>Комментарий:</b> Трусы вообще не налезли');
    expect(caption).not.toContain('Достоинства');
    expect(telegramParts(payload, 'en')[0]).toMatchObject({ caption: expect.stringContaining('<b>Cons:</b> Размер маленький') });
    const body = webhookBody('out-1', payload);
    expect(body.data).toMatchObject({ rating: 3, pros: null, cons: 'Размер маленький', text: expect.stringMatching(/^Трусы/) });
  });

  it('pros with line breaks stay readable, and a review of any length is split within the limits, nothing lost', () => {
    const event = reviewEvent(reviews[0]!, card);
    const parts = telegramParts(alert({ ...event.payload, rating: 2 }, event.occurredAt.toISOString()), 'ru');
    fits(parts);
    expect(parts[0]!.kind === 'photo' && parts[0]!.caption).toContain('<b>Достоинства:</b> Очень приятная ткань!');

    const long = (word: string) => Array.from({ length: 600 }, (_, i) => `${word}${i}`).join(' ');
    const huge = { ...event.payload, rating: 1, pros: long('плюс'), cons: `${long('минус')}\n<script>&`, text: long('текст') };
    const split = telegramParts(alert(huge, event.occurredAt.toISOString()), 'ru');
    fits(split);
    expect(split[0]!.kind).toBe('photo');
    expect(split.slice(1).every((p) => p.kind === 'message')).toBe(true);
    expect(split.length).toBeGreaterThan(3);
    const all = split.map((p) => (p.kind === 'photo' ? '' : p.text)).join('\n');
    for (const w of ['плюс599', 'минус599', 'текст599', '&lt;script&gt;&amp;']) expect(all).toContain(w);
  });
});

describe('WB orders (a real row)', () => {
  it('reads the row (orderType present, warehouseType absent): srid, Moscow time, prices', () => {
    const page = parseOrdersPage(real('wb_order_row_2024-02_unattributed.json'));
    expect(page.nextDateFrom).toBe('2024-02-13T23:40:11');
    expect(page.rows[0]).toMatchObject({
      srid: '5872081921843387608.0.0',
      g_number: '91206723447706489510',
      nm_id: '198628845',
      order_date: new Date('2024-02-13T16:57:47Z'),
      warehouse_name: 'Коледино',
      warehouse_type: null,
      total_price: '3449',
      finished_price: '2793',
      is_cancel: false,
      cancel_date: null,
    });
  });
});
