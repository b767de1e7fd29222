// Validation of the settings of a product under price management (pure): whole tenge ≥ 10,
// min ≤ max, step ≥ 1, a known strategy, a minimum margin in percent. Used by `products import` and
// `products set`.

import { attempt, decimal, forbiddenCharacter } from '../core/validate.js';
import { KASPI_MIN_PRICE } from '../kaspi/merchant/price-rules.js';
import { STRATEGIES, type Strategy } from './strategy.js';

export const PRODUCT_COLUMNS = ['sku', 'product_id', 'name', 'price', 'min_price', 'max_price', 'step', 'strategy', 'min_margin_pct'] as const;

export interface ProductInput {
  sku: string;
  productId: string;
  name: string;
  price: number | null;
  minPrice: number;
  maxPrice: number;
  step: number;
  strategy: Strategy;
  topN: number | null;
  /** Minimum margin in percent (null = the store-wide default); undefined = the file has no such column (keep the stored one). */
  minMarginPct?: string | null;
  /** The brand for the price list (cabinet, or a `brand` column); undefined or '' keeps the stored one. */
  brand?: string;
}

/** A minimum margin: percent of the price, 0 ≤ m < 100, at most 2 decimals (a decimal comma and a % sign accepted). */
export function minMargin(raw: string, label: string): string {
  const t = raw.trim().replace(/%$/, '').replace(/\s/g, '');
  return decimal(!t.includes('.') ? t.replace(',', '.') : t, label, { scale: 2, min: '0', max: '99.99' });
}

/** Parses one spreadsheet row; returns the problems (empty when valid). */
export function parseProductRecord(values: Record<string, string>): { input?: ProductInput; problems: string[] } {
  const problems: string[] = [];
  const sku = values.sku ?? '';
  const productId = (values.product_id ?? '').trim();
  if (!sku) problems.push('sku is empty');
  else if (sku.length > 128) problems.push('sku is longer than 128 characters');
  for (const field of ['sku', 'product_id', 'name', 'brand'] as const) {
    const bad = forbiddenCharacter(values[field] ?? '');
    if (bad) problems.push(`${field} must not contain ${bad}`);
  }
  if (!productId) problems.push('product_id is empty');
  const price = tenge(values.price, 'price', problems, false);
  const minPrice = tenge(values.min_price, 'min_price', problems, true);
  const maxPrice = tenge(values.max_price, 'max_price', problems, true);
  const stepText = values.step?.trim() || '1';
  const step = /^\d+$/.test(stepText) ? Number(stepText) : Number.NaN;
  if (!Number.isInteger(step) || step < 1) problems.push(`step must be a whole number ≥ 1, got "${values.step}"`);
  const strategyText = (values.strategy?.trim() || 'undercut').toLowerCase();
  const strategy = parseStrategy(strategyText);
  if (!strategy) problems.push(`strategy must be undercut, match, hold, top-n or top-<N>, got "${values.strategy}"`);
  if (minPrice !== null && maxPrice !== null && minPrice > maxPrice) problems.push(`min_price ${minPrice} is above max_price ${maxPrice}`);
  let minMarginPct: string | null | undefined;
  if ('min_margin_pct' in values) {
    const text = values.min_margin_pct ?? '';
    const checked = text.trim() === '' ? { ok: true as const, value: null } : attempt(() => minMargin(text, 'min_margin_pct'));
    if (checked.ok) minMarginPct = checked.value;
    else problems.push(checked.error.message);
  }
  if (problems.length > 0 || minPrice === null || maxPrice === null || !strategy) return { problems };
  return {
    problems,
    input: {
      sku,
      productId,
      name: values.name ?? '',
      price,
      minPrice,
      maxPrice,
      step,
      strategy: strategy.strategy,
      topN: strategy.topN,
      minMarginPct,
      brand: values.brand,
    },
  };
}

/** `undercut`, `match`, `hold`, `top-n` (N = 3) or `top-<N>`. */
export function parseStrategy(text: string): { strategy: Strategy; topN: number | null } | undefined {
  const t = text.trim().toLowerCase();
  const top = /^top-(\d+|n)$/.exec(t);
  if (top) return { strategy: 'top-n', topN: top[1] === 'n' ? 3 : Math.max(1, Number(top[1])) };
  if ((STRATEGIES as readonly string[]).includes(t)) return { strategy: t as Strategy, topN: null };
  return undefined;
}

/** How a strategy is written in files and tables: `top-2` for top-n with N = 2. */
export function formatStrategy(strategy: string, topN: number | null): string {
  return strategy === 'top-n' ? `top-${topN ?? 3}` : strategy;
}

function tenge(text: string | undefined, name: string, problems: string[], required: boolean): number | null {
  const t = (text ?? '').trim().replace(/\s/g, '');
  if (t === '') {
    if (required) problems.push(`${name} is empty`);
    return null;
  }
  // "1500.0" from a spreadsheet is whole; "1500.5" is not.
  if (!/^\d+(\.0+)?$/.test(t)) {
    problems.push(`${name} must be whole tenge, got "${text}"`);
    return null;
  }
  // A 23-digit number would become 1.2e22 (not the number typed) and overflow the column.
  if (t.replace(/^0+(?=\d)/, '').replace(/\.0+$/, '').length > 12) {
    problems.push(`${name} must be at most 999999999999 tenge, got "${text}"`);
    return null;
  }
  const n = Number(t);
  if (n < KASPI_MIN_PRICE) {
    problems.push(`${name} must be at least ${KASPI_MIN_PRICE} tenge, got ${n}`);
    return null;
  }
  return n;
}
