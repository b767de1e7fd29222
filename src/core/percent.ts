// Percentages between the two forms they are written in: percentage points (12.5, what mp stores
// and prints) and fractions (0.125, what a spreadsheet cell with a percent format holds). The
// decimal point is moved in the text, so no float noise creeps in (0.109 * 100 = 10.9000000001).
import { normalizeDecimal } from './money.js';
import { decimal } from './validate.js';

/** A percentage in points as exact decimal text: at most 4 decimal places, 0 ≤ p < 100 (a commission, a margin). */
export function percentPoints(raw: unknown, label: string): string {
  return decimal(raw, label, { scale: 4, min: '0', max: '99.9999' });
}

/** Moves the decimal point of a decimal text `places` to the right (negative: to the left). */
export function shiftDecimal(decimal: string, places: number): string {
  const text = normalizeDecimal(decimal);
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const pad = Math.abs(places) + 1;
  const digits = `${'0'.repeat(pad)}${whole}${fraction}${'0'.repeat(pad)}`;
  const point = pad + whole.length + places;
  const shifted = normalizeDecimal(`${digits.slice(0, point)}.${digits.slice(point)}`);
  return negative && shifted !== '0' ? `-${shifted}` : shifted;
}

/** `12.5` → `0.125`. */
export function pointsToFraction(points: string): string {
  return shiftDecimal(points, -2);
}

/**
 * `0.125` (a number read from a percent cell, or its text) → `12.5`. A number is first cut to 15
 * significant digits (a double's exact ones): 0.10900000000000001 reads as 0.109.
 */
export function fractionToPoints(fraction: string | number): string {
  return shiftDecimal(typeof fraction === 'number' ? normalizeDecimal(Number(fraction.toPrecision(15))) : fraction, 2);
}
