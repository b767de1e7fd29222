// The repricing decision: one pure function from (offers, product settings, run rules, now) to a new
// price and a reason code. No I/O, so every rule is table-tested and property-tested.
import { KASPI_MIN_PRICE } from '../kaspi/merchant/price-rules.js';

export const STRATEGIES = ['undercut', 'match', 'top-n', 'hold'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export type Reason =
  | 'UNDERCUT' // lowered to the lowest competitor − step
  | 'MATCH' // lowered to the lowest competitor
  | 'TOP_N' // lowered to just below the N-th competitor
  | 'HOLD' // strategy `hold`: never changes
  | 'AT_TARGET' // already at the target price
  | 'RAISE_GAP' // cheapest by more than a step: raised toward the target
  | 'RAISE_COOLDOWN' // a raise is due but the last raise was too recent
  | 'FLOOR_REACHED' // the target is below min: hold instead of racing to the floor
  | 'MARGIN_FLOOR' // held or raised by the margin floor (the lowest price keeping the minimum margin)
  | 'NO_COMPETITION' // only our own (or ignored) offers: go to max, or hold when switched off
  | 'UNKNOWN'; // offers empty or unparsable: no change

/** One competitor offer as the strategy needs it. */
export interface StrategyOffer {
  merchantId: string;
  merchantName?: string;
  price: number;
  /** Delivery time in days (TODAY=1 … TILL_7_DAYS=7, OTHER=99); undefined when not known. */
  deliveryDays?: number;
  /** Ships from another city (Kaspi `deliveryOptions.*.interCity`); undefined when not known. */
  interCity?: boolean;
}

export interface ProductSettings {
  /** Current price in whole tenge; null when not known yet. */
  price: number | null;
  minPrice: number;
  maxPrice: number;
  step: number;
  strategy: Strategy;
  /** For `top-n`: the position to hold (1 = cheapest). */
  topN?: number | null;
  lastRaisedAt?: Date | null;
  /**
   * The margin floor (src/profit/margin-floor.ts): the lowest whole price keeping the product's
   * minimum margin after commission and cost. The effective floor is max(min, this); a decision held
   * or raised by it says MARGIN_FLOOR. Infinity: no price keeps the margin (hold). Absent: min only.
   */
  marginFloor?: number | null;
}

export interface RunRules {
  /** Our own merchant id: never a competitor. */
  ownMerchantId: string;
  /** Merchant ids that are never competitors (partner or own other stores). */
  exclude?: readonly string[];
  /** Ignore rivals that ship from another city. */
  sameCityOnly?: boolean;
  /** Ignore rivals whose delivery is slower than this many days. */
  maxDeliveryDays?: number;
  /** With no competitors go to max (default true); false holds. */
  noCompetitionToMax?: boolean;
  /** Minimum time between two raises (default 120 minutes). */
  raiseCooldownMs?: number;
  /** Largest change per run in tenge. */
  maxChangeAbs?: number;
  /** Largest change per run in percent of the current price. */
  maxChangePct?: number;
}

export interface Decision {
  /** The price after this run (always within [min, max], whole, ≥ 10); null when UNKNOWN. */
  newPrice: number | null;
  /** True when newPrice differs from the current price. */
  change: boolean;
  reason: Reason;
  /** The competitor the decision was made against (the lowest, or the N-th for top-n). */
  competitorPrice: number | null;
  competitor: string | null;
  /** True when the max-change-per-run cap shortened the move. */
  capped: boolean;
  /**
   * Our own offer's price in the offers answer (what Kaspi shows now); null when our offer is not in
   * it. When known it is the current price the decision starts from, whatever price was stored.
   */
  livePrice: number | null;
}

export const DEFAULT_RAISE_COOLDOWN_MS = 120 * 60_000;

/** Decides the new price for one product. */
export function decide(offers: readonly StrategyOffer[] | null, product: ProductSettings, rules: RunRules, now: Date): Decision {
  const plainFloor = Math.max(Math.ceil(product.minPrice), KASPI_MIN_PRICE);
  const marginFloor = product.marginFloor ?? null;
  const marginBinds = marginFloor !== null && marginFloor > plainFloor;
  const floor = marginBinds && Number.isFinite(marginFloor) ? Math.ceil(marginFloor) : plainFloor;
  const ceiling = Math.max(Math.floor(product.maxPrice), floor);
  const clamp = (p: number) => Math.min(ceiling, Math.max(floor, Math.floor(p)));
  // Our offer's live price wins over the stored one: a price the seller changed in the cabinet, or an
  // update Kaspi did not take, is corrected from where it really is (never AT_TARGET on a stale price).
  const live = livePriceOf(offers, rules.ownMerchantId);
  const current = live ?? product.price;
  // Holding keeps the current price, pulled inside the bounds when it somehow left them.
  const held = current === null ? null : clamp(current);
  // A price pulled up to the margin floor was raised by it, whatever move was asked for.
  const raisedByMargin = (newPrice: number | null) => marginBinds && newPrice !== null && current !== null && current < floor && newPrice === floor;
  const result = (newPrice: number | null, reason: Reason, c?: StrategyOffer, capped = false): Decision => ({
    newPrice,
    change: newPrice !== null && newPrice !== current,
    reason: raisedByMargin(newPrice) ? 'MARGIN_FLOOR' : reason,
    competitorPrice: c ? c.price : null,
    competitor: c ? (c.merchantName ?? c.merchantId) : null,
    capped,
    livePrice: live,
  });

  // An empty list is not "no competitors": our own offer should be in it (wrong id, anti-bot, layout change).
  if (!offers || offers.length === 0 || offers.some((o) => !Number.isFinite(o.price) || o.price <= 0)) return result(null, 'UNKNOWN');

  const competitors = rivals(offers, rules);
  const lowest = competitors[0];
  if (product.strategy === 'hold') return result(held, 'HOLD', lowest);
  // Commission + minimum margin ≥ 100 %: no price keeps the margin, so nothing moves.
  if (marginFloor !== null && !Number.isFinite(marginFloor)) return result(current, 'MARGIN_FLOOR', lowest);

  if (!lowest) {
    if (rules.noCompetitionToMax === false) return result(held, 'NO_COMPETITION');
    return move(ceiling, 'NO_COMPETITION');
  }

  let target: number;
  let against = lowest;
  let reason: Reason;
  const step = Math.max(1, Math.floor(product.step));
  if (product.strategy === 'match') {
    target = Math.floor(lowest.price);
    reason = 'MATCH';
  } else if (product.strategy === 'top-n') {
    const n = Math.max(1, product.topN ?? 1);
    const nth = competitors[n - 1];
    reason = 'TOP_N';
    // Fewer than N rivals: any price keeps us within the top N.
    if (!nth) return move(ceiling, reason, competitors[competitors.length - 1]);
    against = nth;
    target = Math.floor(nth.price) - step;
  } else {
    target = Math.floor(lowest.price) - step;
    reason = 'UNDERCUT';
  }
  if (target < floor) return result(held, marginBinds ? 'MARGIN_FLOOR' : 'FLOOR_REACHED', against);
  return move(Math.min(target, ceiling), reason, against);

  function move(target: number, lowerReason: Reason, c?: StrategyOffer): Decision {
    const t = clamp(target);
    if (current === null) return result(t, lowerReason, c);
    if (t === current) return result(t, lowerReason === 'NO_COMPETITION' ? 'NO_COMPETITION' : 'AT_TARGET', c);
    const raising = t > current;
    const reason: Reason = raising && lowerReason !== 'NO_COMPETITION' ? 'RAISE_GAP' : lowerReason;
    if (raising && product.lastRaisedAt) {
      const cooldown = rules.raiseCooldownMs ?? DEFAULT_RAISE_COOLDOWN_MS;
      if (now.getTime() - product.lastRaisedAt.getTime() < cooldown) return result(held, 'RAISE_COOLDOWN', c);
    }
    const cap = maxChange(current, rules);
    const delta = t - current;
    if (cap !== undefined && Math.abs(delta) > cap) {
      // The bounds win over the cap: a price outside [min, max] is pulled back in whole.
      return result(clamp(current + Math.sign(delta) * cap), reason, c, true);
    }
    return result(t, reason, c);
  }
}

/** Our own offer's price in an offers answer (the lowest, whole tenge), or null when it is not there. */
export function livePriceOf(offers: readonly StrategyOffer[] | null, ownMerchantId: string): number | null {
  let live: number | null = null;
  for (const o of offers ?? []) {
    if (o.merchantId !== ownMerchantId || !Number.isFinite(o.price) || o.price <= 0) continue;
    const price = Math.floor(o.price);
    if (live === null || price < live) live = price;
  }
  return live;
}

/** Competitors after the filters, one per merchant (its lowest price), cheapest first. */
export function rivals(offers: readonly StrategyOffer[], rules: RunRules): StrategyOffer[] {
  const excluded = new Set([rules.ownMerchantId, ...(rules.exclude ?? [])]);
  const best = new Map<string, StrategyOffer>();
  for (const o of offers) {
    if (excluded.has(o.merchantId)) continue;
    if (rules.sameCityOnly && o.interCity === true) continue;
    if (rules.maxDeliveryDays !== undefined && o.deliveryDays !== undefined && o.deliveryDays > rules.maxDeliveryDays) continue;
    const seen = best.get(o.merchantId);
    if (!seen || o.price < seen.price) best.set(o.merchantId, o);
  }
  return [...best.values()].sort((a, b) => a.price - b.price || a.merchantId.localeCompare(b.merchantId));
}

function maxChange(current: number, rules: RunRules): number | undefined {
  const caps: number[] = [];
  if (rules.maxChangeAbs !== undefined) caps.push(Math.floor(rules.maxChangeAbs));
  if (rules.maxChangePct !== undefined) caps.push(Math.floor((current * rules.maxChangePct) / 100));
  if (caps.length === 0) return undefined;
  return Math.max(1, Math.min(...caps));
}

/** Delivery-duration ranks used for "delivery no slower than X days". */
export const DELIVERY_DAYS: Record<string, number> = {
  EXPRESS: 1,
  TODAY: 1,
  TOMORROW: 2,
  TILL_2_DAYS: 2,
  TILL_3_DAYS: 3,
  TILL_5_DAYS: 5,
  TILL_7_DAYS: 7,
  OTHER: 99,
};
