// Payout recipients (account numbers) at rest: sealed with the secret key like every other secret
// (src/core/secrets.ts), shown as `****1234` unless the reader asks for them with the key.
import { decryptSecret, encryptSecret } from '../core/secrets.js';
import { maskRecipient } from './payout.validation.js';

const SEALED = /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/;

/** Whether a stored recipient is sealed (older rows and other writers may hold it plain). */
export function isSealed(stored: string): boolean {
  return SEALED.test(stored);
}

/** The stored form of a recipient: sealed, with the mask listings show. */
export function sealRecipient(plain: string, key: Buffer): { recipient: string; recipient_masked: string } {
  return { recipient: encryptSecret(plain, key), recipient_masked: maskRecipient(plain) };
}

/** The recipient in clear (for the gateway, or `--show-recipient`); a plain stored value as it is. */
export function openRecipient(stored: string, key: Buffer): string {
  return isSealed(stored) ? decryptSecret(stored, key) : stored;
}

/** What a listing shows: the stored mask, or one made from a plain value; never the sealed text. */
export function shownRecipient(row: { recipient: string; recipient_masked: string | null }): string {
  if (row.recipient_masked) return row.recipient_masked;
  return isSealed(row.recipient) ? '****' : maskRecipient(row.recipient);
}
