// The price list's pure parts: the format check, the shrink guard, stock rows, prices per city, the
// feed credentials, the log redaction and the cities of a store.
import { describe, expect, it } from 'vitest';
import { fetchedCell } from '../../src/commands/demper/store.js';
import { resolveConfig } from '../../src/core/config.js';
import { toTable } from '../../src/core/table-file.js';
import { priceIn, stockAvailabilities } from '../../src/demper/price-list.service.js';
import { shrinkGuard } from '../../src/demper/served-price-list.service.js';
import { parseStockTable } from '../../src/demper/stock.service.js';
import { buildKaspiFeed, type Feed, validateKaspiFeed } from '../../src/demper/xml-feed.js';
import { parseCities, storeCities } from '../../src/kaspi/merchant/stores.service.js';
import { feedCredentials, redactPriceListPath } from '../../src/serve/price-lists.js';

const offer = { sku: 'A1', model: 'Phone', brand: 'Apple', availabilities: [{ storeId: 'PP1', available: 'yes' as const }], price: 1000 };
const feed = (offers: Feed['offers']): Feed => ({ company: 'Shop', merchantId: '30067228', date: new Date('2026-11-21T12:00:00Z'), offers });

describe('validateKaspiFeed', () => {
  it('passes a list in Kaspi’s format', () => {
    expect(validateKaspiFeed(feed([offer, { ...offer, sku: 'A2', price: undefined, cityPrices: [{ cityId: '750000000', price: 990 }] }]))).toEqual([]);
  });

  it('names each problem and its offer', () => {
    const problems = validateKaspiFeed(
      feed([
        { ...offer, sku: 'A1' },
        { ...offer, sku: 'A1', model: ' ' },
        { ...offer, sku: 'x'.repeat(129) },
        { ...offer, sku: 'B1', availabilities: [] },
        { ...offer, sku: 'B2', availabilities: [{ storeId: '30067228_PP1', available: 'yes' }] },
        { ...offer, sku: 'B3', availabilities: [{ storeId: 'PP1', available: 'yes', preOrder: 31, stockCount: -1 }] },
        { ...offer, sku: 'B4', price: 9.5 },
        { ...offer, sku: 'B5', price: undefined },
        { ...offer, sku: 'B6', cityPrices: [{ cityId: 'almaty', price: 100 }] },
        { ...offer, sku: 'B7', model: 'bad\u0001name' },
      ]),
    );
    expect(problems).toEqual([
      'offer "A1": sku appears twice',
      'offer "A1": model is empty',
      `offer "${'x'.repeat(129)}": sku is longer than 128 characters`,
      'offer "B1": no availability',
      'offer "B2": storeId "30067228_PP1" is not a point of sale like PP1',
      'offer "B3": preOrder 31 is not 0–30 days',
      'offer "B3": stockCount -1 is not a whole number ≥ 0',
      'offer "B4": price 9.5 is not whole tenge ≥ 10',
      'offer "B5": neither price nor cityprices',
      'offer "B6": cityId "almaty" is not a Kaspi city id',
      'offer "B7" model has a character XML cannot carry',
    ]);
    expect(validateKaspiFeed(feed([]))).toEqual(['the list has no offers (an empty list takes every offer off sale)']);
  });

  it('the XML keeps Kaspi’s element order and escapes text', () => {
    const xml = buildKaspiFeed(feed([{ ...offer, model: 'Чехол "A&B" <1>', cityPrices: [{ cityId: '710000000', price: 950 }] }]));
    expect(xml).toMatch(
      /<offer sku="A1">\s*<model>Чехол &quot;A&amp;B&quot; &lt;1&gt;<\/model>\s*<brand>Apple<\/brand>\s*<availabilities>[\s\S]*<\/availabilities>\s*<price>1000<\/price>\s*<cityprices>\s*<cityprice cityId="710000000">950<\/cityprice>/,
    );
  });
});

describe('shrinkGuard', () => {
  it('holds back more than 20% fewer offers, or on sale, than the list last served', () => {
    expect(shrinkGuard({ offers: 10, available: 10 }, undefined)).toBeUndefined();
    expect(shrinkGuard({ offers: 8, available: 8 }, { offer_count: 10, available_count: 10 })).toBeUndefined();
    expect(shrinkGuard({ offers: 7, available: 7 }, { offer_count: 10, available_count: 10 })).toMatch(/7 offers, 30% fewer than the list last served \(10\)/);
    expect(shrinkGuard({ offers: 10, available: 7 }, { offer_count: 10, available_count: 10 })).toMatch(/7 offers on sale, 30% fewer/);
    expect(shrinkGuard({ offers: 0, available: 0 }, undefined)).toMatch(/empty/);
    // Growing, or putting offers back on sale, always goes out.
    expect(shrinkGuard({ offers: 20, available: 20 }, { offer_count: 10, available_count: 1 })).toBeUndefined();
  });
});

describe('stock', () => {
  it('reads a column per point or a row per point; a bad cell names its row', () => {
    expect(
      parseStockTable(
        toTable([
          ['SKU', 'model', 'PP1', 'PP2'],
          ['A', 'x', '5', ''],
          ['B', 'y', '0', '2.0'],
        ]),
        'f.csv',
      ),
    ).toEqual({
      skus: ['A', 'B'],
      rows: [
        { sku: 'A', point: 'PP1', stock: 5 },
        { sku: 'B', point: 'PP1', stock: 0 },
        { sku: 'B', point: 'PP2', stock: 2 },
      ],
    });
    expect(
      parseStockTable(
        toTable([
          ['sku', 'point', 'stock'],
          ['A', 'pp3', '1'],
        ]),
        'f.csv',
      ).rows,
    ).toEqual([{ sku: 'A', point: 'PP3', stock: 1 }]);
    expect(() =>
      parseStockTable(
        toTable([
          ['sku', 'PP1'],
          ['A', 'yes'],
          ['A', '1'],
        ]),
        'f.csv',
      ),
    ).toThrow(/row 2: PP1 must be a whole stock count 0–1000000000, got "yes" \(yes\/no belong in preorder rows.*\| row 3: sku "A" already appears on row 2/);
    expect(() =>
      parseStockTable(
        toTable([
          ['sku', 'model'],
          ['A', 'x'],
        ]),
        'f.csv',
      ),
    ).toThrow(/no point-of-sale column/);
    expect(() => parseStockTable(toTable([['sku', 'PP1']]), 'f.csv')).toThrow(/no stock rows/);
  });

  it('stock n > 0 is on sale with stockCount n (and the preorder days), 0 is not; points in order', () => {
    expect(
      stockAvailabilities(
        new Map([
          ['PP10', 1],
          ['PP2', 0],
          ['PP1', 4],
        ]),
        3,
      ),
    ).toEqual([
      { storeId: 'PP1', available: 'yes', stockCount: 4, preOrder: 3 },
      { storeId: 'PP2', available: 'no' },
      { storeId: 'PP10', available: 'yes', stockCount: 1, preOrder: 3 },
    ]);
    expect(stockAvailabilities(undefined, 0)).toBeUndefined();
  });
});

describe('prices per city', () => {
  const row = (price: string | null, list: string | null) => ({
    demper_product_id: '1',
    city_id: '710000000',
    price,
    list_price: list,
    list_price_at: null,
    last_reason: null,
    last_checked_at: null,
    last_raised_at: null,
    updated_at: new Date(),
  });
  it('the list price first, then the price known in the city, then the product’s', () => {
    expect(priceIn('710000000', '750000000', '1000', row('950', '940'))).toBe(940);
    expect(priceIn('710000000', '750000000', '1000', row('950', null))).toBe(950);
    expect(priceIn('710000000', '750000000', '1000', undefined)).toBe(1000);
    expect(priceIn('750000000', '750000000', '1000', { ...row('950', null), city_id: '750000000' })).toBe(1000);
    expect(priceIn('750000000', '750000000', null, undefined)).toBeNull();
  });

  it('a store’s cities: the home city first, names resolved', () => {
    expect(storeCities({ city_id: '750000000', cities: null })).toEqual(['750000000']);
    expect(storeCities({ city_id: '710000000', cities: ['750000000', '710000000'] })).toEqual(['710000000', '750000000']);
    expect(parseCities('almaty, Astana,750000000;511010000')).toEqual(['750000000', '710000000', '511010000']);
    expect(() => parseCities('almaty,atlantis')).toThrow(/unknown city "atlantis"/);
    expect(() => parseCities(' , ')).toThrow(/--cities must list/);
  });
});

describe('feed credentials', () => {
  const config = (env: Record<string, string>, file?: Record<string, unknown>) => ({ ...resolveConfig({}, env), ...(file ? { file } : {}) });
  it('both or neither; the password is never in a message', () => {
    expect(feedCredentials(config({}))).toBeUndefined();
    expect(feedCredentials(config({ MP_KASPI_FEED_USER: 'kaspi', MP_KASPI_FEED_PASSWORD: 'a long secret 1' }))).toEqual({
      user: 'kaspi',
      password: 'a long secret 1',
    });
    expect(feedCredentials(config({}, { kaspi: { feed: { user: 'k', password: 'from the config file' } } }))).toEqual({
      user: 'k',
      password: 'from the config file',
    });
    expect(() => feedCredentials(config({ MP_KASPI_FEED_PASSWORD: 'a long secret 1' }))).toThrow(/only the password is set/);
    expect(() => feedCredentials(config({ MP_KASPI_FEED_USER: 'a:b', MP_KASPI_FEED_PASSWORD: 'a long secret 1' }))).toThrow(/must not contain ":"/);
    try {
      feedCredentials(config({ MP_KASPI_FEED_USER: 'kaspi', MP_KASPI_FEED_PASSWORD: 'short1' }));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/12–200 characters/);
      expect((error as Error).message).not.toContain('short1');
    }
  });

  it('the access log never shows a secret path', () => {
    const token = 'q3Jx9dT2bE0sLk8WmZp4YvHn6rAaCcUu1fGiIoOyReS';
    expect(redactPriceListPath(`/kaspi/price-lists/s/${token}.xml`)).toBe('/kaspi/price-lists/s/****.xml');
    expect(redactPriceListPath(`/kaspi/price-lists//s/${token}.xml`)).not.toContain(token);
    expect(redactPriceListPath('/kaspi/price-lists/30067228.xml')).toBe('/kaspi/price-lists/30067228.xml');
    expect(redactPriceListPath('/api/payouts/abc')).toBe('/api/payouts/abc');
  });

  it('store list: when Kaspi last fetched, and a failed last attempt', () => {
    const now = new Date('2026-11-21T12:00:00Z');
    expect(fetchedCell(null, null, now)).toBe('never');
    expect(fetchedCell(new Date('2026-11-21T11:55:00Z'), 304, now)).toBe('5m ago');
    expect(fetchedCell(new Date('2026-11-21T09:00:00Z'), 503, now)).toBe('3h ago (503)');
    expect(fetchedCell(null, 401, now)).toBe('never (401)');
  });
});
