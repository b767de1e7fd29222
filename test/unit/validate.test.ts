// The one set of input rules (src/core/validate.ts): every rule refuses rather than rounds, rolls
// over or clamps, and names the field.
import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../src/core/config.js';
import { EXIT } from '../../src/core/errors.js';
import { parseSince, parseZonedTimestamp } from '../../src/core/time.js';
import {
  all,
  attempt,
  calendarDate,
  decimal,
  duration,
  forbiddenCharacter,
  InputError,
  integer,
  MAX_TIMER_MS,
  number,
  oneOf,
  parseWallClock,
  text,
  url,
} from '../../src/core/validate.js';

const reasonOf = (fn: () => unknown) => {
  const r = attempt(fn);
  return r.ok ? undefined : r.error.message;
};

describe('text', () => {
  it('refuses NUL, other C0/C1 controls, DEL and lone surrogates; tab always, newlines only when multiline', () => {
    expect(forbiddenCharacter('a\u0000b')).toBe('NUL (U+0000)');
    expect(forbiddenCharacter('a\u001bb')).toBe('a control character (U+001B)');
    expect(forbiddenCharacter('a\u007f')).toBe('a control character (U+007F)');
    expect(forbiddenCharacter('a\u0085')).toBe('a control character (U+0085)');
    expect(forbiddenCharacter('a\ud800b')).toBe('a lone surrogate (U+D800)');
    expect(forbiddenCharacter('a\udc00')).toBe('a lone surrogate (U+DC00)');
    expect(forbiddenCharacter('emoji 😀 and Қазақ tab\t')).toBeUndefined();
    expect(forbiddenCharacter('two\nlines')).toBe('a control character (U+000A)');
    expect(forbiddenCharacter('two\r\nlines', true)).toBeUndefined();
  });

  it('trims, bounds the length in code points and names the field', () => {
    expect(text('  hello ', 'comment')).toBe('hello');
    expect(text('😀'.repeat(10), 'name', { max: 10 })).toBe('😀'.repeat(10));
    expect(reasonOf(() => text('x'.repeat(11), 'name', { max: 10 }))).toBe('name must be at most 10 characters (got 11)');
    expect(reasonOf(() => text('  ', '--name'))).toBe('--name must not be empty');
    expect(text('', 'comment', { min: 0 })).toBe('');
    expect(reasonOf(() => text('ok\u0000', 'comment'))).toBe('comment must not contain NUL (U+0000)');
    expect(reasonOf(() => text(42, 'comment'))).toBe('comment must be text, got "42"');
  });

  it('an InputError is a usage error (exit 2) carrying the field for REST and imports', () => {
    const r = attempt(() => text('\u0000', 'comment'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(InputError);
    expect(r.error.exitCode).toBe(EXIT.usage);
    expect(r.error.code).toBe('BAD_INPUT');
    expect(r.error.details).toEqual({ field: 'comment', fields: { comment: 'must not contain NUL (U+0000)' } });
  });

  it('oneOf returns the listed spelling', () => {
    expect(oneOf('RUB', 'currency', ['rub', 'usd'])).toBe('rub');
    expect(reasonOf(() => oneOf('x', '--via', ['api', 'xml']))).toBe('--via must be one of api, xml, got "x"');
  });
});

describe('numbers', () => {
  it('integers: digits or JSON numbers, in range, exact', () => {
    expect(integer('42', '--limit', { min: 1, max: 100 })).toBe(42);
    expect(integer(' +7 ', '--limit', { min: 1, max: 100 })).toBe(7);
    expect(integer(-3, 'n', { min: -5, max: 5 })).toBe(-3);
    for (const bad of ['', ' ', '1e3', '0x10', '1.0', '1.5', 'ten', '12345678901234567890123', 'Infinity', 'NaN'])
      expect(
        reasonOf(() => integer(bad, '--limit', { min: 1, max: 1_000_000 })),
        bad,
      ).toMatch(/^--limit must be a whole number from 1 to 1000000/);
    expect(reasonOf(() => integer('0', '--limit', { min: 1, max: 100 }))).toBe('--limit must be a whole number from 1 to 100, got "0"');
    expect(reasonOf(() => integer(2 ** 60, 'n', { min: 0, max: Number.MAX_SAFE_INTEGER }))).toMatch(/whole number/);
  });

  it('numbers: plain decimals, finite, in range', () => {
    expect(number('1.5', '--rate', { min: 0.01, max: 10 })).toBe(1.5);
    expect(number('.5', '--rate', { min: 0.01, max: 10 })).toBe(0.5);
    for (const bad of ['0', '-1', '1e3', 'Infinity', '', '1,5', '0x1'])
      expect(
        reasonOf(() => number(bad, 'MP_DEMPER_WRITE_RATE', { min: 0.01, max: 10 })),
        bad,
      ).toMatch(/^MP_DEMPER_WRITE_RATE must be a number from 0.01 to 10/);
  });

  it('decimals are exact: more places are refused, never rounded; 23 digits are out of range, not 1e22', () => {
    const money = { min: '0.01', max: '1000000000000', scale: 2 };
    expect(decimal('10.5', 'amount', money)).toBe('10.50');
    expect(decimal('0010.500', 'amount', money)).toBe('10.50');
    expect(decimal(10.25, 'amount', money)).toBe('10.25');
    expect(decimal('1000000000000', 'amount', money)).toBe('1000000000000.00');
    expect(reasonOf(() => decimal('10.555', 'amount', money))).toBe('amount must have at most 2 decimal places (not rounded), got "10.555"');
    expect(reasonOf(() => decimal('12345678901234567890123', 'price', money))).toBe('price must be at most 1000000000000, got "12345678901234567890123"');
    expect(reasonOf(() => decimal(Number('12345678901234567890123'), 'price', money))).toMatch(/must be a decimal number/);
    expect(reasonOf(() => decimal('0.001', 'amount', money))).toMatch(/at most 2 decimal places/);
    expect(reasonOf(() => decimal('0', 'amount', money))).toBe('amount must be at least 0.01, got "0"');
    expect(decimal('-5', 'delta', { min: '-10', max: '10', scale: 0 })).toBe('-5');
    for (const bad of ['', '.', '-', '1e5', '1,5', '10.', 'abc', '0x10'])
      expect(
        reasonOf(() => decimal(bad, 'amount', money)),
        bad,
      ).toMatch(/must be a decimal number with at most 2 decimal places/);
  });
});

describe('dates and times', () => {
  it('calendar dates are strict: no roll-over, 1970–2100', () => {
    expect(calendarDate('2024-02-29', 'date')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(reasonOf(() => calendarDate('2026-13-45', '--date'))).toBe('--date is not a date on the calendar, got "2026-13-45"');
    expect(reasonOf(() => calendarDate('2025-02-29', '--date'))).toMatch(/not a date on the calendar/);
    expect(reasonOf(() => calendarDate('2026-04-31', '--date'))).toMatch(/not a date on the calendar/);
    expect(reasonOf(() => calendarDate('1066-10-14', '--date'))).toMatch(/between 1970 and 2100/);
    expect(reasonOf(() => calendarDate('26-1-1', '--date'))).toMatch(/must be a date like/);
  });

  it('wall-clock timestamps check every field', () => {
    expect(parseWallClock('2026-11-01T10:30:15.5+03:00')).toMatchObject({ hour: 10, minute: 30, second: 15, millisecond: 500, offsetMinutes: 180 });
    for (const bad of ['2026-11-01T24:00', '2026-11-01T10:60', '2026-11-01T10:00:61', '2026-11-31', '2026-11-01Z', '2026-11-01T10:00+15:00', 'yesterday'])
      expect(parseWallClock(bad), bad).toBeUndefined();
  });

  it('parseZonedTimestamp throws on an impossible date instead of rolling it over', () => {
    expect(parseZonedTimestamp('2026-11-01T10:00:00', 'Europe/Moscow').toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(parseZonedTimestamp('2026-11-01T10:00:00Z', 'Europe/Moscow').toISOString()).toBe('2026-11-01T10:00:00.000Z');
    expect(() => parseZonedTimestamp('2026-13-45', 'UTC')).toThrow(/invalid timestamp/);
    expect(() => parseZonedTimestamp('2026-02-30T10:00:00', 'UTC')).toThrow(/invalid timestamp/);
  });

  it('--since: an impossible date is a usage error (was 2027-02-14), an age is bounded (99999999d was exit 70)', () => {
    const now = new Date('2026-11-10T00:00:00Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-11-03T00:00:00.000Z');
    expect(parseSince('2026-11-01', now, 'Asia/Almaty').toISOString()).toBe('2026-10-31T19:00:00.000Z');
    expect(reasonOf(() => parseSince('2026-13-45', now))).toBe('--since is not a date on the calendar, got "2026-13-45"');
    expect(reasonOf(() => parseSince('99999999d', now))).toBe('--since must be at most 7300d back, got "99999999d"');
    expect(reasonOf(() => parseSince('9999-01-01', now))).toMatch(/between 1970 and 2100/);
    expect(reasonOf(() => parseSince('soon', now))).toMatch(/must be an age like 7d/);
    const r = attempt(() => parseSince('2026-13-45', now));
    expect(r.ok || r.error.code).toBe('BAD_SINCE');
  });
});

describe('durations', () => {
  it('units, bare numbers, bounds; never longer than a timer can wait', () => {
    expect(duration('500ms', 'd')).toBe(500);
    expect(duration('1.5h', 'd')).toBe(5_400_000);
    expect(duration('2', 'd')).toBe(2000);
    expect(duration('7d', 'd')).toBe(604_800_000);
    expect(duration('3', 'd', { bareUnit: 'm' })).toBe(180_000);
    expect(reasonOf(() => duration('99999999d', '--idle'))).toMatch(/^--idle must be from 0ms to \d+d, got "99999999d"/);
    expect(reasonOf(() => duration('50ms', '--lease', { min: 100 }))).toMatch(/must be from 100ms to/);
    expect(reasonOf(() => duration('soon', '--idle'))).toMatch(/must be a duration like/);
    expect(reasonOf(() => duration('-5s', '--idle'))).toMatch(/must be a duration like/);
    expect(parseDurationMs('24d', 'MP_LOCK_TIMEOUT')).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(() => parseDurationMs('25d', 'MP_LOCK_TIMEOUT')).toThrow(/MP_LOCK_TIMEOUT must be from/);
  });
});

describe('urls', () => {
  it('absolute, with a host and an accepted scheme', () => {
    expect(url('http://user:pw@proxy:3128', '--proxy', { credentials: true }).host).toBe('proxy:3128');
    expect(reasonOf(() => url('not a url', '--proxy'))).toBe('--proxy must be a URL like http://host:port, got "not a url"');
    expect(reasonOf(() => url('ftp://x', 'MP_WB_BASE_URL'))).toMatch(/must start with http:\/\/ or https:\/\//);
    expect(reasonOf(() => url('http://u:p@h', 'webhook'))).toMatch(/must not carry a user name/);
    expect(reasonOf(() => url('socks5://h:1', '--proxy', { protocols: ['http:'] }))).toMatch(/must start with http:\/\//);
  });
});

describe('all', () => {
  it('names every bad field at once', () => {
    const r = attempt(() =>
      all({
        limit: () => integer('0', '--limit', { min: 1, max: 10 }),
        since: () => parseSince('2026-13-45', new Date()),
        ok: () => text('fine', '--name'),
      }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.details?.fields).toEqual({ '--limit': 'must be a whole number from 1 to 10', '--since': 'is not a date on the calendar' });
    expect(all({ a: () => integer('1', 'a', { min: 0, max: 1 }), b: () => text('x', 'b') })).toEqual({ a: 1, b: 'x' });
  });
});
