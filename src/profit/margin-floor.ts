// The repricer's margin floor, pure: the lowest whole-tenge price P whose profit after commission
// and cost keeps the minimum margin, and the effective floor max(min_price, P) with its reason.
//
//   profit(P) = P − P × commission% − (cost + delivery)        (delivery: the per-unit figure of
//   margin(P) = profit(P) / P ≥ min margin%                      `mp costs`, when one is set)
//   ⇔ P ≥ (cost + delivery) / (1 − commission% − min margin%)
//
// Exact: amounts in integer minor units, percentages in 1/10000 of a percent, one ceiling division.
import { toMinor } from '../core/money.js';
import { KASPI_MIN_PRICE } from '../kaspi/merchant/price-rules.js';

/** What decides a product's effective floor. */
export type FloorReason = 'MIN_PRICE' | 'MARGIN_FLOOR';

/** Why the margin rule did not set the floor (null when it did). */
export type FloorNote =
  | 'NO_MARGIN_RULE' // no min margin for the product nor a default
  | 'NO_COST' // a min margin, but no unit cost known: the plain floor, and it says so
  | 'BELOW_MIN_PRICE' // the margin price is not above min_price
  | 'UNREACHABLE'; // commission + margin ≥ 100 %: no price keeps the margin

export interface FloorInput {
  /** The product's own floor (min_price), whole tenge. */
  minPrice: number;
  /** Unit cost, decimal string in the marketplace currency; null = not known. */
  cost: string | null;
  /** Per-unit delivery the seller pays (decimal), when `mp costs` has one. */
  delivery?: string | null;
  /** Commission, percent of the price (decimal string). */
  commissionPct: string;
  /** Minimum margin, percent of the price (decimal string); null = no margin rule. */
  minMarginPct: string | null;
}

export interface Floor {
  /** The price the repricer never goes below: whole tenge ≥ 10 (null when the margin is unreachable). */
  floor: number | null;
  reason: FloorReason;
  /** The margin price alone (null when there is none). */
  marginFloor: number | null;
  note: FloorNote | null;
}

const PCT_SCALE = 4;
const HUNDRED_PCT = 100n * 10n ** BigInt(PCT_SCALE);

/**
 * The lowest whole price keeping `minMarginPct` after `commissionPct` and `cost + delivery`
 * (amounts with at most 2 decimals); null when commission + margin ≥ 100 %.
 */
export function marginFloorPrice(cost: string, delivery: string | null | undefined, commissionPct: string, minMarginPct: string): number | null {
  const unit = toMinor(cost, 2) + (delivery ? toMinor(delivery, 2) : 0n);
  const kept = HUNDRED_PCT - toMinor(commissionPct, PCT_SCALE) - toMinor(minMarginPct, PCT_SCALE);
  if (kept <= 0n) return null;
  // P ≥ unit/100 × 100 % / kept  ⇔  P ≥ unit × 10^PCT_SCALE / kept  (unit in minor units, kept in 1e-4 %)
  const numerator = unit * 10n ** BigInt(PCT_SCALE);
  const price = numerator / kept + (numerator % kept === 0n ? 0n : 1n);
  return Number(price);
}

/** The effective floor of a product: max(min_price, margin price), and what set it. */
export function effectiveFloor(input: FloorInput): Floor {
  const plain = Math.max(Math.ceil(input.minPrice), KASPI_MIN_PRICE);
  if (input.minMarginPct === null) return { floor: plain, reason: 'MIN_PRICE', marginFloor: null, note: 'NO_MARGIN_RULE' };
  if (input.cost === null) return { floor: plain, reason: 'MIN_PRICE', marginFloor: null, note: 'NO_COST' };
  const margin = marginFloorPrice(input.cost, input.delivery, input.commissionPct, input.minMarginPct);
  if (margin === null) return { floor: null, reason: 'MARGIN_FLOOR', marginFloor: null, note: 'UNREACHABLE' };
  if (margin <= plain) return { floor: plain, reason: 'MIN_PRICE', marginFloor: margin, note: 'BELOW_MIN_PRICE' };
  return { floor: margin, reason: 'MARGIN_FLOOR', marginFloor: margin, note: null };
}
