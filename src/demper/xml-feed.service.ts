// `mp demper run --apply --via xml`: the whole price list of a store (src/demper/price-list.service.ts:
// every product under management, priced per city with the plan's new prices) written to export/ for
// Kaspi to poll, the same list `mp serve` publishes. Refuses an empty list, one that dropped more
// than 20% of the previous list's offers, and one that does not pass the format check; then the
// previous list stays. A product's points of sale come from the stock import, else its preorder row
// (PP1–PP5 cells and preorder days, `mp preorders`), else the store's enabled points (from the
// cabinet at login, or --points), else PP1; the run says how many offers were listed that way.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { prepareOutputDir } from '../core/dirs.js';
import { UserError } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import type { MarginRules } from '../profit/floor.service.js';
import type { PlanItem } from './plan.service.js';
import { assembleStorePriceList } from './price-list.service.js';
import { buildKaspiFeed, feedGuard } from './xml-feed.js';
import { lastFeedCount, recordFeed } from './xml-feeds.repository.js';

/** Where a store's price list is written. */
export function feedPath(exportDir: string, store: StoreRow): string {
  return join(exportDir, `kaspi-price-list-${store.merchant_id.replace(/[^\w-]/g, '_')}.xml`);
}

export interface StoreFeed {
  path: string;
  offers: number;
  /** Offers without stock rows or a preorder row naming their points: listed as available at `defaultPoints`. */
  withoutPreorderRow: number;
  /** The store's enabled points, or ['PP1'] when they are not known (`pointsKnown` false). */
  defaultPoints: string[];
  pointsKnown: boolean;
}

/** The plan's prices (a change, or the live price it kept) by product row id and city. */
export function planOverlay(items: readonly PlanItem[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const i of items) {
    if (i.decision.newPrice === null) continue;
    let byCity = out.get(i.product.id);
    if (!byCity) out.set(i.product.id, (byCity = new Map()));
    byCity.set(i.cityId, i.decision.newPrice);
  }
  return out;
}

/** Writes the store's price list atomically and records it. */
export async function writeStoreFeed(
  db: Kysely<Database>,
  store: StoreRow,
  items: PlanItem[],
  exportDir: string,
  now: Date,
  margin?: MarginRules,
): Promise<StoreFeed> {
  const list = await assembleStorePriceList(db, store, now, { overlay: planOverlay(items), margin });
  const refused = feedGuard(list.offers, await lastFeedCount(db, store.id));
  if (refused) throw new UserError('DEMPER_XML_REFUSED', `price list for ${store.merchant_id} not written: ${refused}; the previous list stays live`);
  if (list.problems.length > 0) {
    throw new UserError(
      'DEMPER_XML_INVALID',
      `price list for ${store.merchant_id} not written: it does not pass Kaspi's format (${list.problems.slice(0, 5).join('; ')}); the previous list stays live`,
    );
  }
  const path = feedPath(exportDir, store);
  prepareOutputDir(exportDir, 'the export folder');
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, buildKaspiFeed(list.feed));
  await rename(tmp, path);
  await recordFeed(db, store.id, path, list.offers);
  return { path, offers: list.offers, withoutPreorderRow: list.withoutStock, defaultPoints: list.defaultPoints, pointsKnown: list.pointsKnown };
}
