import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decision, decide, type ProductSettings, type RunRules, type StrategyOffer } from '../../src/demper/strategy.js';

const NOW = new Date('2026-11-21T12:00:00Z');
const OWN = 'OWN';
const rules: RunRules = { ownMerchantId: OWN };
const base: ProductSettings = { price: 1000, minPrice: 800, maxPrice: 1500, step: 5, strategy: 'undercut' };
const offer = (merchantId: string, price: number, extra: Partial<StrategyOffer> = {}): StrategyOffer => ({
  merchantId,
  merchantName: `${merchantId} shop`,
  price,
  ...extra,
});
const own = (price = 1000) => offer(OWN, price);

interface Row {
  name: string;
  offers: StrategyOffer[] | null;
  product?: Partial<ProductSettings>;
  rules?: Partial<RunRules>;
  expect: Partial<Decision>;
}

const table: Row[] = [
  {
    name: 'undercut: lowest competitor − step',
    offers: [own(), offer('A', 990), offer('B', 995)],
    expect: { newPrice: 985, reason: 'UNDERCUT', change: true, competitorPrice: 990, competitor: 'A shop' },
  },
  { name: 'undercut rounds a fractional competitor price down', offers: [own(), offer('A', 990.6)], expect: { newPrice: 985, reason: 'UNDERCUT' } },
  { name: 'match: equal to the lowest', offers: [own(), offer('A', 990)], product: { strategy: 'match' }, expect: { newPrice: 990, reason: 'MATCH' } },
  {
    name: 'top-n: just below the N-th competitor',
    offers: [own(), offer('A', 900), offer('B', 950), offer('C', 990)],
    product: { strategy: 'top-n', topN: 2 },
    expect: { newPrice: 945, reason: 'TOP_N', competitorPrice: 950 },
  },
  {
    name: 'top-n with fewer than N rivals goes to max (still in the top N)',
    offers: [own(1500), offer('A', 900)],
    product: { strategy: 'top-n', topN: 3, price: 1500 },
    expect: { newPrice: 1500, reason: 'AT_TARGET' },
  },
  { name: 'hold never changes', offers: [own(), offer('A', 900)], product: { strategy: 'hold' }, expect: { newPrice: 1000, reason: 'HOLD', change: false } },
  { name: 'own store is never a competitor', offers: [own(900), offer('A', 990)], product: { price: 995 }, expect: { newPrice: 985, competitor: 'A shop' } },
  {
    name: 'excluded merchants are ignored',
    offers: [own(), offer('A', 850), offer('B', 990)],
    rules: { exclude: ['A'] },
    expect: { newPrice: 985, competitor: 'B shop' },
  },
  {
    name: 'same-city filter ignores intercity rivals',
    offers: [own(), offer('A', 850, { interCity: true }), offer('B', 990, { interCity: false })],
    rules: { sameCityOnly: true },
    expect: { newPrice: 985, competitor: 'B shop' },
  },
  { name: 'intercity rivals count without the filter', offers: [own(), offer('A', 850, { interCity: true }), offer('B', 990)], expect: { newPrice: 845 } },
  {
    name: 'delivery filter ignores slower rivals',
    offers: [own(), offer('A', 850, { deliveryDays: 7 }), offer('B', 990, { deliveryDays: 2 })],
    rules: { maxDeliveryDays: 3 },
    expect: { newPrice: 985 },
  },
  { name: 'a merchant listed twice counts once at its lowest', offers: [own(), offer('A', 995), offer('A', 990)], expect: { newPrice: 985 } },
  {
    name: 'floor reached: hold, do not race to the floor',
    offers: [own(), offer('A', 790)],
    expect: { newPrice: 1000, reason: 'FLOOR_REACHED', change: false, competitorPrice: 790 },
  },
  { name: 'floor exactly reachable is taken', offers: [own(), offer('A', 805)], expect: { newPrice: 800, reason: 'UNDERCUT' } },
  {
    name: 'floor reached with a price below min pulls it back to min',
    offers: [own(500), offer('A', 700)],
    product: { price: 500 },
    expect: { newPrice: 800, reason: 'FLOOR_REACHED' },
  },
  {
    name: 'cheapest by more than a step: raise to next − step',
    offers: [own(900), offer('A', 1100)],
    product: { price: 900 },
    expect: { newPrice: 1095, reason: 'RAISE_GAP', change: true },
  },
  { name: 'raise stops at max', offers: [own(900), offer('A', 2000)], product: { price: 900 }, expect: { newPrice: 1500, reason: 'RAISE_GAP' } },
  {
    name: 'raise within the cooldown holds',
    offers: [own(900), offer('A', 1100)],
    product: { price: 900, lastRaisedAt: new Date(NOW.getTime() - 60 * 60_000) },
    expect: { newPrice: 900, reason: 'RAISE_COOLDOWN', change: false },
  },
  {
    name: 'raise after the cooldown goes ahead',
    offers: [own(900), offer('A', 1100)],
    product: { price: 900, lastRaisedAt: new Date(NOW.getTime() - 121 * 60_000) },
    expect: { newPrice: 1095, reason: 'RAISE_GAP' },
  },
  {
    name: 'custom cooldown',
    offers: [own(900), offer('A', 1100)],
    product: { price: 900, lastRaisedAt: new Date(NOW.getTime() - 20 * 60_000) },
    rules: { raiseCooldownMs: 10 * 60_000 },
    expect: { reason: 'RAISE_GAP' },
  },
  {
    name: 'a decrease ignores the raise cooldown',
    offers: [own(), offer('A', 950)],
    product: { lastRaisedAt: new Date(NOW.getTime() - 60_000) },
    expect: { newPrice: 945, reason: 'UNDERCUT' },
  },
  { name: 'at target: no change', offers: [own(985), offer('A', 990)], product: { price: 985 }, expect: { newPrice: 985, reason: 'AT_TARGET', change: false } },
  { name: 'no competition: go to max', offers: [own()], expect: { newPrice: 1500, reason: 'NO_COMPETITION', change: true, competitor: null } },
  {
    name: 'no competition after excluding everyone',
    offers: [own(), offer('A', 900)],
    rules: { exclude: ['A'] },
    expect: { newPrice: 1500, reason: 'NO_COMPETITION' },
  },
  {
    name: 'no competition switched off: hold',
    offers: [own()],
    rules: { noCompetitionToMax: false },
    expect: { newPrice: 1000, reason: 'NO_COMPETITION', change: false },
  },
  { name: 'empty offers → UNKNOWN, no change', offers: [], expect: { newPrice: null, reason: 'UNKNOWN', change: false } },
  { name: 'unparsable offers → UNKNOWN', offers: null, expect: { newPrice: null, reason: 'UNKNOWN', change: false } },
  { name: 'an offer with a broken price → UNKNOWN', offers: [own(), offer('A', Number.NaN)], expect: { newPrice: null, reason: 'UNKNOWN' } },
  {
    name: 'max change per run (absolute)',
    offers: [own(), offer('A', 850)],
    rules: { maxChangeAbs: 50 },
    expect: { newPrice: 950, reason: 'UNDERCUT', capped: true },
  },
  { name: 'max change per run (percent)', offers: [own(), offer('A', 850)], rules: { maxChangePct: 2 }, expect: { newPrice: 980, capped: true } },
  { name: 'the tighter of the two caps wins', offers: [own(), offer('A', 850)], rules: { maxChangePct: 10, maxChangeAbs: 30 }, expect: { newPrice: 970 } },
  {
    name: 'the cap applies to raises too',
    offers: [own(900), offer('A', 1100)],
    product: { price: 900 },
    rules: { maxChangeAbs: 40 },
    expect: { newPrice: 940, reason: 'RAISE_GAP', capped: true },
  },
  {
    // The seller changed the price in the cabinet (or Kaspi did not take mp's update): the stored 985
    // would say AT_TARGET, but Kaspi shows 1000, so the undercut must be sent again.
    name: "our offer's live price wins over a stale stored one: a correction, not AT_TARGET",
    offers: [own(1000), offer('A', 990)],
    product: { price: 985 },
    expect: { newPrice: 985, reason: 'UNDERCUT', change: true, livePrice: 1000 },
  },
  {
    name: 'a live price raised in the cabinet above max is pulled back inside the bounds',
    offers: [own(1800), offer('A', 2000)],
    product: { price: 1500 },
    expect: { newPrice: 1500, reason: 'UNDERCUT', change: true, livePrice: 1800 },
  },
  {
    name: 'without our offer in the answer the stored price stays the current one',
    offers: [offer('A', 990)],
    product: { price: 985 },
    expect: { newPrice: 985, reason: 'AT_TARGET', change: false, livePrice: null },
  },
  {
    name: 'unknown current price takes our own offer',
    offers: [own(1000), offer('A', 990)],
    product: { price: null },
    expect: { newPrice: 985, change: true },
  },
  {
    name: 'never below Kaspi minimum 10',
    offers: [own(12), offer('A', 11)],
    product: { price: 12, minPrice: 10, maxPrice: 20, step: 1 },
    expect: { newPrice: 10, reason: 'UNDERCUT' },
  },
  {
    name: 'floor reached with an unknown current price: no price to hold',
    offers: [offer('A', 700)],
    product: { price: null },
    expect: { newPrice: null, reason: 'FLOOR_REACHED', change: false },
  },
];

describe('decide', () => {
  for (const row of table) {
    it(row.name, () => {
      const d = decide(row.offers, { ...base, ...row.product }, { ...rules, ...row.rules }, NOW);
      expect(d).toMatchObject(row.expect);
    });
  }
});

describe('decide (properties)', () => {
  const offerArb = fc.record({
    merchantId: fc.constantFrom('OWN', 'A', 'B', 'C', 'D', 'E'),
    price: fc.oneof(fc.integer({ min: 1, max: 2_000_000 }), fc.double({ min: 0.01, max: 2_000_000, noNaN: true })),
    deliveryDays: fc.option(fc.constantFrom(1, 2, 3, 5, 7, 99), { nil: undefined }),
    interCity: fc.option(fc.boolean(), { nil: undefined }),
  });
  const settingsArb = fc
    .record({
      min: fc.integer({ min: 10, max: 1_000_000 }),
      span: fc.integer({ min: 0, max: 1_000_000 }),
      price: fc.option(fc.integer({ min: 1, max: 3_000_000 }), { nil: null }),
      step: fc.integer({ min: 1, max: 5000 }),
      strategy: fc.constantFrom('undercut', 'match', 'top-n', 'hold') as fc.Arbitrary<ProductSettings['strategy']>,
      topN: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
      raisedAgoMin: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
    })
    .map(
      (s): ProductSettings => ({
        price: s.price,
        minPrice: s.min,
        maxPrice: s.min + s.span,
        step: s.step,
        strategy: s.strategy,
        topN: s.topN,
        lastRaisedAt: s.raisedAgoMin === null ? null : new Date(NOW.getTime() - s.raisedAgoMin * 60_000),
      }),
    );
  const rulesArb = fc.record({
    ownMerchantId: fc.constant('OWN'),
    exclude: fc.subarray(['A', 'B', 'C']),
    sameCityOnly: fc.boolean(),
    maxDeliveryDays: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
    noCompetitionToMax: fc.boolean(),
    maxChangeAbs: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
    maxChangePct: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
  });

  it('the new price is never below min, never above max, whole and ≥ 10', () => {
    fc.assert(
      fc.property(fc.option(fc.array(offerArb, { maxLength: 12 }), { nil: null }), settingsArb, rulesArb, (offers, settings, r) => {
        const d = decide(offers, settings, r, NOW);
        // null = nothing to send: offers unknown, or nothing to hold when our own price is unknown.
        if (d.newPrice === null) return !d.change && (d.reason === 'UNKNOWN' || settings.price === null);
        return Number.isInteger(d.newPrice) && d.newPrice >= settings.minPrice && d.newPrice <= settings.maxPrice && d.newPrice >= 10;
      }),
      { numRuns: 5000 },
    );
  });

  it('never prices below a competitor it ignores because of our own offer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 100_000 }), settingsArb, (ownPrice, settings) => {
        const withOwn = decide([offer(OWN, ownPrice), offer('A', ownPrice + 1000)], settings, rules, NOW);
        const without = decide([offer('A', ownPrice + 1000)], settings, rules, NOW);
        return withOwn.competitorPrice === without.competitorPrice;
      }),
    );
  });
});
