// The fake merchant cabinet (src/fakes/fake-kaspi-mc.ts) against REAL answers: its offer list
// rows against the captured `bff/offer-view/list` (fixtures/kaspi-mc/), and its public offers answer
// against the captured `yml/offer-view/offers` pages (fixtures/kaspi/real/, provenance in its SOURCES.md). An answer may use
// only keys the real service sent, with its JSON types, and must carry every key every real answer had
// (test/support/shape-check.ts) — so mp's parsers are never tested against a shape Kaspi does not send.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspiMc, startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import { checkShape, learnShape } from '../support/shape-check.js';

const json = (url: URL) => JSON.parse(readFileSync(url, 'utf8'));
const realList = json(new URL('../../fixtures/kaspi-mc/offer-view-list_archived-offer.json', import.meta.url));
const realOffers = ['offers-102298404.json', 'offers-121806358.json'].map((f) => json(new URL(`../../fixtures/kaspi/real/${f}`, import.meta.url)));

let fake: FakeKaspiMc;
let cookie: string;

beforeAll(async () => {
  fake = await startFakeKaspiMc({
    merchants: [
      {
        uid: 'M1',
        name: 'Shop',
        cityId: '750000000',
        offers: [
          { sku: 'A1', masterSku: '100001', title: 'Phone, black', brand: 'Apple', price: 1000 },
          { sku: 'A2', masterSku: '100002', title: 'Case', price: 500, cityPrices: { '710000000': 520 } },
          { sku: 'A3', masterSku: '100003', title: 'Cable', price: 300, available: false },
        ],
      },
    ],
    offers: {
      '100001': [
        { merchantId: 'M1', price: 1000 },
        { merchantId: 'A', merchantName: 'Alpha', price: 990, deliveryDuration: 'TOMORROW' },
      ],
    },
  });
  cookie = fake.newSession(['M1']);
});
afterEach(() => fake?.verify());
afterAll(async () => fake?.stop());

async function get(path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(`${fake.url}${path}`, init);
  expect(res.status).toBe(200);
  return res.json();
}

describe('the fake merchant cabinet answers in the shape of the real captures', () => {
  it('the check reports an invented key, a wrong type and a key every real answer has', () => {
    const shape = learnShape([realList]);
    const row = realList.data[0];
    expect(checkShape(shape, realList)).toEqual([]);
    const { masterSku: _dropped, ...withoutSku } = row;
    expect(checkShape(shape, { ...realList, data: [{ ...row, priceInCity: 1 }, { ...row, minPrice: '670' }, withoutSku] })).toEqual([
      '$.data[0].priceInCity: not in the real answers',
      '$.data[1].minPrice: string, the real answers have number',
      '$.data[2].masterSku: missing (every real answer has it)',
    ]);
  });

  it('offer list (bff/offer-view/list): every row and the page around it', async () => {
    const page = await get('/bff/offer-view/list?m=M1&p=0&l=100&a=true', { headers: { cookie } });
    expect(page.data).toHaveLength(3);
    expect(checkShape(learnShape([realList]), page)).toEqual([]);
    // Like the real row: price 0, the price per city.
    expect(page.data[1]).toMatchObject({ price: 0, minPrice: 500, maxPrice: 520, allCityPrices: { '750000000': { price: 500 }, '710000000': { price: 520 } } });
  });

  it('public offers (yml/offer-view/offers): the page and every offer', async () => {
    const page = await get('/yml/offer-view/offers/100001', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cityId: '750000000', id: '100001', limit: 64, page: 0 }),
    });
    expect(page.offers).toHaveLength(2);
    expect(checkShape(learnShape(realOffers), page)).toEqual([]);
  });
});
