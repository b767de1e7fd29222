import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { listProductHistory, showOfferHistory, showProductHistory } from '../../src/history/history.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { ALMATY, ASTANA, seedKaspiHistory, t } from '../support/history-seed.js';

describe('history service', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await createTestDatabase();
    await seedKaspiHistory(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('shows a product by id or URL: rows oldest first, min and max price series', async () => {
    const h = await showProductHistory(handle.db, { input: '102298404', city: ALMATY });
    expect(h.product).toMatchObject({ kaspi_id: '102298404', city_id: ALMATY });
    expect(h.rows.map((r) => [r.checked_at.toISOString().slice(0, 10), r.min_price, r.max_price, r.seller_count, r.review_count])).toEqual([
      ['2026-11-01', '379990', '420000', 3, 1200],
      ['2026-11-08', '369990', '420000', 3, 1210],
      ['2026-11-15', '361788', '420000', 3, 1220],
      ['2026-11-20', '361788', '389990', 2, 1234],
    ]);
    expect(h.series.map((s) => s.label)).toEqual(['max price', 'min price']);
    expect(h.series[1]!.points.map((p) => p.v)).toEqual([379990, 369990, 361788, 361788]);
    // The URL's ?c= picks the city.
    const astana = await showProductHistory(handle.db, { input: 'https://kaspi.kz/shop/p/apple-iphone-15-128gb-102298404/?c=710000000&ref=shared' });
    expect(astana.product.city_id).toBe(ASTANA);
    expect(astana.rows).toHaveLength(1);
  });

  it('picks the city: --city wins, then the only stored city, then Almaty', async () => {
    expect((await showProductHistory(handle.db, { input: '102298404' })).product.city_id).toBe(ALMATY);
    expect((await showProductHistory(handle.db, { input: 'https://kaspi.kz/shop/p/x-102298404/?c=750000000', city: ASTANA })).product.city_id).toBe(ASTANA);
    expect((await showProductHistory(handle.db, { input: '11636226B' })).product.kaspi_id).toBe('11636226b');
    await expect(showProductHistory(handle.db, { input: '11636226b', city: ASTANA })).rejects.toThrow(/stored for Almaty \(750000000\), not Astana/);
    await expect(showProductHistory(handle.db, { input: '999999999' })).rejects.toThrow(/no stored history for Kaspi product 999999999: scrape it first/);
    await expect(showProductHistory(handle.db, { input: 'not a product' })).rejects.toBeInstanceOf(UserError);
  });

  it('--since keeps the rows in the window and starts the chart from the state in force at that time', async () => {
    const since = t('2026-11-10T00:00:00Z');
    const h = await showProductHistory(handle.db, { input: '102298404', city: ALMATY, since });
    expect(h.rows.map((r) => r.min_price)).toEqual(['361788', '361788']);
    expect(h.series[1]!.points).toEqual([
      { t: since.getTime(), v: 369990 },
      { t: t('2026-11-15T06:00:00Z').getTime(), v: 361788 },
      { t: t('2026-11-20T06:00:00Z').getTime(), v: 361788 },
    ]);
  });

  it('shows offer events per seller, and one seller by id or by part of its name', async () => {
    const all = await showOfferHistory(handle.db, { input: '102298404', city: ALMATY });
    expect(all.sellers.map((s) => [s.merchant_id, s.events.map((e) => e.event)])).toEqual([
      ['m1', ['appeared', 'price_changed', 'price_changed']],
      ['m2', ['appeared']],
      ['m3', ['appeared', 'disappeared']],
    ]);
    const m3 = all.sellers.find((s) => s.merchant_id === 'm3')!;
    expect(m3.series.points.map((p) => p.v)).toEqual([420000, null]); // the gap after it left
    const byName = await showOfferHistory(handle.db, { input: '102298404', seller: 'рога' });
    expect(byName.sellers.map((s) => s.merchant_id)).toEqual(['m1']);
    expect(byName.sellers[0]!.series.points.map((p) => p.v)).toEqual([379990, 369990, 361788]);
    const byId = await showOfferHistory(handle.db, { input: '102298404', seller: 'M2' });
    expect(byId.sellers.map((s) => s.merchant_name)).toEqual(['=HYPERLINK("x")']);
    await expect(showOfferHistory(handle.db, { input: '102298404', seller: 'nobody' })).rejects.toThrow(/no seller matching "nobody".*sellers: .*\(m1\)/);
    // Since: events in the window; the chart starts from the price in force then.
    const since = await showOfferHistory(handle.db, { input: '102298404', seller: 'm1', since: t('2026-11-10T00:00:00Z') });
    expect(since.sellers[0]!.events.map((e) => e.new_price)).toEqual(['361788']);
    expect(since.sellers[0]!.series.points.map((p) => p.v)).toEqual([369990, 361788]);
  });

  it('lists stored products with counts, sorted, limited and filtered', async () => {
    const all = await listProductHistory(handle.db, { sort: 'last-checked', limit: 50 });
    expect(all.map((r) => [r.kaspi_id, r.city_id, r.history_rows, r.offers])).toEqual([
      ['102298404', ALMATY, 4, 2], // m3 is inactive
      ['102298404', ASTANA, 1, 1],
      ['11636226b', ALMATY, 1, 0],
    ]);
    expect((await listProductHistory(handle.db, { sort: 'min-price', limit: 50 })).map((r) => r.min_price)).toEqual(['361788', '365000', null]);
    expect((await listProductHistory(handle.db, { sort: 'name', limit: 1 })).map((r) => r.name)).toEqual(['Apple iPhone 15 128Gb черный']);
    expect(await listProductHistory(handle.db, { sort: 'history', limit: 50, city: ASTANA })).toHaveLength(1);
    expect((await listProductHistory(handle.db, { sort: 'offers', limit: 50, search: 'ЧАЙНИК' })).map((r) => r.kaspi_id)).toEqual(['11636226b']);
    expect(await listProductHistory(handle.db, { sort: 'name', limit: 50, search: '11636226B' })).toHaveLength(1);
    expect(await listProductHistory(handle.db, { sort: 'name', limit: 50, search: '100%' })).toHaveLength(0);
    expect(await listProductHistory(handle.db, { sort: 'name', limit: 50, since: t('2026-11-09T00:00:00Z') })).toHaveLength(2);
  });
});
