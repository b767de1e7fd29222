// Pure validation of payout input from the CLI and the REST API: one message per invalid field,
// normalised values out. The same limits are CHECK constraints in sql/0004_payouts.sql.
import { createHash } from 'node:crypto';
import { fromMinor, toMinor } from '../core/money.js';
import { forbiddenCharacter } from '../core/validate.js';

export const CURRENCIES = ['RUB', 'USD', 'EUR'] as const;
export type Currency = (typeof CURRENCIES)[number];
export const STATUSES = ['NEW', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type Status = (typeof STATUSES)[number];

export const MIN_AMOUNT = '0.01';
export const MAX_AMOUNT = '1000000000000';
export const MAX_COMMENT = 1000;
export const MAX_RECIPIENT = 255;
export const MAX_IDEMPOTENCY_KEY = 255;

/** A valid, normalised create request. */
export interface PayoutInput {
  amount: string;
  currency: Currency;
  recipient: string;
  comment: string | null;
}

/** Field name → what is wrong with it. */
export type FieldErrors = Record<string, string>;

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const AMOUNT = /^\d{1,13}(\.\d+)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Control characters (NUL included) and lone surrogates: the rules of src/core/validate.ts. */
const CONTROL = { test: (text: string) => forbiddenCharacter(text) !== undefined };

/** Validates an amount: a plain decimal (string, or a JSON number), 0.01 … 1,000,000,000,000, ≤ 2 places. */
export function checkAmount(value: unknown): { value?: string; error?: string } {
  if (value === undefined || value === null || value === '') return { error: 'is required' };
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { error: 'must be a decimal number such as 100.50' };
    text = String(value);
  } else if (typeof value === 'string') text = value.trim();
  else return { error: 'must be a decimal number such as 100.50' };
  // Leading zeros do not count against the 13 integer digits ("00000000000001.00" is 1.00).
  text = text.replace(/^0+(?=\d)/, '');
  if (!AMOUNT.test(text)) {
    if (/^-/.test(text)) return { error: `must be at least ${MIN_AMOUNT}` };
    if (/^\d{14,}(\.\d+)?$/.test(text)) return { error: `must be at most ${MAX_AMOUNT}` };
    return { error: 'must be a decimal number such as 100.50' };
  }
  const places = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
  if (places > 2) return { error: 'must have at most 2 decimal places' };
  const minor = toMinor(text, 2);
  if (minor < 1n) return { error: `must be at least ${MIN_AMOUNT}` };
  if (minor > toMinor(MAX_AMOUNT, 2)) return { error: `must be at most ${MAX_AMOUNT}` };
  return { value: fromMinor(minor, 2) };
}

/** Currency codes are normalised to upper case: `rub` is accepted as `RUB`. */
export function checkCurrency(value: unknown): { value?: Currency; error?: string } {
  if (value === undefined || value === null || value === '') return { error: 'is required' };
  if (typeof value !== 'string') return { error: `must be one of ${CURRENCIES.join(', ')}` };
  const upper = value.trim().toUpperCase();
  if (!(CURRENCIES as readonly string[]).includes(upper)) return { error: `must be one of ${CURRENCIES.join(', ')}` };
  return { value: upper as Currency };
}

export function checkRecipient(value: unknown): { value?: string; error?: string } {
  if (value === undefined || value === null) return { error: 'is required' };
  if (typeof value !== 'string') return { error: 'must be a string' };
  const text = value.trim();
  if (text === '') return { error: 'is required' };
  if ([...text].length > MAX_RECIPIENT) return { error: `must be at most ${MAX_RECIPIENT} characters` };
  if (CONTROL.test(text)) return { error: 'must not contain control characters' };
  return { value: text };
}

/**
 * Comments count characters (code points), as SQL char_length does; empty means none. Line breaks
 * and tabs are allowed; NUL and other control characters are not (PostgreSQL cannot store a NUL).
 */
export function checkComment(value: unknown): { value?: string | null; error?: string } {
  if (value === undefined || value === null || value === '') return { value: null };
  if (typeof value !== 'string') return { error: 'must be a string' };
  const length = [...value].length;
  if (length > MAX_COMMENT) return { error: `must be at most ${MAX_COMMENT} characters (got ${length})` };
  const bad = forbiddenCharacter(value, true);
  if (bad) return { error: `must not contain ${bad}` };
  return { value };
}

export function checkIdempotencyKey(value: unknown): { value?: string | null; error?: string } {
  if (value === undefined || value === null) return { value: null };
  if (typeof value !== 'string' || value.trim() === '') return { error: 'must be a non-empty string' };
  if (value.length > MAX_IDEMPOTENCY_KEY) return { error: `must be at most ${MAX_IDEMPOTENCY_KEY} characters` };
  if (CONTROL.test(value)) return { error: 'must not contain control characters' };
  return { value };
}

type Checker = (value: unknown) => { value?: unknown; error?: string };
const CHECKS: Record<keyof PayoutInput, Checker> = {
  amount: checkAmount,
  currency: checkCurrency,
  recipient: checkRecipient,
  comment: checkComment,
};

function unknownFields(input: Record<string, unknown>, allowed: readonly string[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const key of Object.keys(input)) if (!allowed.includes(key)) errors[key] = 'is not a known field';
  return errors;
}

/** Validates a create request (unknown fields are errors too). */
export function validateCreate(input: Record<string, unknown>): Validated<PayoutInput> {
  const errors = unknownFields(input, Object.keys(CHECKS));
  const value: Record<string, unknown> = {};
  for (const [field, check] of Object.entries(CHECKS)) {
    const r = check(input[field]);
    if (r.error) errors[field] = r.error;
    else value[field] = r.value;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: value as unknown as PayoutInput };
}

/** A change to a NEW payout: any of amount, recipient, comment (at least one). */
export type PayoutChanges = Partial<Pick<PayoutInput, 'amount' | 'recipient' | 'comment'>>;

export function validateUpdate(input: Record<string, unknown>, extraAllowed: readonly string[] = []): Validated<PayoutChanges> {
  const editable = ['amount', 'recipient', 'comment'] as const;
  const errors = unknownFields(input, [...editable, ...extraAllowed]);
  const value: PayoutChanges = {};
  for (const field of editable) {
    if (input[field] === undefined) continue;
    const r = CHECKS[field](input[field]);
    if (r.error) errors[field] = r.error;
    else (value as Record<string, unknown>)[field] = r.value;
  }
  if (!Object.keys(errors).length && !Object.keys(value).length && !extraAllowed.some((f) => input[f] !== undefined)) {
    errors.body = 'nothing to change: give amount, recipient or comment';
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

export function isStatus(text: string): text is Status {
  return (STATUSES as readonly string[]).includes(text);
}

/** sha256 of the normalised request: what "the same body" means for an idempotency key. */
export function requestHash(input: PayoutInput): string {
  return createHash('sha256')
    .update(JSON.stringify([input.amount, input.currency, input.recipient, input.comment ?? null]))
    .digest('hex');
}

/** Recipient details as shown anywhere (CLI, API, logs): only the last 4 characters. */
export function maskRecipient(recipient: string): string {
  const chars = [...recipient];
  if (chars.length <= 4) return '****';
  return `****${chars.slice(-4).join('')}`;
}
