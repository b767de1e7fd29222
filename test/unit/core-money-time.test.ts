import { describe, expect, it } from 'vitest';
import { compareDecimal, formatThousands, fromMinor, normalizeDecimal, toMinor } from '../../src/core/money.js';
import { ALMATY, formatZoned, MOSCOW, parseSince, parseZonedTimestamp, startOfZonedDay, zonedDate } from '../../src/core/time.js';

describe('money', () => {
  it('converts decimals to minor units and back without floats', () => {
    expect(toMinor('100.5')).toBe(10050n);
    expect(toMinor('0.01')).toBe(1n);
    expect(toMinor('-3.1')).toBe(-310n);
    expect(fromMinor(10050n)).toBe('100.50');
    expect(fromMinor(-5n)).toBe('-0.05');
    expect(toMinor('0.10', 2)).toBe(10n);
    expect(() => toMinor('0.001')).toThrow(/more than 2 decimal places/);
    expect(() => toMinor('1e3')).toThrow(/not a decimal/);
  });

  it('compares and normalises', () => {
    expect(compareDecimal('10.10', '10.1')).toBe(0);
    expect(compareDecimal('9.99', '10')).toBe(-1);
    expect(normalizeDecimal(361788.0)).toBe('361788');
    expect(normalizeDecimal('0012.500')).toBe('12.5');
    expect(normalizeDecimal('2.345', 2)).toBe('2.35');
    expect(normalizeDecimal(0.1 + 0.2, 2)).toBe('0.30');
  });

  it('groups thousands', () => {
    expect(formatThousands(1234567)).toBe('1 234 567');
    expect(formatThousands('-1234.5')).toBe('-1 234.5');
    expect(formatThousands(999)).toBe('999');
  });
});

describe('time zones at the edges', () => {
  it('reads WB timestamps without an offset as Moscow time', () => {
    expect(parseZonedTimestamp('2026-11-01T10:00:00', MOSCOW).toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(parseZonedTimestamp('2026-11-01T10:00:00.5', MOSCOW).toISOString()).toBe('2026-11-01T07:00:00.500Z');
    expect(parseZonedTimestamp('2026-11-01T10:00:00Z', MOSCOW).toISOString()).toBe('2026-11-01T10:00:00.000Z');
    expect(parseZonedTimestamp('2026-11-01T10:00:00+05:00', MOSCOW).toISOString()).toBe('2026-11-01T05:00:00.000Z');
  });

  it('computes Almaty days (UTC+5) and Moscow days (UTC+3)', () => {
    const lateUtc = new Date('2026-11-01T20:30:00Z'); // already Nov 2 in Almaty, still Nov 1 in Moscow until 21:00Z
    expect(zonedDate(lateUtc, ALMATY)).toBe('2026-11-02');
    expect(zonedDate(lateUtc, MOSCOW)).toBe('2026-11-01');
    expect(startOfZonedDay(lateUtc, ALMATY).toISOString()).toBe('2026-11-01T19:00:00.000Z');
    expect(formatZoned(lateUtc, MOSCOW)).toBe('2026-11-01 23:30');
  });

  it('parses --since ages and dates', () => {
    const now = new Date('2026-11-21T12:00:00Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-11-14T12:00:00.000Z');
    expect(parseSince('12h', now).toISOString()).toBe('2026-11-21T00:00:00.000Z');
    expect(parseSince('2026-11-01', now, ALMATY).toISOString()).toBe('2026-10-31T19:00:00.000Z');
    expect(() => parseSince('yesterday', now)).toThrow(/--since must be/);
  });
});
