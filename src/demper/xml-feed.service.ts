// `mp demper run --apply --via xml`: the whole price list of a store (every product under management,
// with the new price where the plan changes it) written to export/ for Kaspi to poll. Refuses an
// empty list and one that dropped more than 20% of the previous list's offers. A product's points of
// sale come from its preorder row (PP1–PP5 cells and preorder days, `mp preorders`); without one it
// is listed as available at the store's enabled points (from the cabinet at login, or --points), or
// at PP1 when those are not known; the run says how many offers were listed that way.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { prepareOutputDir } from '../core/dirs.js';
import { UserError } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { listPreorders, type PreorderRow } from '../preorders/preorders.repository.js';
import type { PlanItem } from './plan.service.js';
import { listProducts } from './products.repository.js';
import { buildKaspiFeed, type FeedAvailability, type FeedOffer, feedGuard } from './xml-feed.js';
import { lastFeedCount, recordFeed } from './xml-feeds.repository.js';

/** Where a store's price list is written. */
export function feedPath(exportDir: string, store: StoreRow): string {
  return join(exportDir, `kaspi-price-list-${store.merchant_id.replace(/[^\w-]/g, '_')}.xml`);
}

/** The points of sale of one product as its preorder row states them, or undefined when it states none. */
export function preorderAvailabilities(row: PreorderRow): FeedAvailability[] | undefined {
  const out: FeedAvailability[] = [];
  const cells = [row.pp1, row.pp2, row.pp3, row.pp4, row.pp5];
  cells.forEach((cell, i) => {
    if (cell === null || cell === '') return;
    const stock = /^\d+$/.test(cell) ? Number(cell) : undefined;
    const available = stock !== undefined ? (stock > 0 ? 'yes' : 'no') : cell === 'no' ? 'no' : 'yes';
    const a: FeedAvailability = { storeId: `PP${i + 1}`, available };
    if (available === 'yes' && row.preorder_days > 0) a.preOrder = row.preorder_days;
    if (stock !== undefined && stock > 0) a.stockCount = stock;
    out.push(a);
  });
  return out.length > 0 ? out : undefined;
}

export interface StoreFeed {
  path: string;
  offers: number;
  /** Offers without a preorder row naming their points: listed as available at `defaultPoints`. */
  withoutPreorderRow: number;
  /** The store's enabled points, or ['PP1'] when they are not known (`pointsKnown` false). */
  defaultPoints: string[];
  pointsKnown: boolean;
}

/** Writes the store's price list atomically and records it. */
export async function writeStoreFeed(db: Kysely<Database>, store: StoreRow, items: PlanItem[], exportDir: string, now: Date): Promise<StoreFeed> {
  // The plan's price for every product it priced (a change, or the live price it kept), else the stored one.
  const newPrice = new Map(items.filter((i) => i.decision.newPrice !== null).map((i) => [i.product.id, i.decision.newPrice!]));
  const points = new Map((await listPreorders(db, store.id)).map((r) => [r.sku, preorderAvailabilities(r)]));
  const offers: FeedOffer[] = [];
  const pointsKnown = (store.points?.length ?? 0) > 0;
  const defaultPoints = pointsKnown ? store.points! : ['PP1'];
  let withoutPreorderRow = 0;
  for (const p of await listProducts(db, { storeId: store.id })) {
    const price = newPrice.get(p.id) ?? (p.price === null ? null : Number(p.price));
    // A product whose price we never learnt cannot be listed; the drop guard counts it.
    if (price === null) continue;
    let availabilities = points.get(p.sku);
    if (!availabilities) {
      availabilities = defaultPoints.map((storeId) => ({ storeId, available: 'yes' }));
      withoutPreorderRow++;
    }
    offers.push({
      sku: p.sku,
      model: p.name || p.sku,
      brand: p.brand,
      availabilities,
      price,
      cityPrices: [{ cityId: store.city_id, price }],
    });
  }
  const refused = feedGuard(offers.length, await lastFeedCount(db, store.id));
  if (refused) throw new UserError('DEMPER_XML_REFUSED', `price list for ${store.merchant_id} not written: ${refused}; the previous list stays live`);
  const path = feedPath(exportDir, store);
  prepareOutputDir(exportDir, 'the export folder');
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, buildKaspiFeed({ company: store.name, merchantId: store.merchant_id, date: now, offers }));
  await rename(tmp, path);
  await recordFeed(db, store.id, path, offers.length);
  return { path, offers: offers.length, withoutPreorderRow, defaultPoints, pointsKnown };
}
