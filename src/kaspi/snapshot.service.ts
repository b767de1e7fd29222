// Stores one scrape of one product in one transaction: the product row, a history row when a
// tracked field changed (or on first sight), the offers and their appeared/price_changed/disappeared
// events. Fields the scrape could not observe keep their stored values.
import type { Kysely } from 'kysely';
import { normalizeDecimal } from '../core/money.js';
import type { Database } from '../db/schema.js';
import { offersCtes } from './offer.repository.js';
import type { KaspiOffer } from './offers.parser.js';
import { insertProduct, lockProductWithOffers, updateProduct } from './product.repository.js';
import { changedProductFields, diffOffers, type OfferEvent, type ProductFields, type ProductRow, TRACKED_FIELDS, type TrackedField } from './snapshot-diff.js';

export interface ProductObservation {
  kaspiId: string;
  cityId: string;
  url: string;
  name: string;
  descriptionText: string | null;
  descriptionHtml: string | null;
  category: string | null;
  categoryPath: string[];
  brand: string | null;
  photos: string[];
  /** De-duplicated offers, or null when unknown (the API said [] but the page lists sellers). */
  offers: KaspiOffer[] | null;
  offersStatus: 'ok' | 'none' | 'unknown';
  /** undefined = not observed this time (the reviews API failed): keep what is stored. */
  rating: number | null | undefined;
  reviewCount: number | null | undefined;
}

export interface SavedSnapshot {
  productId: string;
  created: boolean;
  /** Tracked fields that changed ([] when nothing did; every field on first sight). */
  changed: TrackedField[];
  offerEvents: OfferEvent[];
  fields: ProductFields;
  checkedAt: Date;
}

/** Resolves the observation against the stored row and writes it; returns what changed. */
export async function saveProductSnapshot(db: Kysely<Database>, obs: ProductObservation, now: Date): Promise<SavedSnapshot> {
  return db.transaction().execute(async (trx) => {
    let stored = await lockProductWithOffers(trx, obs.kaspiId, obs.cityId);
    let created = false;
    let productId = '';
    let changed: TrackedField[] = [];
    let fields = resolveFields(obs, stored?.product);
    let offerEvents: OfferEvent[] = [];
    if (!stored) {
      // First sight: the product, its first history row (every tracked field counts as changed),
      // its offers and their `appeared` rows in one statement.
      const diff = obs.offers ? diffOffers([], obs.offers) : undefined;
      const offers = diff?.upsert.length ? offersCtes(diff, now) : undefined;
      const insertedId = await insertProduct(trx, obs.kaspiId, obs.cityId, fields, TRACKED_FIELDS, now, offers);
      if (insertedId !== undefined) {
        created = true;
        productId = insertedId;
        changed = [...TRACKED_FIELDS];
        offerEvents = diff?.events ?? [];
      } else {
        // Another process inserted it between our select and insert (and nothing was written):
        // continue as an update.
        stored = (await lockProductWithOffers(trx, obs.kaspiId, obs.cityId))!;
        fields = resolveFields(obs, stored.product);
      }
    }
    if (stored) {
      productId = stored.product.id;
      changed = changedProductFields(stored.product, fields);
      const diff = obs.offers ? diffOffers(stored.offers, obs.offers) : undefined;
      offerEvents = diff?.events ?? [];
      // With its history row when a tracked field changed, and its offers, in the same statement.
      const offers = diff && (stored.offers.length || diff.upsert.length) ? offersCtes(diff, now) : undefined;
      await updateProduct(trx, productId, fields, now, changed, offers);
    }
    return { productId, created, changed, offerEvents, fields, checkedAt: now };
  });
}

function resolveFields(obs: ProductObservation, prev: ProductRow | undefined): ProductFields {
  const offers = obs.offers;
  const keep = <T>(observed: T | undefined, stored: T | null | undefined): T | null => (observed !== undefined ? observed : (stored ?? null));
  return {
    name: obs.name,
    descriptionText: obs.descriptionText,
    descriptionHtml: obs.descriptionHtml,
    category: obs.category,
    categoryPath: obs.categoryPath,
    brand: obs.brand,
    // Unknown offers keep the last known prices and count: "unknown" must not read as "nobody sells it".
    minPrice: offers ? (offers[0]?.price ?? null) : (prev?.min_price ?? null),
    maxPrice: offers ? (offers.at(-1)?.price ?? null) : (prev?.max_price ?? null),
    sellerCount: offers ? offers.length : (prev?.seller_count ?? null),
    offersStatus: obs.offersStatus,
    rating: keep(obs.rating === undefined ? undefined : obs.rating === null ? null : normalizeDecimal(obs.rating.toFixed(2)), prev?.rating),
    reviewCount: keep(obs.reviewCount, prev?.review_count),
    photos: obs.photos,
    url: obs.url,
  };
}
