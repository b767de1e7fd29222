// `mp kaspi insights`: the review-velocity sales ESTIMATE over the seeded Kaspi history
// (test/support/history-seed.ts), checked against hand-computed figures, and the price position.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { median, productInsights } from '../../src/kaspi-orders/insights.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { seedKaspiHistory } from '../support/history-seed.js';

const NOW = new Date('2026-11-21T06:00:00Z');

describe('kaspi insights: review-based sales estimate', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
    await seedKaspiHistory(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('estimates monthly sales from review growth ÷ review rate, labelled, with its basis and assumptions', async () => {
    const r = await productInsights(handle.db, { input: '102298404', city: '750000000', reviewRate: 0.1, days: 90, now: NOW, merchantId: 'm2' });
    // 1200 reviews on Nov 1 → 1234 on Nov 20: 34 in 19 days = 53.68/month; ÷ 0.1 = 536.8 ≈ 537 sales.
    expect(r.estimate).toMatchObject({
      label: 'ESTIMATE',
      available: true,
      monthlySales: 537,
      reviewsPerMonth: 53.7,
      reviewRate: 0.1,
      // 537 × 361788 (the min price)
      monthlyRevenueAtMinPrice: '194280156',
      basis: { days: 19, reviewsFrom: 1200, reviewsTo: 1234, points: 4 },
    });
    expect((r.estimate.assumptions as string[])[0]).toContain('10% of buyers leave a review');
    // Active offers only (m3 is gone): 361788 and 389990; ours (m2) is second, 28202 above the min.
    expect(r.price).toMatchObject({
      offers: 2,
      min: '361788',
      median: '375889',
      max: '389990',
      ours: { merchantId: 'm2', price: '389990', rank: 2, aboveMin: '28202' },
    });
    expect(r.product).toMatchObject({ kaspiId: '102298404', reviews: 1234 });
  });

  it('a different review rate scales the estimate; too short a history says why instead of guessing', async () => {
    const half = await productInsights(handle.db, { input: '102298404', city: '750000000', reviewRate: 0.05, days: 90, now: NOW });
    expect(half.estimate).toMatchObject({ available: true, monthlySales: 1074 });
    expect(half.price).not.toHaveProperty('ours');
    // The last 10 days hold Nov 15 (1220) and Nov 20 (1234): 5 days apart, under the 7 needed.
    const short = await productInsights(handle.db, { input: '102298404', city: '750000000', reviewRate: 0.1, days: 10, now: NOW });
    expect(short.estimate).toMatchObject({ label: 'ESTIMATE', available: false });
    expect(short.estimate.reason).toContain('at least 7 days apart');
    expect(short.estimate).not.toHaveProperty('monthlySales');
  });

  it('median of an odd and an even number of prices', () => {
    expect(median(['100', '200', '900'])).toBe('200');
    expect(median(['100', '201'])).toBe('150.5');
    expect(median(['100.01', '100.02'])).toBe('100.02');
  });
});
