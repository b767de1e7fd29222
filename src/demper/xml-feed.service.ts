// `mp demper run --apply --via xml`: the whole price list of a store (every product under management,
// with the new price where the plan changes it) written to export/ for Kaspi to poll. Refuses an
// empty list and one that dropped more than 20% of the previous list's offers.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { UserError } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import type { PlanItem } from './plan.service.js';
import { listProducts } from './products.repository.js';
import type { StoreRow } from './stores.repository.js';
import { buildKaspiFeed, type FeedOffer, feedGuard } from './xml-feed.js';
import { lastFeedCount, recordFeed } from './xml-feeds.repository.js';

/** Where a store's price list is written. */
export function feedPath(exportDir: string, store: StoreRow): string {
  return join(exportDir, `kaspi-price-list-${store.merchant_id.replace(/[^\w-]/g, '_')}.xml`);
}

/** Writes the store's price list atomically and records it; returns the path. */
export async function writeStoreFeed(db: Kysely<Database>, store: StoreRow, items: PlanItem[], exportDir: string, now: Date): Promise<string> {
  const newPrice = new Map(items.filter((i) => i.decision.change && i.decision.newPrice !== null).map((i) => [i.product.id, i.decision.newPrice!]));
  const offers: FeedOffer[] = [];
  for (const p of await listProducts(db, { storeId: store.id })) {
    const price = newPrice.get(p.id) ?? (p.price === null ? null : Number(p.price));
    // A product whose price we never learnt cannot be listed; the drop guard counts it.
    if (price === null) continue;
    offers.push({
      sku: p.sku,
      model: p.name || p.sku,
      brand: p.brand,
      availabilities: [{ storeId: 'PP1', available: 'yes' }],
      price,
      cityPrices: [{ cityId: store.city_id, price }],
    });
  }
  const refused = feedGuard(offers.length, await lastFeedCount(db, store.id));
  if (refused) throw new UserError('DEMPER_XML_REFUSED', `price list for ${store.merchant_id} not written: ${refused}; the previous list stays live`);
  const path = feedPath(exportDir, store);
  await mkdir(exportDir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, buildKaspiFeed({ company: store.name, merchantId: store.merchant_id, date: now, offers }));
  await rename(tmp, path);
  await recordFeed(db, store.id, path, offers.length);
  return path;
}
