// `mp demper backtest`: replays the recorded competitor offer history (kaspi_offer_history, written
// by `mp kaspi scrape`) through a strategy with a simulated own price, and reports how many changes
// it would have made, the average position it would have held and its average margin over min.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { StoreRow } from '../kaspi/merchant/stores.repository.js';
import { type MarginRules, marginRules, productFloors } from '../profit/floor.service.js';
import { type OfferEvent, offerEvents } from './offer-history.repository.js';
import { marginFloorOf, settingsOf } from './plan.service.js';
import { listProducts } from './products.repository.js';
import { decide, type RunRules, type Strategy, type StrategyOffer } from './strategy.js';

export interface BacktestOptions {
  since: Date;
  strategy?: { strategy: Strategy; topN: number | null };
  step?: number;
  rules: Omit<RunRules, 'ownMerchantId'>;
  /** The margin floor's default and commission table (today's costs apply to the whole replay). */
  margin?: MarginRules;
  /** The day whose unit costs give the margin floor (default now). */
  now?: Date;
}

export interface BacktestRow {
  store: string;
  sku: string;
  product_id: string;
  strategy: string;
  observations: number;
  changes: number;
  avg_position: number | null;
  avg_margin: number | null;
  start_price: number | null;
  end_price: number | null;
  /** The effective floor (min_price or the margin floor) the replay kept to. */
  floor: number | null;
  /** Moments the margin floor held or raised the price (reason MARGIN_FLOOR). */
  margin_floor: number;
}

/** Replays every enabled product of the stores; one row per product. */
export async function backtest(db: Kysely<Database>, stores: StoreRow[], o: BacktestOptions): Promise<BacktestRow[]> {
  const out: BacktestRow[] = [];
  for (const store of stores) {
    const products = await listProducts(db, { storeId: store.id, enabled: true });
    const events = await offerEvents(db, [...new Set(products.map((p) => p.product_id))], store.city_id);
    const byProduct = new Map<string, OfferEvent[]>();
    for (const e of events) byProduct.set(e.kaspiId, [...(byProduct.get(e.kaspiId) ?? []), e]);
    const floors = await productFloors(db, store, products, o.margin ?? marginRules(undefined), o.now ?? new Date());
    for (const p of products) {
      const floor = floors.get(p.id);
      const settings = { ...settingsOf(p), ...(o.strategy ?? {}), ...(o.step ? { step: o.step } : {}), marginFloor: marginFloorOf(floor) };
      out.push({
        store: store.merchant_id,
        sku: p.sku,
        product_id: p.product_id,
        strategy: settings.strategy === 'top-n' ? `top-${settings.topN ?? 3}` : settings.strategy,
        ...replay(byProduct.get(p.product_id) ?? [], settings, { ...o.rules, ownMerchantId: store.merchant_id }, o.since),
        floor: floor ? floor.floor : Number(p.min_price),
      });
    }
  }
  return out;
}

type Settings = ReturnType<typeof settingsOf>;

/** Steps through the events; after each moment at or after `since` the strategy decides once. */
export function replay(events: OfferEvent[], settings: Settings, rules: RunRules, since: Date) {
  const offers = new Map<string, StrategyOffer>();
  let price: number | null = settings.price;
  let lastRaisedAt: Date | null = null;
  let observations = 0;
  let changes = 0;
  let positionSum = 0;
  let marginSum = 0;
  let marginFloor = 0;
  let startPrice: number | null = null;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.event === 'disappeared' || e.price === null) offers.delete(e.merchantId);
    else offers.set(e.merchantId, { merchantId: e.merchantId, merchantName: e.merchantName, price: e.price });
    // Our own recorded price is what the real repricer did; the simulation keeps its own.
    if (e.merchantId === rules.ownMerchantId && e.price !== null && observations === 0) price = e.price;
    const next = events[i + 1];
    if (e.at < since || (next && next.at.getTime() === e.at.getTime())) continue;
    startPrice ??= price;
    const rivals = [...offers.values()].filter((x) => x.merchantId !== rules.ownMerchantId);
    const list = price === null ? rivals : [...rivals, { merchantId: rules.ownMerchantId, price }];
    const d = decide(list, { ...settings, price, lastRaisedAt }, rules, e.at);
    if (d.reason === 'MARGIN_FLOOR') marginFloor++;
    if (d.change && d.newPrice !== null) {
      if (price !== null && d.newPrice > price) lastRaisedAt = e.at;
      price = d.newPrice;
      changes++;
    }
    if (price !== null) {
      observations++;
      positionSum += 1 + rivals.filter((x) => x.price < price!).length;
      marginSum += price - settings.minPrice;
    }
  }
  return {
    observations,
    changes,
    avg_position: observations ? Math.round((positionSum / observations) * 100) / 100 : null,
    avg_margin: observations ? Math.round(marginSum / observations) : null,
    start_price: startPrice,
    end_price: price,
    margin_floor: marginFloor,
  };
}
