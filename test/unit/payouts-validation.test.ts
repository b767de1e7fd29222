// Every payout validation rule at its boundary (pure: no database).
import { describe, expect, it } from 'vitest';
import {
  checkAmount,
  checkComment,
  checkCurrency,
  checkIdempotencyKey,
  checkRecipient,
  maskRecipient,
  requestHash,
  validateCreate,
  validateUpdate,
} from '../../src/payouts/payout.validation.js';

describe('amount', () => {
  it.each([
    ['0.01', '0.01'],
    ['100.5', '100.50'],
    ['100', '100.00'],
    [' 7.10 ', '7.10'],
    ['1000000000000', '1000000000000.00'],
    ['1000000000000.00', '1000000000000.00'],
    [100.5, '100.50'],
    [1, '1.00'],
  ])('accepts %j as %s', (input, normalised) => {
    expect(checkAmount(input)).toEqual({ value: normalised });
  });

  it.each([
    ['0.00', 'must be at least 0.01'],
    ['0', 'must be at least 0.01'],
    ['0.009', 'must have at most 2 decimal places'],
    ['0.001', 'must have at most 2 decimal places'],
    ['1.999', 'must have at most 2 decimal places'],
    ['-5', 'must be at least 0.01'],
    ['1000000000000.01', 'must be at most 1000000000000'],
    ['10000000000000', 'must be at most 1000000000000'],
    ['1e3', 'must be a decimal number such as 100.50'],
    ['1,5', 'must be a decimal number such as 100.50'],
    ['.5', 'must be a decimal number such as 100.50'],
    ['abc', 'must be a decimal number such as 100.50'],
    [undefined, 'is required'],
    ['', 'is required'],
    [true, 'must be a decimal number such as 100.50'],
    [0.001, 'must have at most 2 decimal places'],
  ])('rejects %j: %s', (input, error) => {
    expect(checkAmount(input)).toEqual({ error });
  });
});

describe('currency', () => {
  it('accepts RUB, USD, EUR and normalises lower case (rub → RUB)', () => {
    expect(checkCurrency('RUB')).toEqual({ value: 'RUB' });
    expect(checkCurrency('usd')).toEqual({ value: 'USD' });
    expect(checkCurrency('rub')).toEqual({ value: 'RUB' });
    expect(checkCurrency(' Eur ')).toEqual({ value: 'EUR' });
  });
  it('rejects anything else', () => {
    expect(checkCurrency('KZT').error).toBe('must be one of RUB, USD, EUR');
    expect(checkCurrency('RUBB').error).toBe('must be one of RUB, USD, EUR');
    expect(checkCurrency(undefined).error).toBe('is required');
    expect(checkCurrency(643).error).toBe('must be one of RUB, USD, EUR');
  });
});

describe('comment', () => {
  it('allows 1000 characters and rejects 1001', () => {
    expect(checkComment('x'.repeat(1000))).toEqual({ value: 'x'.repeat(1000) });
    expect(checkComment('x'.repeat(1001)).error).toBe('must be at most 1000 characters (got 1001)');
  });
  it('counts characters, not UTF-16 units or bytes', () => {
    expect(checkComment('я'.repeat(1000)).value).toHaveLength(1000);
    expect(checkComment('😀'.repeat(1000)).error).toBeUndefined();
    expect(checkComment('😀'.repeat(1001)).error).toMatch(/got 1001/);
  });
  it('treats empty and missing as no comment', () => {
    expect(checkComment('')).toEqual({ value: null });
    expect(checkComment(undefined)).toEqual({ value: null });
    expect(checkComment(5).error).toBe('must be a string');
  });
});

describe('recipient', () => {
  it('is required, trimmed, at most 255 characters, no control characters', () => {
    expect(checkRecipient(undefined).error).toBe('is required');
    expect(checkRecipient('   ').error).toBe('is required');
    expect(checkRecipient(' 4081 ')).toEqual({ value: '4081' });
    expect(checkRecipient('a'.repeat(255)).value).toHaveLength(255);
    expect(checkRecipient('a'.repeat(256)).error).toBe('must be at most 255 characters');
    expect(checkRecipient('ab\u0000c').error).toBe('must not contain control characters');
  });
  it('is masked to its last 4 characters', () => {
    expect(maskRecipient('40817810099910004312')).toBe('****4312');
    expect(maskRecipient('1234')).toBe('****');
  });
});

describe('idempotency key', () => {
  it('is optional, non-empty, at most 255 characters', () => {
    expect(checkIdempotencyKey(undefined)).toEqual({ value: null });
    expect(checkIdempotencyKey('k-1')).toEqual({ value: 'k-1' });
    expect(checkIdempotencyKey(' ').error).toBe('must be a non-empty string');
    expect(checkIdempotencyKey('k'.repeat(256)).error).toBe('must be at most 255 characters');
  });
});

describe('whole requests', () => {
  it('reports every invalid field at once, unknown fields included', () => {
    const r = validateCreate({ amount: '0.00', currency: 'XXX', recipient: '', comment: 'x'.repeat(1001), extra: 1 });
    expect(r).toEqual({
      ok: false,
      errors: {
        amount: 'must be at least 0.01',
        currency: 'must be one of RUB, USD, EUR',
        recipient: 'is required',
        comment: 'must be at most 1000 characters (got 1001)',
        extra: 'is not a known field',
      },
    });
  });
  it('normalises a valid request, and equal requests hash equal', () => {
    const a = validateCreate({ amount: '100.5', currency: 'rub', recipient: ' acct ' });
    const b = validateCreate({ amount: 100.5, currency: 'RUB', recipient: 'acct', comment: '' });
    expect(a).toEqual({ ok: true, value: { amount: '100.50', currency: 'RUB', recipient: 'acct', comment: null } });
    if (!a.ok || !b.ok) throw new Error('unreachable');
    expect(requestHash(a.value)).toBe(requestHash(b.value));
    expect(requestHash(a.value)).not.toBe(requestHash({ ...a.value, amount: '100.51' }));
  });
  it('an update needs at least one change and validates only what it changes', () => {
    expect(validateUpdate({})).toEqual({ ok: false, errors: { body: 'nothing to change: give amount, recipient or comment' } });
    expect(validateUpdate({ comment: '' })).toEqual({ ok: true, value: { comment: null } });
    expect(validateUpdate({ amount: '0.001', currency: 'USD' })).toEqual({
      ok: false,
      errors: { amount: 'must have at most 2 decimal places', currency: 'is not a known field' },
    });
  });
});
