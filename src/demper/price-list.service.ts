// A store's Kaspi price list as Kaspi should receive it, assembled from the database: every product
// under management (a disabled one stays listed, off sale: `available="no"` at each of its points),
// one `cityprice` per city of the store (the price a `run --apply --via xml` set for that city, else
// the price known there), availability per point of sale from the stock import, else the preorder
// row's cells, else the store's points, and the brand from the product (cabinet), else its scraped
// page, else its preorder row. No price goes out below the product's effective floor (min_price or the
// margin floor, src/profit/floor.service.ts): one found below it (a cost set after the price was
// decided) is listed at the floor. The same list is written to a file (`--via xml`) and served by `mp serve`.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { storeCities } from '../kaspi/merchant/stores.service.js';
import { listPreorders, type PreorderRow } from '../preorders/preorders.repository.js';
import { type MarginRules, marginRules, productFloors } from '../profit/floor.service.js';
import { type CityPriceRow, cityPricesOf } from './city-prices.repository.js';
import { listProducts } from './products.repository.js';
import { stockOf } from './stock.repository.js';
import type { Feed, FeedAvailability, FeedOffer } from './xml-feed.js';
import { validateKaspiFeed } from './xml-feed.js';

/** Prices decided by a run, not yet stored: product row id → city → price. */
export type PriceOverlay = ReadonlyMap<string, ReadonlyMap<string, number>>;

export interface StorePriceList {
  feed: Feed;
  /** Offers listed, and of them on sale at one point at least. */
  offers: number;
  available: number;
  /** SKUs left out: no price known in one of the store's cities. */
  unpriced: string[];
  /** Offers whose points come from no stock row and no preorder row: listed at `defaultPoints`, stock unknown. */
  withoutStock: number;
  defaultPoints: string[];
  pointsKnown: boolean;
  withoutBrand: number;
  /** City prices found below the product's effective floor and listed at the floor instead. */
  raisedToFloor: number;
  /** What makes the list unfit for Kaspi (validateKaspiFeed); empty when fit. */
  problems: string[];
}

export interface AssembleOptions {
  /** Prices decided by a run, over the stored ones. */
  overlay?: PriceOverlay;
  /** The margin floor's default and commission table (default: none, the shipped table). */
  margin?: MarginRules;
}

/** Assembles the store's price list as of now. */
export async function assembleStorePriceList(db: Kysely<Database>, store: StoreRow, now: Date, options: AssembleOptions = {}): Promise<StorePriceList> {
  const { overlay } = options;
  const cities = storeCities(store);
  const products = await listProducts(db, { storeId: store.id });
  const [byCity, stock, preorders, pageBrands, floors] = await Promise.all([
    cityPricesOf(
      db,
      products.map((p) => p.id),
    ),
    stockOf(db, store.id),
    listPreorders(db, store.id),
    scrapedBrands(
      db,
      products.filter((p) => !p.brand).map((p) => p.product_id),
      store.city_id,
    ),
    productFloors(db, store, products, options.margin ?? marginRules(undefined), now),
  ]);
  const preorderOf = new Map(preorders.map((r) => [r.sku, r]));
  const pointsKnown = (store.points?.length ?? 0) > 0;
  const defaultPoints = pointsKnown ? store.points! : ['PP1'];
  const offers: FeedOffer[] = [];
  const unpriced: string[] = [];
  let withoutStock = 0;
  let withoutBrand = 0;
  let available = 0;
  let raisedToFloor = 0;
  for (const p of products) {
    const rows = byCity.get(p.id);
    const floor = floors.get(p.id)?.floor ?? null;
    const cityPrices: { cityId: string; price: number }[] = [];
    for (const cityId of cities) {
      let price = overlay?.get(p.id)?.get(cityId) ?? priceIn(cityId, store.city_id, p.price, rows?.get(cityId));
      if (price !== null && floor !== null && price < floor) {
        price = floor;
        raisedToFloor++;
      }
      if (price !== null) cityPrices.push({ cityId, price });
    }
    // A product without a price in one of the cities cannot be listed; the shrink guard counts it.
    if (cityPrices.length < cities.length) {
      unpriced.push(p.sku);
      continue;
    }
    const preorder = preorderOf.get(p.sku);
    let availabilities = stockAvailabilities(stock.get(p.sku), preorder?.preorder_days ?? 0) ?? (preorder ? preorderAvailabilities(preorder) : undefined);
    if (!availabilities) {
      availabilities = defaultPoints.map((storeId) => ({ storeId, available: 'yes' as const }));
      withoutStock++;
    }
    // Disabled: taken off sale, never out of the list (a product missing from the list is not "off sale").
    if (!p.enabled) availabilities = availabilities.map((a) => ({ storeId: a.storeId, available: 'no' as const }));
    if (availabilities.some((a) => a.available === 'yes')) available++;
    const brand = p.brand || pageBrands.get(p.product_id) || preorder?.brand || '';
    if (!brand) withoutBrand++;
    offers.push({
      sku: p.sku,
      model: p.name || preorder?.model || p.sku,
      brand,
      availabilities,
      // The home city's price, beside one cityprice per city (both are in Kaspi's format; see docs/demper.md).
      price: cityPrices.find((c) => c.cityId === store.city_id)?.price ?? cityPrices[0]!.price,
      cityPrices,
    });
  }
  const feed: Feed = { company: store.name, merchantId: store.merchant_id, date: now, offers };
  return {
    feed,
    offers: offers.length,
    available,
    unpriced,
    withoutStock,
    defaultPoints,
    pointsKnown,
    withoutBrand,
    raisedToFloor,
    problems: validateKaspiFeed(feed),
  };
}

/**
 * A product's price in a city: what a run set for the list there, else the price known there (the
 * home city's is the product's own, another city's its city row, else the product's own).
 */
export function priceIn(cityId: string, homeCityId: string, productPrice: string | null, row: CityPriceRow | undefined): number | null {
  const text = row?.list_price ?? (cityId === homeCityId ? productPrice : (row?.price ?? productPrice));
  return text === null || text === undefined ? null : Number(text);
}

/** Points from stock rows (PP1, PP2, … in order): stock n > 0 is on sale with stockCount n, 0 is not. */
export function stockAvailabilities(points: ReadonlyMap<string, number> | undefined, preorderDays: number): FeedAvailability[] | undefined {
  if (!points || points.size === 0) return undefined;
  return [...points]
    .sort(([a], [b]) => Number(a.slice(2)) - Number(b.slice(2)))
    .map(([storeId, stock]) => {
      if (stock <= 0) return { storeId, available: 'no' as const };
      const a: FeedAvailability = { storeId, available: 'yes', stockCount: stock };
      if (preorderDays > 0) a.preOrder = preorderDays;
      return a;
    });
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

/** Brands the scraped product pages state, by Kaspi product id (the store's city first). */
async function scrapedBrands(db: Kysely<Database>, productIds: string[], cityId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return out;
  const { rows } = await sql<{ kaspi_id: string; brand: string }>`
    select distinct on (kaspi_id) kaspi_id, brand from kaspi_products
    where kaspi_id = any(${ids}::text[]) and brand is not null and brand <> ''
    order by kaspi_id, (city_id = ${cityId}) desc, last_checked_at desc`.execute(db);
  for (const r of rows) out.set(r.kaspi_id, r.brand);
  return out;
}
