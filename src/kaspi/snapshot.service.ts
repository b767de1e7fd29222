// Stores one scrape of a product (in a transaction of its own, or in a scrape's batch): the product row, a history row when a
// tracked field changed (or on first sight), the offers and their appeared/price_changed/disappeared
// events. Fields the scrape could not observe keep their stored values: unknown or partial offers
// leave the stored offers (and their prices and count) as they were, and a field whose place on the
// page is gone keeps its stored value instead of becoming empty.
import type { Kysely } from 'kysely';
import { normalizeDecimal } from '../core/money.js';
import type { Database } from '../db/schema.js';
import type { KaspiOffer } from './offers.parser.js';
import { lockProductsWithOffers, lockProductWithOffers, type ProductWrite, productKey, writeProducts } from './product.repository.js';
import type { LayoutField } from './product-page-sources.js';
import {
  changedProductFields,
  diffOffers,
  type OfferEvent,
  type OffersStatus,
  type ProductFields,
  type ProductRow,
  type StoredOffer,
  TRACKED_FIELDS,
  type TrackedField,
} from './snapshot-diff.js';

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
  /**
   * Layout fields whose place on the page is gone (ParsedProductPage.weak): their observed value is
   * used only when nothing is stored for them or it agrees; otherwise the stored value is kept.
   */
  weak: readonly LayoutField[];
  /** De-duplicated offers, or null when unknown or partial (then the stored offers stay as they were). */
  offers: KaspiOffer[] | null;
  offersStatus: OffersStatus;
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
  /** Layout fields the page lost that kept their stored value ([] when none did). */
  kept: LayoutField[];
  checkedAt: Date;
}

/** Resolves the observation against the stored row and writes it in one transaction; returns what changed. */
export async function saveProductSnapshot(db: Kysely<Database>, obs: ProductObservation, now: Date): Promise<SavedSnapshot> {
  return db.transaction().execute(async (trx) => (await writeProductSnapshots(trx, [{ obs, now }]))[0]!);
}

export interface SnapshotToWrite {
  obs: ProductObservation;
  /** When it was observed: checked_at, last_checked_at, the history rows' times. */
  now: Date;
}

/**
 * Writes several observations inside the caller's transaction (a batch of a scrape: one commit for
 * all of them, one round trip to read and lock the stored ones and one to write them all); returns
 * what changed for each, in the order given. Products are written in key order, so two batches
 * inserting the same new products queue instead of deadlocking. The same product twice: written one
 * at a time, the second seeing the first.
 */
export async function writeProductSnapshots(trx: Kysely<Database>, items: readonly SnapshotToWrite[]): Promise<SavedSnapshot[]> {
  const locked = await lockProductsWithOffers(
    trx,
    items.map((i) => i.obs),
  );
  const order = items.map((_, i) => i);
  const keys = items.map((i) => productKey(i.obs.kaspiId, i.obs.cityId));
  order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
  const saved: SavedSnapshot[] = new Array(items.length);
  const entry = (i: number, stored: Locked | undefined): Entry => ({ index: i, obs: items[i]!.obs, now: items[i]!.now, stored });
  if (new Set(keys).size === keys.length) {
    await writeEntries(
      trx,
      order.map((i) => entry(i, locked.get(keys[i]!))),
      saved,
    );
    return saved;
  }
  const written = new Set<string>();
  for (const i of order) {
    const key = keys[i]!;
    const stored = written.has(key) ? await lockProductWithOffers(trx, items[i]!.obs.kaspiId, items[i]!.obs.cityId) : locked.get(key);
    await writeEntries(trx, [entry(i, stored)], saved);
    written.add(key);
  }
  return saved;
}

type Locked = { product: ProductRow; offers: StoredOffer[] };
interface Entry {
  /** Its place in the caller's list (and in `saved`). */
  index: number;
  obs: ProductObservation;
  now: Date;
  /** The stored product, locked; undefined on first sight. */
  stored: Locked | undefined;
}

/**
 * Resolves each observation against its stored row and writes them all in one statement (distinct
 * products, in key order); fills `saved`. A first sight another process inserted after our lock
 * read (the insert wrote nothing for it, and locked it) is then resolved and written as an update.
 */
async function writeEntries(trx: Kysely<Database>, entries: readonly Entry[], saved: SavedSnapshot[]): Promise<void> {
  const plans = entries.map(planWrite);
  const ids = await writeProducts(
    trx,
    plans.map((p) => p.write),
  );
  const raced: Entry[] = [];
  entries.forEach((e, k) => {
    const id = ids[k];
    if (id === undefined) raced.push(e);
    else saved[e.index] = { ...plans[k]!.saved, productId: id };
  });
  if (!raced.length) return;
  const relocked = await lockProductsWithOffers(
    trx,
    raced.map((e) => e.obs),
  );
  await writeEntries(
    trx,
    raced.map((e) => ({ ...e, stored: relocked.get(productKey(e.obs.kaspiId, e.obs.cityId)) })),
    saved,
  );
}

/** What to write for one observation, and what to report once written (all but the product id). */
function planWrite(e: Entry): { write: ProductWrite; saved: SavedSnapshot } {
  const { obs, now, stored } = e;
  const { fields, kept } = resolveFields(obs, stored?.product);
  const base = { kaspiId: obs.kaspiId, cityId: obs.cityId, fields, now };
  if (!stored) {
    // First sight: the product, its first history row (every tracked field counts as changed),
    // its offers and their `appeared` rows.
    const diff = obs.offers ? diffOffers([], obs.offers) : undefined;
    return {
      write: { ...base, id: undefined, changed: TRACKED_FIELDS, offers: diff?.upsert.length ? { diff, stored: [] } : undefined },
      saved: { productId: '', created: true, changed: [...TRACKED_FIELDS], offerEvents: diff?.events ?? [], fields, kept, checkedAt: now },
    };
  }
  const changed = changedProductFields(stored.product, fields);
  const diff = obs.offers ? diffOffers(stored.offers, obs.offers) : undefined;
  // With its history row when a tracked field changed, and its offers.
  const offers = diff && (stored.offers.length || diff.upsert.length) ? { diff, stored: stored.offers } : undefined;
  return {
    write: { ...base, id: stored.product.id, changed, offers },
    saved: { productId: stored.product.id, created: false, changed, offerEvents: diff?.events ?? [], fields, kept, checkedAt: now },
  };
}

function resolveFields(obs: ProductObservation, prev: ProductRow | undefined): { fields: ProductFields; kept: LayoutField[] } {
  const offers = obs.offers;
  const keep = <T>(observed: T | undefined, stored: T | null | undefined): T | null => (observed !== undefined ? observed : (stored ?? null));
  const weak = new Set(obs.weak);
  const kept: LayoutField[] = [];
  // A weak field keeps a stored value that the page no longer shows where mp reads it.
  const guard = <T>(field: LayoutField, observed: T, stored: T | undefined, isEmpty: (v: T) => boolean, same: (a: T, b: T) => boolean): T => {
    if (!weak.has(field) || stored === undefined || isEmpty(stored) || same(observed, stored)) return observed;
    kept.push(field);
    return stored;
  };
  const description = guard(
    'description',
    { text: obs.descriptionText, html: obs.descriptionHtml },
    prev && { text: prev.description_text, html: prev.description_html },
    (d) => d.text === null && d.html === null,
    (a, b) => a.text === b.text && a.html === b.html,
  );
  const category = guard(
    'category',
    { leaf: obs.category, path: obs.categoryPath },
    prev && { leaf: prev.category, path: prev.category_path ?? [] },
    (c) => c.leaf === null && c.path.length === 0,
    (a, b) => a.leaf === b.leaf && sameList(a.path, b.path),
  );
  const photos = guard('photos', obs.photos, prev?.photos ?? undefined, (p) => p.length === 0, sameList);
  const brand = guard(
    'brand',
    obs.brand,
    prev ? prev.brand : undefined,
    (b) => b === null,
    (a, b) => a === b,
  );
  const unobserved = obs.offersStatus === 'unknown' || obs.offersStatus === 'incomplete';
  const fields: ProductFields = {
    name: obs.name,
    descriptionText: description.text,
    descriptionHtml: description.html,
    category: category.leaf,
    categoryPath: category.path,
    brand,
    // Unknown or partial offers keep the last known prices and count: "unknown" must not read as
    // "nobody sells it", and a partial list must not read as "the others left".
    minPrice: offers ? (offers[0]?.price ?? null) : (prev?.min_price ?? null),
    maxPrice: offers ? (offers.at(-1)?.price ?? null) : (prev?.max_price ?? null),
    sellerCount: offers ? offers.length : (prev?.seller_count ?? null),
    offersStatus: obs.offersStatus,
    rating: keep(obs.rating === undefined ? undefined : obs.rating === null ? null : normalizeDecimal(obs.rating.toFixed(2)), prev?.rating),
    reviewCount: keep(obs.reviewCount, prev?.review_count),
    photos,
    url: obs.url,
    incompleteFields: [...(unobserved ? ['offers'] : []), ...kept],
  };
  return { fields, kept };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
