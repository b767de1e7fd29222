// The merchant cabinet's offer list and offer details parsers on REAL captured answers
// (fixtures/kaspi-mc/, see its SOURCES.md) and on variants of them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCabinetOfferDetails, parseCabinetOfferPage } from '../../src/kaspi/merchant/mc-offers.parser.js';

const real = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/kaspi-mc/${name}`, import.meta.url), 'utf8'));
const list = real('offer-view-list_archived-offer.json') as { data: Record<string, unknown>[]; total: number };
const row = list.data[0]!;

describe('cabinet offer list (real bff/offer-view/list)', () => {
  it("reads the real row's price from allCityPrices for the store's city, although its price is 0", () => {
    expect(row.price).toBe(0);
    const page = parseCabinetOfferPage(list, '710000000');
    expect(page).toEqual({
      offers: [
        {
          sku: '113744482_000573024',
          productId: '113744482',
          name: 'Вилка 570619 1 шт, алюминий',
          brand: '',
          price: 670,
          priceFrom: 'allCityPrices',
          available: false,
        },
      ],
      skipped: [],
      rows: 1,
      total: 1,
    });
  });

  it('falls back to minPrice when the city is not listed, and to a non-zero price before it', () => {
    expect(parseCabinetOfferPage(list, '999000000').offers[0]).toMatchObject({ price: 670, priceFrom: 'minPrice' });
    const withPrice = { ...row, allCityPrices: null, price: 700 };
    expect(parseCabinetOfferPage({ data: [withPrice] }, '999000000').offers[0]).toMatchObject({ price: 700, priceFrom: 'price' });
  });

  it('reads cityPrices as a list ({cityId, value}) or a map, and a shopLink when masterSku is missing', () => {
    const variants = [
      { ...row, sku: 'A', allCityPrices: null, cityPrices: [{ cityId: '750000000', value: 1200 }] },
      { ...row, sku: 'B', allCityPrices: null, cityPrices: { '750000000': { price: 1300 } } },
      { ...row, sku: 'C', masterSku: null, shopLink: '/p/vilka-570619-1-sht-aljuminii-113744482/?c=750000000' },
    ];
    const page = parseCabinetOfferPage({ data: variants, total: 3 }, '750000000');
    expect(page.offers.map((o) => [o.sku, o.price, o.priceFrom, o.productId])).toEqual([
      ['A', 1200, 'cityPrices', '113744482'],
      ['B', 1300, 'cityPrices', '113744482'],
      ['C', 670, 'allCityPrices', '113744482'],
    ]);
  });

  it('skips a row it cannot read, with the reason, and never rounds a price', () => {
    const page = parseCabinetOfferPage(
      {
        data: [
          { ...row, sku: 'FRACTION', allCityPrices: { '750000000': { price: 670.5, oldPrice: null } } },
          { ...row, sku: 'STRING', allCityPrices: { '750000000': { price: '690', oldPrice: null } } },
          { ...row, sku: 'ZERO', allCityPrices: {}, minPrice: 0, maxPrice: 0 },
          'not a row',
        ],
      },
      '750000000',
      100,
    );
    expect(page.offers.map((o) => [o.sku, o.price])).toEqual([['STRING', 690]]);
    expect(page.skipped).toEqual([
      { sku: 'FRACTION', reason: 'allCityPrices 670.5 is not whole tenge' },
      { sku: 'ZERO', reason: expect.stringMatching(/^no price/) },
      { sku: 'row 104', reason: 'the row is not an object' },
    ]);
    expect(page.total).toBeNull();
  });

  it('an answer without a list is a changed layout (KASPI_MC_BAD_RESPONSE), not "no offers"', () => {
    for (const body of [null, [], 'html', { offers: [] }, { total: 3 }]) {
      expect(() => parseCabinetOfferPage(body, '750000000')).toThrow(expect.objectContaining({ code: 'KASPI_MC_BAD_RESPONSE' }));
    }
    expect(parseCabinetOfferPage({ items: [row] }, '750000000').offers).toHaveLength(1);
    expect(parseCabinetOfferPage({ content: [], total: 0 }, '750000000')).toMatchObject({ rows: 0, total: 0 });
  });
});

describe('cabinet offer details (real bff/offer-view/details)', () => {
  const details = real('offer-view-details_archived-offer.json');

  it("reads the store's city price from cities[] and the name", () => {
    expect(parseCabinetOfferDetails(details, '750000000')).toEqual({
      sku: '113744482_000573024',
      productId: '113744482',
      name: 'Вилка 570619 1 шт, алюминий',
      brand: '',
      price: 670,
      priceFrom: 'cities',
      available: false,
    });
  });

  it('takes cityInfo when cities lacks the city, and refuses an answer that is not an object', () => {
    const onlyInfo = { ...details, cities: [] };
    expect(parseCabinetOfferDetails(onlyInfo, '710000000')).toMatchObject({ price: 670, priceFrom: 'cityInfo' });
    expect(() => parseCabinetOfferDetails([details], '710000000')).toThrow(expect.objectContaining({ code: 'KASPI_MC_BAD_RESPONSE' }));
  });
});
