// The repricer's margin floor: the arithmetic (exact, whole tenge rounded up), the effective floor
// and its reason, and the strategy never going below it (MARGIN_FLOOR when it held or raised).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, type ProductSettings, type RunRules, type StrategyOffer } from '../../src/demper/strategy.js';
import { commissionTable, KASPI_COMMISSIONS, rateFor } from '../../src/profit/kaspi-commissions.js';
import { effectiveFloor, marginFloorPrice } from '../../src/profit/margin-floor.js';

const NOW = new Date('2026-11-21T12:00:00Z');
const rules: RunRules = { ownMerchantId: 'OWN' };
const offer = (merchantId: string, price: number): StrategyOffer => ({ merchantId, merchantName: `${merchantId} shop`, price });

describe('margin floor price', () => {
  it('cost 12000, commission 10 %, min margin 5 %: 12000 / (1 − 0.10 − 0.05) = 14117.6… → 14118', () => {
    expect(marginFloorPrice('12000', null, '10', '5')).toBe(14118);
    // 14118 keeps the margin, 14117 does not: (P − 10 % of P − 12000) / P ≥ 5 %.
    expect(14118 * 0.85 >= 12000).toBe(true);
    expect(14117 * 0.85 >= 12000).toBe(false);
  });

  it('an exact quotient is not rounded up; per-unit delivery counts as cost; decimals stay exact', () => {
    expect(marginFloorPrice('8500', null, '10', '5')).toBe(10000);
    expect(marginFloorPrice('8500', '850', '10', '5')).toBe(11000);
    // 1000.01 / 0.875 = 1142.868… → 1143 (a float would say the same here; the point is no rounding before the ceiling)
    expect(marginFloorPrice('1000.01', null, '12.5', '0')).toBe(1143);
    // 0.1 + 0.2 in floats is 0.30000000000000004: 3 / (1 − 0.001 − 0.002) exactly = 3.009… → 4
    expect(marginFloorPrice('3', null, '0.1', '0.2')).toBe(4);
    expect(marginFloorPrice('100', null, '60', '40')).toBeNull();
  });

  it('effective floor: the higher of min_price and the margin price, with its reason and notes', () => {
    const base = { minPrice: 10000, cost: '12000', commissionPct: '10', minMarginPct: '5' };
    expect(effectiveFloor(base)).toEqual({ floor: 14118, reason: 'MARGIN_FLOOR', marginFloor: 14118, note: null });
    expect(effectiveFloor({ ...base, minPrice: 15000 })).toEqual({ floor: 15000, reason: 'MIN_PRICE', marginFloor: 14118, note: 'BELOW_MIN_PRICE' });
    expect(effectiveFloor({ ...base, cost: null })).toEqual({ floor: 10000, reason: 'MIN_PRICE', marginFloor: null, note: 'NO_COST' });
    expect(effectiveFloor({ ...base, minMarginPct: null })).toEqual({ floor: 10000, reason: 'MIN_PRICE', marginFloor: null, note: 'NO_MARGIN_RULE' });
    expect(effectiveFloor({ ...base, commissionPct: '95' })).toEqual({ floor: null, reason: 'MARGIN_FLOOR', marginFloor: null, note: 'UNREACHABLE' });
  });
});

describe('the strategy with a margin floor', () => {
  const product: ProductSettings = { price: 15000, minPrice: 10000, maxPrice: 20000, step: 1, strategy: 'undercut', marginFloor: 14118 };

  it('holds at the current price instead of undercutting below 14118 (MARGIN_FLOOR)', () => {
    const d = decide([offer('OWN', 15000), offer('A', 14000)], product, rules, NOW);
    expect(d).toMatchObject({ newPrice: 15000, change: false, reason: 'MARGIN_FLOOR', competitorPrice: 14000 });
  });

  it('undercuts down to exactly 14118 (the floor itself keeps the margin)', () => {
    expect(decide([offer('OWN', 15000), offer('A', 14119)], product, rules, NOW)).toMatchObject({ newPrice: 14118, reason: 'UNDERCUT' });
    expect(decide([offer('OWN', 15000), offer('A', 14118)], product, rules, NOW)).toMatchObject({ newPrice: 15000, reason: 'MARGIN_FLOOR' });
  });

  it('raises a price found below the margin floor to 14118 (MARGIN_FLOOR), also under a cooldown or a change cap', () => {
    const below = { ...product, price: 13000 };
    expect(decide([offer('OWN', 13000), offer('A', 12000)], below, rules, NOW)).toMatchObject({ newPrice: 14118, change: true, reason: 'MARGIN_FLOOR' });
    expect(decide([offer('OWN', 13000), offer('A', 19000)], { ...below, lastRaisedAt: new Date(NOW.getTime() - 60_000) }, rules, NOW)).toMatchObject({
      newPrice: 14118,
      reason: 'MARGIN_FLOOR',
    });
    expect(decide([offer('OWN', 13000), offer('A', 19000)], below, { ...rules, maxChangeAbs: 500 }, NOW)).toMatchObject({
      newPrice: 14118,
      reason: 'MARGIN_FLOOR',
    });
  });

  it('a floor from min_price alone keeps its own reason (FLOOR_REACHED)', () => {
    const d = decide([offer('OWN', 15000), offer('A', 9000)], { ...product, marginFloor: null }, rules, NOW);
    expect(d).toMatchObject({ newPrice: 15000, reason: 'FLOOR_REACHED' });
    const below = decide([offer('OWN', 15000), offer('A', 9000)], { ...product, minPrice: 14500, marginFloor: 14118 }, rules, NOW);
    expect(below).toMatchObject({ newPrice: 15000, reason: 'FLOOR_REACHED' });
  });

  it('no price keeps the margin (Infinity): nothing moves, MARGIN_FLOOR', () => {
    const d = decide([offer('OWN', 15000), offer('A', 14000)], { ...product, marginFloor: Number.POSITIVE_INFINITY }, rules, NOW);
    expect(d).toMatchObject({ newPrice: 15000, change: false, reason: 'MARGIN_FLOOR' });
  });

  it('property: never below the margin floor; a price pulled up to it says MARGIN_FLOOR', () => {
    const offerArb = fc.record({ merchantId: fc.constantFrom('OWN', 'A', 'B', 'C'), price: fc.integer({ min: 1, max: 40_000 }) });
    fc.assert(
      fc.property(
        fc.array(offerArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 10, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.option(fc.integer({ min: 10, max: 40_000 }), { nil: null }),
        fc.constantFrom('undercut', 'match', 'top-n') as fc.Arbitrary<ProductSettings['strategy']>,
        fc.option(fc.integer({ min: 1, max: 2000 }), { nil: undefined }),
        (offers, min, span, price, strategy, cap) => {
          const settings: ProductSettings = { price, minPrice: min, maxPrice: min + span, step: 1, strategy, topN: 2, marginFloor: 14118 };
          const d = decide(offers, settings, { ...rules, maxChangeAbs: cap }, NOW);
          if (d.newPrice !== null) expect(d.newPrice).toBeGreaterThanOrEqual(14118);
          // A price found below the floor is moved to the floor by it, or above it by something else.
          const current = d.livePrice ?? price;
          if (min < 14118 && current !== null && current < 14118 && d.newPrice === 14118) expect(d.reason).toBe('MARGIN_FLOOR');
        },
      ),
    );
  });
});

describe('the Kaspi commission table', () => {
  it('ships its source and date; the most specific category in the path wins; the default otherwise', () => {
    expect(KASPI_COMMISSIONS.source).toContain('cube-demper');
    expect(KASPI_COMMISSIONS.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(rateFor(KASPI_COMMISSIONS, ['Телефоны и гаджеты', 'Аксессуары для телефонов', 'Чехлы для смартфонов'])).toEqual({
      pct: '15.5',
      category: 'Аксессуары для телефонов',
    });
    expect(rateFor(KASPI_COMMISSIONS, ['Продукты питания', 'Фрукты'])).toEqual({ pct: '7.3', category: 'Продукты питания' });
    expect(rateFor(KASPI_COMMISSIONS, [], 'Лекарства')).toEqual({ pct: '7.3', category: 'Лекарства' });
    expect(rateFor(KASPI_COMMISSIONS, ['Бытовая техника'])).toEqual({ pct: '12.5', category: null });
  });

  it('the config overrides the default and categories (file), and MP_KASPI_COMMISSION_PCT the default', () => {
    const config = {
      home: '/tmp',
      lockTimeoutMs: 1000,
      env: { MP_KASPI_COMMISSION_PCT: '11' },
      file: { kaspi: { commission: { default: '13', categories: { 'Продукты питания': 8, 'Бытовая техника': '10.5' } } } },
    };
    const table = commissionTable(config);
    expect(table.defaultPct).toBe('11.0000');
    expect(rateFor(table, ['Продукты питания'])).toEqual({ pct: '8.0000', category: 'Продукты питания' });
    expect(rateFor(table, ['Бытовая техника'])).toEqual({ pct: '10.5000', category: 'Бытовая техника' });
    expect(() => commissionTable({ ...config, env: {}, file: { kaspi: { commission: { default: '150' } } } })).toThrow(/at most 99.9999/);
  });
});
