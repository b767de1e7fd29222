// `mp demper plan`: for every enabled product (of one store or all, of one shard or all), read the
// competitor offers and ask the strategy what to do. Writes nothing.
import type { Kysely } from 'kysely';
import pLimit from 'p-limit';
import type { Database } from '../db/schema.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { type MarginRules, marginRules, type ProductFloor, productFloors } from '../profit/floor.service.js';
import type { OffersFetcher } from './offers-source.js';
import { type DemperProductRow, listProducts } from './products.repository.js';
import { type Decision, decide, type RunRules, type Strategy } from './strategy.js';

export interface Shard {
  index: number;
  count: number;
}

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
  decision: Decision;
  /** The effective floor: min_price or the margin floor, with why (e.g. NO_COST). */
  floor?: ProductFloor;
  /** Why the offers are unknown, when they are. */
  error?: string;
}

/** FNV-1a 32-bit: a stable hash, the same on every host and Node version. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Whether a product belongs to shard i of n (by its Kaspi product id). */
export function inShard(productId: string, shard: Shard | undefined): boolean {
  return !shard || stableHash(productId) % shard.count === shard.index;
}

/** Plans every enabled product of the given stores; returns one item per product. */
export async function planRepricing(db: Kysely<Database>, fetchOffers: OffersFetcher, o: PlanOptions): Promise<PlanItem[]> {
  const limit = pLimit(Math.max(1, o.concurrency));
  const work: Promise<PlanItem>[] = [];
  for (const store of o.stores) {
    const products = (await listProducts(db, { storeId: store.id, enabled: true })).filter((p) => inShard(p.product_id, o.shard));
    const rules: RunRules = { ...o.rules, ownMerchantId: store.merchant_id };
    const floors = await productFloors(db, store, products, o.margin ?? marginRules(undefined), o.now);
    for (const product of products) {
      const floor = floors.get(product.id);
      work.push(
        limit(async () => {
          // `hold` never changes: no need to ask Kaspi.
          const { offers, error } = product.strategy === 'hold' ? { offers: [], error: undefined } : await fetchOffers(product.product_id, store.city_id);
          const decision =
            product.strategy === 'hold'
              ? {
                  newPrice: product.price === null ? null : clampHold(product),
                  change: false,
                  reason: 'HOLD' as const,
                  competitorPrice: null,
                  competitor: null,
                  capped: false,
                  livePrice: null,
                }
              : decide(offers, { ...settingsOf(product), marginFloor: marginFloorOf(floor) }, rules, o.now);
          o.onProgress?.(Boolean(error));
          return { store, product, decision, floor, error };
        }),
      );
    }
  }
  return Promise.all(work);
}

function clampHold(p: DemperProductRow): number {
  return Math.min(Number(p.max_price), Math.max(Number(p.min_price), Number(p.price)));
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

/** The price stored for the product (what mp last sent or read), or null. */
export function storedPrice(item: PlanItem): number | null {
  return item.product.price === null ? null : Number(item.product.price);
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
