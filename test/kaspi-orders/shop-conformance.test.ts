// The fake Shop API (src/fakes/fake-kaspi-shop.ts) against REAL answers (fixtures/kaspi-shop-api/):
// its orders pages, entries (both shapes it serves) and entry products may use only keys Kaspi was seen
// sending, with Kaspi's JSON types, and carry every key every real answer had (test/support/shape-check.ts).
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspiShop, type FakeShopOrder, startFakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { checkShape, learnShape } from '../support/shape-check.js';

const real = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/kaspi-shop-api/${name}`, import.meta.url), 'utf8'));
const ordersPages = [
  'orders_2025-12_kaspi-delivery_trimmed.json',
  'orders_2024-09_attributes.json',
  'guide_orders.json',
  'guide_orders_kaspi-delivery_included-entries.json',
].map(real);
// An entries answer as Kaspi gives it in 2026, the guide's, and the entries the guide's orders page included.
const entriesAnswers = [
  real('entries_2026-05_offer-no-entrynumber.json'),
  real('guide_entries.json'),
  { data: real('guide_orders_kaspi-delivery_included-entries.json').included },
];

const CREATED = Date.parse('2026-11-10T09:00:00Z');
const order = (id: string, extra: Partial<FakeShopOrder>): FakeShopOrder => ({
  id,
  code: `5${id.length}${id.charCodeAt(0)}`,
  state: 'KASPI_DELIVERY',
  status: 'ACCEPTED_BY_MERCHANT',
  totalPrice: 7000,
  creationDate: CREATED,
  customer: { name: 'Марат', cellPhone: '7021234567' },
  entries: [
    { quantity: 2, basePrice: 2500, totalPrice: 5000, product: { code: 'SKU-1', name: 'Крышка' } },
    { quantity: 1, basePrice: 2000, totalPrice: 2000, product: { code: 'SKU-2', name: 'Линейка' } },
  ],
  ...extra,
});

let shop: FakeKaspiShop;
beforeAll(async () => {
  shop = await startFakeKaspiShop([
    order('A', { isKaspiDelivery: true, town: 'Алматы' }),
    order('B', { entryShape: 'guide', state: 'PICKUP' }),
    order('C', { entryShape: 'guide', productNotIncluded: true, state: 'ARCHIVE', status: 'COMPLETED', customer: undefined }),
  ]);
});
afterEach(() => shop?.verify());
afterAll(async () => shop?.stop());

async function get(path: string): Promise<any> {
  const res = await fetch(`${shop.url}${path}`, { headers: { accept: 'application/vnd.api+json', 'x-auth-token': shop.token } });
  expect(res.status).toBe(200);
  return res.json();
}

describe('the fake Shop API answers in the shape of the real answers', () => {
  it('orders pages, every state', async () => {
    const shape = learnShape(ordersPages);
    const window = `filter[orders][creationDate][$ge]=${CREATED - 1000}&filter[orders][creationDate][$le]=${CREATED + 1000}`;
    for (const state of ['KASPI_DELIVERY', 'PICKUP', 'ARCHIVE']) {
      const page = await get(`/orders?page[number]=0&page[size]=20&filter[orders][state]=${state}&${window}`);
      expect(page.data).toHaveLength(1);
      expect(checkShape(shape, page)).toEqual([]);
    }
  });

  it("entries as Kaspi answers them in 2026 and as its guide shows them, and an entry's product", async () => {
    const shape = learnShape(entriesAnswers);
    const offer = await get('/orders/A/entries?include=product');
    expect(offer.data[0].attributes).toEqual({ quantity: 2, basePrice: 2500, offer: { code: 'SKU-1', name: 'Крышка' } });
    expect(checkShape(shape, offer)).toEqual([]);
    const guide = await get('/orders/B/entries?include=product');
    expect(guide.included).toHaveLength(2);
    expect(checkShape(shape, { data: guide.data })).toEqual([]);
    const productShape = learnShape([real('guide_orderentry_product.json')]);
    for (const p of guide.included) expect(checkShape(productShape, { data: p, included: [] })).toEqual([]);
    const bare = await get('/orders/C/entries?include=product');
    expect(bare.included).toEqual([]);
    expect(checkShape(productShape, await get(`/orderentries/${bare.data[1].id}/product`))).toEqual([]);
  });
});
