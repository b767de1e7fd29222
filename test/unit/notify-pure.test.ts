// Pure parts of notifications: HTML escaping and splitting, captions, quiet hours, settings flags,
// webhook signatures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../src/fakes/fake-telegram.js';
import { Pacer } from '../../src/notify/pacer.js';
import { parseQuietHours, quietUntil } from '../../src/notify/quiet-hours.js';
import { settingsPatch } from '../../src/notify/recipient.service.js';
import { escapeHtml, splitMessage, visibleLength } from '../../src/notify/telegram/html.js';
import { telegramParts } from '../../src/notify/telegram/parts.js';
import type { NotificationPayload } from '../../src/notify/types.js';
import { signBody, verifySignature } from '../../src/notify/webhook.js';

describe('Telegram HTML', () => {
  it('escapes every character that could open a tag or an entity', () => {
    expect(escapeHtml('<b>"A" & B</b>')).toBe('&lt;b&gt;&quot;A&quot; &amp; B&lt;/b&gt;');
    fc.assert(
      fc.property(fc.string(), (s) => {
        const parsed = parseTelegramHtml(`<b>${escapeHtml(s)}</b>`);
        return parsed.error === undefined && parsed.visible.length === s.length;
      }),
    );
  });

  it('splits on line breaks into parts within the limit, losing nothing', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ maxLength: 120 }).map((s) => escapeHtml(s.replace(/\n/g, ' '))),
          { maxLength: 80 },
        ),
        fc.integer({ min: 20, max: 400 }),
        (lines, limit) => {
          const text = lines.join('\n');
          const parts = splitMessage(text, limit);
          for (const p of parts) {
            expect(p.length).toBeLessThanOrEqual(limit);
            expect(parseTelegramHtml(p).error).toBeUndefined();
          }
          expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
        },
      ),
    );
  });

  it('counts what the reader sees', () => {
    expect(visibleLength('<b>a&amp;b</b>')).toBe(3);
  });
});

describe('Telegram parts', () => {
  const payload = (text: string, photo?: string): NotificationPayload => ({
    type: 'negative_review',
    cabinet: { id: '1', name: 'Shop' },
    events: [{ id: '1', key: 'r', occurred_at: '2026-11-21T10:00:00Z', data: { name: 'Mug', rating: 1, text, photoUrl: photo } }],
  });
  it('a photo with the text as caption when it fits, photo + message when the caption is over 1024', () => {
    const photo = 'https://example.test/1.webp';
    expect(telegramParts(payload('short', photo), 'ru').map((p) => p.kind)).toEqual(['photo']);
    const long = telegramParts(payload('x '.repeat(700), photo), 'en');
    expect(long.map((p) => p.kind)).toEqual(['photo', 'message']);
    expect(long[0]!.kind === 'photo' && visibleLength(long[0]!.caption)).toBeLessThanOrEqual(1024);
    expect(telegramParts(payload('short'), 'ru').map((p) => p.kind)).toEqual(['message']);
  });
});

describe('quiet hours', () => {
  const q = { start: '22:00', end: '08:00', timeZone: 'Asia/Almaty' };
  it('holds inside a window that wraps midnight, until its end in the recipient’s zone', () => {
    // Almaty is UTC+5.
    expect(quietUntil(new Date('2026-11-21T16:59:00Z'), q)).toBeNull(); // 21:59 local
    expect(quietUntil(new Date('2026-11-21T17:00:00Z'), q)?.toISOString()).toBe('2026-11-22T03:00:00.000Z'); // 22:00 local
  });
  it('releases at 08:00 local', () => {
    expect(quietUntil(new Date('2026-11-21T18:30:00Z'), q)?.toISOString()).toBe('2026-11-22T03:00:00.000Z');
    expect(quietUntil(new Date('2026-11-22T01:00:00Z'), q)?.toISOString()).toBe('2026-11-22T03:00:00.000Z');
    expect(quietUntil(new Date('2026-11-22T03:00:00Z'), q)).toBeNull();
    expect(quietUntil(new Date('2026-11-22T10:00:00Z'), q)).toBeNull();
  });
  it('handles a window within one day', () => {
    expect(quietUntil(new Date('2026-11-21T10:30:00Z'), { start: '13:00', end: '15:00', timeZone: 'Europe/Moscow' })?.toISOString()).toBe(
      '2026-11-21T12:00:00.000Z',
    );
  });
  it('rejects malformed windows', () => {
    expect(() => parseQuietHours('22-08')).toThrow(/22:00-08:00/);
    expect(() => parseQuietHours('10:00-10:00')).toThrow();
    expect(parseQuietHours('9:05-18:00')).toEqual({ start: '09:05', end: '18:00' });
  });
});

describe('settings flags', () => {
  it('turns flags into a settings change', () => {
    expect(
      settingsPatch(
        { types: ['new_order', 'buyout'] },
        { enable: 'return', disable: 'buyout', reviewThreshold: '2', stockThreshold: '5', quietHours: '22:00-08:00', tz: 'Asia/Almaty', lang: 'en' },
      ),
    ).toEqual({
      types: ['new_order', 'return'],
      review_threshold: 2,
      stock_threshold: 5,
      quiet_start: '22:00',
      quiet_end: '08:00',
      time_zone: 'Asia/Almaty',
      lang: 'en',
    });
    expect(settingsPatch({ types: [] }, {})).toEqual({});
    expect(() => settingsPatch({ types: [] }, { enable: 'orders' })).toThrow(/--enable takes/);
    expect(() => settingsPatch({ types: [] }, { reviewThreshold: '6' })).toThrow(/0 to 5/);
    expect(() => settingsPatch({ types: [] }, { tz: 'Mars/Base' })).toThrow(/IANA/);
    expect(() => settingsPatch({ types: [] }, { lang: 'de' })).toThrow(/ru or en/);
  });
});

describe('webhook signatures', () => {
  it('are HMAC-SHA256 of "t.body": the time of sending and the exact body', async () => {
    const { createHmac } = await import('node:crypto');
    const body = '{"id":"1:new_order:5"}';
    const t = 1_800_000_000;
    const now = new Date(t * 1000);
    const sig = signBody(body, 'k', t);
    expect(sig).toBe(`t=${t},v1=${createHmac('sha256', 'k').update(`${t}.${body}`).digest('hex')}`);
    expect(verifySignature(body, sig, 'k', { now })).toBe(true);
    expect(verifySignature(body, sig, 'other', { now })).toBe(false);
    expect(verifySignature(`${body}\n`, sig, 'k', { now })).toBe(false);
    expect(verifySignature(body, undefined, 'k', { now })).toBe(false);
    // The timestamp is signed: moving it to look fresh breaks the signature.
    expect(verifySignature(body, sig.replace(`t=${t}`, `t=${t + 600}`), 'k', { now: new Date((t + 600) * 1000) })).toBe(false);
    // The old body-only form is refused.
    expect(verifySignature(body, `sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`, 'k', { now })).toBe(false);
  });

  it('are refused outside the tolerance (a replay), 5 minutes either way by default', () => {
    const body = '{}';
    const t = 1_800_000_000;
    const sig = signBody(body, 'k', t);
    const at = (s: number) => new Date((t + s) * 1000);
    expect(verifySignature(body, sig, 'k', { now: at(300) })).toBe(true);
    expect(verifySignature(body, sig, 'k', { now: at(301) })).toBe(false);
    expect(verifySignature(body, sig, 'k', { now: at(-300) })).toBe(true);
    expect(verifySignature(body, sig, 'k', { now: at(-301) })).toBe(false);
    expect(verifySignature(body, sig, 'k', { now: at(3600), toleranceSec: 3600 })).toBe(true);
  });
});

describe('Telegram pacer', () => {
  it('keeps the configured rate when timers fire a little late, and never exceeds it', () => {
    // 25/s: a slot every 40 ms. Every sender wakes up 8 ms after its slot (timer lateness).
    const pacer = new Pacer({ perSecond: 25, perChatMs: 1000, now: () => 0 });
    const sends: number[] = [];
    let t = 0;
    for (let i = 0; i < 250; i++) {
      const chat = `c${i}`;
      for (;;) {
        const wait = pacer.tryTake(chat, t);
        if (wait <= 0) break;
        t += wait + 8;
      }
      sends.push(t);
    }
    const rate = (sends.length - 1) / ((sends.at(-1)! - sends[0]!) / 1000);
    expect(rate).toBeGreaterThan(24.5);
    for (const at of sends) expect(sends.filter((s) => s >= at && s < at + 1000).length).toBeLessThanOrEqual(25);
  });

  it('does not burst to make up for a stall (a blocked event loop): the grid restarts', () => {
    const pacer = new Pacer({ perSecond: 25, perChatMs: 0, now: () => 0 });
    const sends: number[] = [];
    let t = 0;
    for (let i = 0; i < 100; i++) {
      for (;;) {
        const wait = pacer.tryTake(`c${i}`, t);
        if (wait <= 0) break;
        t += wait + (i % 20 === 0 ? 500 : 0);
      }
      sends.push(t);
    }
    for (let i = 1; i < sends.length; i++) expect(sends[i]! - sends[i - 1]!).toBeGreaterThanOrEqual(30);
    for (const at of sends) expect(sends.filter((s) => s >= at && s < at + 1000).length).toBeLessThanOrEqual(25);
  });

  it('counts a message in the overall window until it was answered: late requests cannot bunch up at Telegram', () => {
    let clock = 0;
    const pacer = new Pacer({ perSecond: 25, perChatMs: 0, now: () => clock });
    const arrivals: number[] = [];
    let t = 0;
    for (let i = 0; i < 300; i++) {
      const chat = `c${i}`;
      for (;;) {
        const wait = pacer.tryTake(chat, t);
        if (wait <= 0) break;
        t += wait;
      }
      // Some requests leave (and are answered) up to 400 ms after their slot; Telegram sees them
      // anywhere between the slot and the answer: here at the worst end for each.
      const answer = t + (i % 7 === 0 ? 400 : 5);
      arrivals.push(i % 2 === 0 ? answer : t);
      clock = answer;
      pacer.answered(chat);
    }
    for (const at of arrivals) expect(arrivals.filter((a) => a >= at && a < at + 1000).length).toBeLessThanOrEqual(25);
  });

  it('restarts its grid after an idle spell (no burst for the time nobody sent) and keeps the per-chat gap', () => {
    const pacer = new Pacer({ perSecond: 10, perChatMs: 1000, now: () => 0 });
    expect(pacer.tryTake('a', 0)).toBe(0);
    expect(pacer.tryTake('b', 5000)).toBe(0);
    expect(pacer.tryTake('c', 5000)).toBe(100);
    expect(pacer.tryTake('a', 5100)).toBe(0);
    expect(pacer.tryTake('a', 5200)).toBe(900);
  });
});
