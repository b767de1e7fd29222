// Decimal arithmetic of the profit reports, exact: amounts as integer tiyn/kopecks (bigint),
// percentages in 1/10000 of a percent; one rounding (half away from zero) where a result is shown.
import { fromMinor, normalizeDecimal, toMinor } from '../core/money.js';

const PCT_SCALE = 4;
const PCT_UNIT = 10n ** BigInt(PCT_SCALE);

/** A decimal amount (any scale, e.g. a PostgreSQL sum) in minor units, rounded half away from zero. */
export function minor(amount: string | null | undefined): bigint {
  return toMinor(normalizeDecimal(amount ?? '0', 2));
}

/** Minor units back to a canonical decimal string ("1234.5", "-10"). */
export function money(value: bigint): string {
  return normalizeDecimal(fromMinor(value));
}

/** a / b rounded half away from zero (b > 0). */
export function divRound(a: bigint, b: bigint): bigint {
  const negative = a < 0n;
  const abs = negative ? -a : a;
  const q = (abs * 2n + b) / (2n * b);
  return negative ? -q : q;
}

/** `pct` percent of an amount in minor units, rounded to the minor unit: 10000.00 × 12.5 % = 1250.00. */
export function percentOf(amountMinor: bigint, pct: string): bigint {
  return divRound(amountMinor * toMinor(pct, PCT_SCALE), 100n * PCT_UNIT);
}

/** profit / revenue as a percentage with 2 decimals ("12.34"); null when there is no revenue. */
export function marginPct(profitMinor: bigint, revenueMinor: bigint): string | null {
  if (revenueMinor <= 0n) return null;
  return normalizeDecimal(fromMinor(divRound(profitMinor * 10_000n, revenueMinor)));
}
