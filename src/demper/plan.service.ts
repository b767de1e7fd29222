// `mp demper plan`: for every enabled product (of one store or all, of one shard or all) and every city
// of its store, read the competitor offers in that city and ask the strategy what to do there, from
// the price known in that city. Writes nothing.
import type { Kysely } from 'kysely';
import pLimit from 'p-limit';
import { inShard, type Shard } from '../core/shard.js';
import type { Database } from '../db/schema.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { storeCities } from '../kaspi/merchant/stores.service.js';
import { type MarginRules, marginRules, type ProductFloor, productFloors } from '../profit/floor.service.js';
import { type CityPriceRow, cityPricesOf } from './city-prices.repository.js';
import type { OffersFetcher } from './offers-source.js';
import { type DemperProductRow, listProducts } from './products.repository.js';
import { type Decision, decide, type RunRules, type Strategy } from './strategy.js';

export type { Shard } from '../core/shard.js';
export { inShard, stableHash } from '../core/shard.js';

export interface PlanOptions {
  stores: StoreRow[];
  shard?: Shard;
  /** Rules shared by every store (the own merchant id is each store's). */
  rules: Omit<RunRules, 'ownMerchantId'>;
  concurrency: number;
  now: Date;
  onProgress?: (failed: boolean) => void;
  /** The margin floor's store-wide default and commission table (default: none, the shipped table). */
  margin?: MarginRules;
}

export interface PlanItem {
  store: StoreRow;
  product: DemperProductRow;
  /** The city decided for (one item per product and city of the store). */
  cityId: string;
  /** The price stored for the product in that city before the decision (what mp last sent or read), or null. */
  stored: number | null;
  decision: Decision;
  /** The effective floor: min_price or the margin floor, with why (e.g. NO_COST). */
  floor?: ProductFloor;
  /** Why the offers are unknown, when they are. */
  error?: string;
}

/** Plans every enabled product of the given stores in each of its store's cities; returns one item per product and city. */
export async function planRepricing(db: Kysely<Database>, fetchOffers: OffersFetcher, o: PlanOptions): Promise<PlanItem[]> {
  const limit = pLimit(Math.max(1, o.concurrency));
  const work: Promise<PlanItem>[] = [];
  for (const store of o.stores) {
    const products = (await listProducts(db, { storeId: store.id, enabled: true })).filter((p) => inShard(p.product_id, o.shard));
    const rules: RunRules = { ...o.rules, ownMerchantId: store.merchant_id };
    // The margin floor is the product's, whatever the city: cost and commission do not change by city.
    const floors = await productFloors(db, store, products, o.margin ?? marginRules(undefined), o.now);
    const cities = storeCities(store);
    const elsewhere =
      cities.length > 1
        ? await cityPricesOf(
            db,
            products.map((p) => p.id),
          )
        : new Map<string, Map<string, CityPriceRow>>();
    for (const product of products) {
      const floor = floors.get(product.id);
      for (const cityId of cities) {
        const settings = settingsIn(product, cityId === store.city_id ? undefined : elsewhere.get(product.id)?.get(cityId));
        work.push(
          limit(async () => {
            // `hold` never changes: no need to ask Kaspi.
            const { offers, error } = product.strategy === 'hold' ? { offers: [], error: undefined } : await fetchOffers(product.product_id, cityId);
            const decision =
              product.strategy === 'hold'
                ? {
                    newPrice: settings.price === null ? null : clampHold(product, settings.price),
                    change: false,
                    reason: 'HOLD' as const,
                    competitorPrice: null,
                    competitor: null,
                    capped: false,
                    livePrice: null,
                  }
                : decide(offers, { ...settings, marginFloor: marginFloorOf(floor) }, rules, o.now);
            o.onProgress?.(Boolean(error));
            return { store, product, cityId, stored: settings.price, decision, floor, error };
          }),
        );
      }
    }
  }
  return Promise.all(work);
}

function clampHold(p: DemperProductRow, price: number): number {
  return Math.min(Number(p.max_price), Math.max(Number(p.min_price), price));
}

/** A product's settings in a city other than the home one: the price and last raise known there (else the product's). */
export function settingsIn(p: DemperProductRow, city: CityPriceRow | undefined) {
  const base = settingsOf(p);
  if (!city) return base;
  return { ...base, price: city.price === null ? base.price : Number(city.price), lastRaisedAt: city.last_raised_at ?? base.lastRaisedAt };
}

/** What the strategy takes from a floor: the margin price when it binds, Infinity when no price keeps the margin. */
export function marginFloorOf(floor: ProductFloor | undefined): number | null {
  if (floor?.reason !== 'MARGIN_FLOOR') return null;
  return floor.floor ?? Number.POSITIVE_INFINITY;
}

export function settingsOf(p: DemperProductRow) {
  return {
    price: p.price === null ? null : Number(p.price),
    minPrice: Number(p.min_price),
    maxPrice: Number(p.max_price),
    step: Number(p.step),
    strategy: p.strategy as Strategy,
    topN: p.top_n,
    lastRaisedAt: p.last_raised_at,
  };
}

/** The price stored for the product in the item's city (what mp last sent or read), or null. */
export function storedPrice(item: PlanItem): number | null {
  return item.stored;
}

/** Whether our offer's live price on Kaspi differs from the stored one (the plan decided from Kaspi's). */
export function priceDrifted(item: PlanItem): boolean {
  const stored = storedPrice(item);
  return item.decision.livePrice !== null && stored !== null && item.decision.livePrice !== stored;
}

/**
 * The record `plan --json` prints per product: `price` is the price the decision started from (our
 * offer's live price on Kaspi when the offers answer has it, else the stored one), with both sources.
 */
export function planRecord(item: PlanItem) {
  const stored = storedPrice(item);
  return {
    sku: item.product.sku,
    city: item.cityId,
    price: item.decision.livePrice ?? stored,
    stored_price: stored,
    live_price: item.decision.livePrice,
    competitor_price: item.decision.competitorPrice,
    competitor: item.decision.competitor,
    new_price: item.decision.newPrice,
    reason: item.decision.reason,
    // The effective floor (min_price or the margin floor) and, when the margin rule did not set it, why.
    floor: item.floor ? item.floor.floor : Math.max(Number(item.product.min_price), 10),
    floor_note: item.floor?.note === 'NO_MARGIN_RULE' ? null : (item.floor?.note ?? null),
  };
}
