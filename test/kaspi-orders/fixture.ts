// The hand-checked sales fixture (fixtures/kaspi-orders/sales-orders.json) as fake Shop API orders,
// and one way to load it into a store: sync it from the fake, as `mp kaspi orders sync` would.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { type FakeKaspiShop, type FakeShopOrder, startFakeKaspiShop } from '../../src/fakes/fake-kaspi-shop.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { syncOrders } from '../../src/kaspi-orders/sync.service.js';

export interface FixtureOrder {
  id: string;
  code: string;
  created: string;
  state: string;
  status: string;
  town?: string;
  customer?: { name: string; cellPhone: string };
  entries: Array<{ code: string; name: string; quantity: number; basePrice: number }>;
}

export const fixture = JSON.parse(readFileSync(join(process.cwd(), 'fixtures/kaspi-orders/sales-orders.json'), 'utf8')) as { orders: FixtureOrder[] };

/** "Now" of the fixture: 17:00 on Friday Nov 20 in Almaty (UTC+5). */
export const FIXTURE_NOW = new Date('2026-11-20T12:00:00Z');

export function toFake(o: FixtureOrder): FakeShopOrder {
  const entries = o.entries.map((e) => ({
    quantity: e.quantity,
    basePrice: e.basePrice,
    totalPrice: e.quantity * e.basePrice,
    product: { code: e.code, name: e.name },
  }));
  return { ...o, creationDate: Date.parse(o.created), totalPrice: entries.reduce((s, e) => s + e.totalPrice, 0), entries };
}

/** Starts a fake Shop API with the fixture and syncs it (customers stored) into a new store M1. */
export async function loadFixture(db: Kysely<Database>): Promise<{ shop: FakeKaspiShop; storeId: string }> {
  const shop = await startFakeKaspiShop(fixture.orders.map(toFake));
  const key = randomBytes(32);
  const storeId = (await addStore(db, key, { merchantId: 'M1', name: 'Shop', token: shop.token })).id;
  await syncOrders({ db, secretKey: key, baseUrl: shop.url, now: () => FIXTURE_NOW }, { since: new Date('2026-10-01T00:00:00Z'), withCustomers: true });
  return { shop, storeId };
}
