// The price list `mp serve` hands to Kaspi's loader: assembled afresh on every fetch (so a product
// taken off sale or a stock import shows at the next fetch), identified by a hash of its content (the
// ETag), dated by the first time that content went out (Last-Modified and the catalogue's `date`).
// Never served: a list before any plan (no `run --apply --via xml` yet), one that fails the format
// check, and one that would list more than 20% fewer offers, or 20% fewer on sale, than the last list
// served, until the seller accepts it (`mp demper price-list accept`).
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { UserError } from '../core/errors.js';
import { decryptSecret, encryptSecret } from '../core/secrets.js';
import type { Database } from '../db/schema.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import type { MarginRules } from '../profit/floor.service.js';
import { hasListPrices } from './city-prices.repository.js';
import { assembleStorePriceList, type StorePriceList } from './price-list.service.js';
import { insertVersion, latestVersion, lockStore, type PriceListVersion } from './price-list-log.repository.js';
import { buildKaspiFeed, feedGuard } from './xml-feed.js';

export type ServedPriceList =
  | { status: 'ok'; xml: string; etag: string; lastModified: Date; offers: number; available: number }
  | { status: 'unavailable'; code: 'PRICE_LIST_NO_PLAN' | 'PRICE_LIST_INVALID' | 'PRICE_LIST_SHRUNK'; reason: string };

/** The price list to serve now for a store, or why none is served. */
export async function servedPriceList(db: Kysely<Database>, store: StoreRow, now: Date, margin?: MarginRules): Promise<ServedPriceList> {
  if (!(await hasListPrices(db, store.id))) {
    return {
      status: 'unavailable',
      code: 'PRICE_LIST_NO_PLAN',
      reason: `no price list planned for store ${store.merchant_id} yet: run \`mp demper run --store ${store.merchant_id} --apply --via xml\``,
    };
  }
  const list = await assembleStorePriceList(db, store, now, { margin });
  if (list.problems.length > 0) {
    return {
      status: 'unavailable',
      code: 'PRICE_LIST_INVALID',
      reason: `the price list does not pass Kaspi's format: ${list.problems.slice(0, 5).join('; ')}`,
    };
  }
  const hash = contentHash(list);
  return db.transaction().execute(async (trx) => {
    await lockStore(trx, store.id);
    const latest = await latestVersion(trx, store.id);
    let version: PriceListVersion;
    if (latest?.content_hash === hash) version = latest;
    else {
      const refused = shrinkGuard(list, latest);
      if (refused) {
        return {
          status: 'unavailable' as const,
          code: 'PRICE_LIST_SHRUNK' as const,
          reason: `${refused}; if that is right, let it out with \`mp demper price-list accept --store ${store.merchant_id}\``,
        };
      }
      version = await insertVersion(trx, { storeId: store.id, hash, offers: list.offers, available: list.available, at: now });
    }
    return {
      status: 'ok' as const,
      xml: buildKaspiFeed({ ...list.feed, date: version.created_at }),
      etag: `"${hash.slice(0, 32)}"`,
      lastModified: version.created_at,
      offers: list.offers,
      available: list.available,
    };
  });
}

/** Why a list must not replace the last one served (more than 20% fewer offers, or fewer on sale), or undefined. */
export function shrinkGuard(
  list: Pick<StorePriceList, 'offers' | 'available'>,
  previous: Pick<PriceListVersion, 'offer_count' | 'available_count'> | undefined,
): string | undefined {
  const offers = feedGuard(list.offers, previous?.offer_count);
  if (offers) return offers.replace('previous one', 'list last served');
  const before = previous?.available_count ?? 0;
  if (before > 0 && list.available < before * 0.8) {
    return `the price list has ${list.available} offers on sale, ${Math.round((1 - list.available / before) * 100)}% fewer than the list last served (${before}); more than 20% taken off sale`;
  }
  return undefined;
}

/** Lets the store's current list past the shrink guard: it becomes the list served (and the guard's new baseline). */
export async function acceptPriceList(
  db: Kysely<Database>,
  store: StoreRow,
  now: Date,
  margin?: MarginRules,
): Promise<{ offers: number; available: number; previous: PriceListVersion | null }> {
  const list = await assembleStorePriceList(db, store, now, { margin });
  if (list.problems.length > 0) {
    throw new UserError('PRICE_LIST_INVALID', `the price list of ${store.merchant_id} does not pass Kaspi's format: ${list.problems.slice(0, 5).join('; ')}`);
  }
  if (list.offers === 0) throw new UserError('PRICE_LIST_EMPTY', `the price list of ${store.merchant_id} is empty: an empty list takes every offer off sale`);
  return db.transaction().execute(async (trx) => {
    await lockStore(trx, store.id);
    const previous = (await latestVersion(trx, store.id)) ?? null;
    await insertVersion(trx, { storeId: store.id, hash: contentHash(list), offers: list.offers, available: list.available, accepted: true, at: now });
    return { offers: list.offers, available: list.available, previous };
  });
}

/** SHA-256 of what the list says (not its date): equal content, equal hash. */
export function contentHash(list: StorePriceList): string {
  const { company, merchantId, offers } = list.feed;
  return createHash('sha256').update(JSON.stringify({ company, merchantId, offers })).digest('hex');
}

// --- the secret path ---------------------------------------------------------------------------

/** The URL-safe token of a store's secret path: 32 random bytes (256 bits). */
export function newPriceListToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The store's secret-path token (made and stored, sealed, on first use; `rotate` replaces it). */
export async function priceListToken(db: Kysely<Database>, key: Buffer, store: StoreRow, rotate = false): Promise<string> {
  if (store.price_list_token_encrypted && !rotate) return decryptSecret(store.price_list_token_encrypted, key);
  const token = newPriceListToken();
  await db
    .updateTable('kaspi_stores')
    .set({ price_list_token_hash: tokenHash(token), price_list_token_encrypted: encryptSecret(token, key), updated_at: new Date() })
    .where('id', '=', store.id)
    .execute();
  return token;
}
