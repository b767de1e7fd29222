// The bot's reviews screen with long real-world reviews: pros, cons and text shown, one message that
// Telegram accepts (≤ 4096 visible characters, valid HTML), the rest pointed to `mp wb reviews`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../src/fakes/fake-telegram.js';
import { reviewsScreen } from '../../src/notify/telegram/bot-reports.js';
import { MESSAGE_LIMIT, visibleLength } from '../../src/notify/telegram/html.js';
import { upsertReviews } from '../../src/wb/review.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addCabinet } from './helpers.js';

let h: TestDatabase;
beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => h?.close());

describe('bot reviews screen', () => {
  it('shows pros, cons and text of each review and stays one message within Telegram’s limit', async () => {
    const cabinet = await addCabinet(h);
    const long = (w: string) => Array.from({ length: 400 }, (_, i) => `${w}<${i}>&`).join(' ');
    await upsertReviews(
      h.db,
      cabinet,
      Array.from({ length: 10 }, (_, i) => ({
        review_id: `r${i}`,
        nm_id: String(1000 + i),
        rating: 1 + (i % 5),
        text: i === 0 ? 'Короткий текст' : long('текст'),
        pros: i === 0 ? null : long('плюс'),
        cons: i === 0 ? 'Размер маленький' : long('минус'),
        user_name: 'Ася',
        product_name: `Товар ${i}`,
        supplier_article: null,
        size: 'M',
        is_answered: false,
        answer_text: null,
        created_date: new Date(Date.UTC(2026, 10, 20, 12, 0, i)),
      })),
    );
    const screen = await reviewsScreen(h.db, cabinet);
    expect(parseTelegramHtml(screen.text).error).toBeUndefined();
    expect(visibleLength(screen.text)).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(screen.text).toContain('<i>Недостатки:</i> минус&lt;0&gt;&amp;');
    // Newest first: r9 … r0; r0's own words whole, if it made it onto the screen, else pointed to.
    expect(screen.text).toMatch(/<i>Достоинства:<\/i> плюс&lt;0&gt;&amp;[^\n]*…/);
    expect(screen.text).toMatch(/… и ещё \d+ отзыв[а-я]*: <code>mp wb reviews<\/code>$|<i>Недостатки:<\/i> Размер маленький/);
  });
});
