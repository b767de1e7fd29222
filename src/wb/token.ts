// The WB API token is a JWT. It is decoded locally (WB advises against online decoders) for its
// expiry and access categories; the signature is WB's business, /ping is the real check.
import { createHash } from 'node:crypto';
import { UserError } from '../core/errors.js';

/** Access categories by bit position of the `s` claim (WB docs, "Token format"). */
export const WB_CATEGORY_BITS: Record<string, number> = {
  content: 1,
  analytics: 2,
  prices: 3,
  marketplace: 4,
  statistics: 5,
  promotion: 6,
  feedbacks: 7,
  chat: 9,
  supplies: 10,
  returns: 11,
  documents: 12,
  finance: 13,
  users: 16,
  readonly: 30,
};

/** The categories mp needs for `mp wb sync`. */
export const REQUIRED_CATEGORIES = ['statistics', 'feedbacks', 'content', 'analytics'] as const;
export type RequiredCategory = (typeof REQUIRED_CATEGORIES)[number];

export interface WbTokenInfo {
  expiresAt?: Date;
  categories: string[];
  sellerId?: string;
  tokenType?: 'base' | 'test' | 'personal' | 'service';
  test: boolean;
}

/** Decodes the JWT payload. Throws WB_TOKEN_MALFORMED when it is not a JWT. */
export function decodeWbToken(token: string): WbTokenInfo {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) {
    throw new UserError('WB_TOKEN_MALFORMED', 'the Wildberries token is not a JWT (three dot-separated parts): copy the whole token from the seller cabinet');
  }
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new UserError('WB_TOKEN_MALFORMED', 'the Wildberries token payload cannot be decoded: copy the whole token from the seller cabinet');
  }
  const s = typeof claims.s === 'number' ? claims.s : 0;
  const categories = Object.entries(WB_CATEGORY_BITS)
    // `s` can exceed 2^31, so no 32-bit bitwise operators.
    .filter(([, bit]) => Math.floor(s / 2 ** bit) % 2 === 1)
    .map(([name]) => name);
  const acc = typeof claims.acc === 'number' ? claims.acc : undefined;
  const tokenType = acc === 1 ? 'base' : acc === 2 ? 'test' : acc === 3 ? 'personal' : acc === 4 ? 'service' : undefined;
  return {
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined,
    categories,
    sellerId: typeof claims.sid === 'string' ? claims.sid : undefined,
    tokenType,
    test: claims.t === true || acc === 2,
  };
}

/** The `s` claim for a set of categories (used by the fake server and tests). */
export function categoryMask(categories: readonly string[]): number {
  return categories.reduce((mask, name) => mask + 2 ** (WB_CATEGORY_BITS[name] ?? 0), 0);
}

/** A stable fingerprint of a token, to find "this token is already stored" without decrypting. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token.trim()).digest('hex');
}

/**
 * What to run to give mp a new token for `cabinet` (in error messages and alerts): `mp wb cabinet token`
 * keeps the cabinet's data; a token being added (no name yet) is added again.
 */
export function renewCommand(cabinet?: string): string {
  return cabinet && cabinet !== 'new cabinet' ? `\`mp wb cabinet token ${JSON.stringify(cabinet)} --token-stdin\`` : '`mp wb cabinet add`';
}
