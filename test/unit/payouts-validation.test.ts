// Every payout input rule at its boundary (pure: no database; the same limits are CHECK constraints,
// exercised on both engines in test/payouts/service.test.ts). Currency: lower case is NORMALISED
// (`rub` → `RUB`), not refused.
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
    ['0.00', { error: 'must be at least 0.01' }],
    ['0', { error: 'must be at least 0.01' }],
    [0, { error: 'must be at least 0.01' }],
    ['-0.01', { error: 'must be at least 0.01' }],
    ['0.01', { value: '0.01' }],
    ['0.001', { error: 'must have at most 2 decimal places' }],
    ['0.010', { error: 'must have at most 2 decimal places' }],
    ['0.009', { error: 'must have at most 2 decimal places' }],
    ['1.999', { error: 'must have at most 2 decimal places' }],
    [0.001, { error: 'must have at most 2 decimal places' }],
    ['-5', { error: 'must be at least 0.01' }],
    ['100', { value: '100.00' }],
    ['100.5', { value: '100.50' }],
    [100.5, { value: '100.50' }],
    [1, { value: '1.00' }],
    [' 7 ', { value: '7.00' }],
    [' 7.10 ', { value: '7.10' }],
    ['1000000000000', { value: '1000000000000.00' }],
    ['1000000000000.00', { value: '1000000000000.00' }],
    ['1000000000000.01', { error: 'must be at most 1000000000000' }],
    ['9999999999999.99', { error: 'must be at most 1000000000000' }],
    ['10000000000000', { error: 'must be at most 1000000000000' }],
    ['99999999999999', { error: 'must be at most 1000000000000' }],
    ['00000000000001.00', { value: '1.00' }],
    [0.1 + 0.2, { error: 'must have at most 2 decimal places' }],
    ['1e3', { error: 'must be a decimal number such as 100.50' }],
    [1e21, { error: 'must be a decimal number such as 100.50' }],
    ['1,5', { error: 'must be a decimal number such as 100.50' }],
    ['1.', { error: 'must be a decimal number such as 100.50' }],
    ['.5', { error: 'must be a decimal number such as 100.50' }],
    ['abc', { error: 'must be a decimal number such as 100.50' }],
    ['٣', { error: 'must be a decimal number such as 100.50' }],
    [Number.NaN, { error: 'must be a decimal number such as 100.50' }],
    [true, { error: 'must be a decimal number such as 100.50' }],
    ['', { error: 'is required' }],
    [undefined, { error: 'is required' }],
  ])('%j → %j', (input, expected) => {
    expect(checkAmount(input)).toEqual(expected);
  });
});

describe('currency (normalised to upper case)', () => {
  it.each([
    ['RUB', { value: 'RUB' }],
    ['rub', { value: 'RUB' }],
    [' usd ', { value: 'USD' }],
    ['Eur', { value: 'EUR' }],
    [' Eur ', { value: 'EUR' }],
    ['KZT', { error: 'must be one of RUB, USD, EUR' }],
    ['RUBL', { error: 'must be one of RUB, USD, EUR' }],
    ['RUBB', { error: 'must be one of RUB, USD, EUR' }],
    [1, { error: 'must be one of RUB, USD, EUR' }],
    [643, { error: 'must be one of RUB, USD, EUR' }],
    ['', { error: 'is required' }],
    [undefined, { error: 'is required' }],
  ])('%j → %j', (input, expected) => {
    expect(checkCurrency(input)).toEqual(expected);
  });
});

describe('comment: at most 1,000 characters (code points, as SQL char_length)', () => {
  it('1000 is allowed, 1001 is not; empty means none', () => {
    expect(checkComment('x'.repeat(1000))).toEqual({ value: 'x'.repeat(1000) });
    expect(checkComment('x'.repeat(1001))).toEqual({ error: 'must be at most 1000 characters (got 1001)' });
    // 1000 emoji are 2000 UTF-16 units but 1000 characters.
    expect(checkComment('💸'.repeat(1000)).error).toBeUndefined();
    expect(checkComment('💸'.repeat(1001)).error).toBe('must be at most 1000 characters (got 1001)');
    // Cyrillic: 1000 characters, 2000 bytes.
    expect(checkComment('я'.repeat(1000)).value).toHaveLength(1000);
    expect(checkComment('')).toEqual({ value: null });
    expect(checkComment(undefined)).toEqual({ value: null });
    expect(checkComment(5)).toEqual({ error: 'must be a string' });
  });
});

describe('recipient: required, at most 255 characters, no control characters', () => {
  it('boundaries', () => {
    expect(checkRecipient('a'.repeat(255))).toEqual({ value: 'a'.repeat(255) });
    expect(checkRecipient('a'.repeat(256))).toEqual({ error: 'must be at most 255 characters' });
    expect(checkRecipient('  acct-1  ')).toEqual({ value: 'acct-1' });
    expect(checkRecipient(' 4081 ')).toEqual({ value: '4081' });
    expect(checkRecipient('   ')).toEqual({ error: 'is required' });
    expect(checkRecipient(undefined)).toEqual({ error: 'is required' });
    expect(checkRecipient('acct\u0000')).toEqual({ error: 'must not contain control characters' });
  });

  it('is masked to its last 4 characters', () => {
    expect(maskRecipient('40817810099910004312')).toBe('****4312');
    expect(maskRecipient('abcd')).toBe('****');
    expect(maskRecipient('1234')).toBe('****');
  });
});

describe('idempotency key: optional, 1–255 characters', () => {
  it('boundaries', () => {
    expect(checkIdempotencyKey(undefined)).toEqual({ value: null });
    expect(checkIdempotencyKey('k-1')).toEqual({ value: 'k-1' });
    expect(checkIdempotencyKey('k'.repeat(255))).toEqual({ value: 'k'.repeat(255) });
    expect(checkIdempotencyKey('k'.repeat(256))).toEqual({ error: 'must be at most 255 characters' });
    expect(checkIdempotencyKey(' ')).toEqual({ error: 'must be a non-empty string' });
  });

  it('"the same body" means the same normalised request', () => {
    const a = validateCreate({ amount: '100.5', currency: 'rub', recipient: ' acct ', comment: '' });
    const b = validateCreate({ amount: 100.5, currency: 'RUB', recipient: 'acct' });
    const c = validateCreate({ amount: '100.51', currency: 'RUB', recipient: 'acct' });
    expect(a).toEqual({ ok: true, value: { amount: '100.50', currency: 'RUB', recipient: 'acct', comment: null } });
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected valid input');
    expect(requestHash(a.value)).toBe(requestHash(b.value));
    expect(requestHash(a.value)).not.toBe(requestHash(c.value));
    expect(requestHash(a.value)).not.toBe(requestHash({ ...a.value, amount: '100.51' }));
  });
});

describe('whole requests', () => {
  it('create names every invalid field, unknown ones included', () => {
    expect(validateCreate({ amount: '0.00', currency: 'XXX', recipient: '', comment: 'x'.repeat(1001), extra: 1 })).toMatchObject({
      ok: false,
      errors: { extra: 'is not a known field', currency: 'must be one of RUB, USD, EUR' },
    });
    expect(validateCreate({ amount: '0.00', currency: 'kzt', recipient: '', comment: 'x'.repeat(1001), iban: 'x' })).toEqual({
      ok: false,
      errors: {
        iban: 'is not a known field',
        amount: 'must be at least 0.01',
        currency: 'must be one of RUB, USD, EUR',
        recipient: 'is required',
        comment: 'must be at most 1000 characters (got 1001)',
      },
    });
  });

  it('update needs at least one change and checks only what is given', () => {
    expect(validateUpdate({})).toEqual({ ok: false, errors: { body: 'nothing to change: give amount, recipient or comment' } });
    expect(validateUpdate({ amount: '0.001' })).toEqual({ ok: false, errors: { amount: 'must have at most 2 decimal places' } });
    expect(validateUpdate({ currency: 'USD' })).toEqual({ ok: false, errors: { currency: 'is not a known field' } });
    expect(validateUpdate({ comment: '' })).toEqual({ ok: true, value: { comment: null } });
    expect(validateUpdate({ amount: '0.001', currency: 'USD' })).toEqual({
      ok: false,
      errors: { amount: 'must have at most 2 decimal places', currency: 'is not a known field' },
    });
  });
});
