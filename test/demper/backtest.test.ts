// Backtest: recorded offer history (kaspi_offer_history) replayed through a strategy.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtest } from '../../src/demper/backtest.service.js';
import type { StoreRow } from '../../src/kaspi/merchant/stores.repository.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let handle: TestDatabase;
let store: StoreRow;
const t = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 10, minutes));

beforeAll(async () => {
  handle = await createTestDatabase();
  store = await addStore(handle.db, randomBytes(32), { merchantId: 'M1', name: 'Shop' });
  await handle.db
    .insertInto('demper_products')
    .values({ store_id: store.id, sku: 'P1', product_id: '100001', price: '1000', min_price: '800', max_price: '1500', step: '5', strategy: 'undercut' })
    .execute();
  const product = await handle.db
    .insertInto('kaspi_products')
    .values({ kaspi_id: '100001', city_id: '750000000', name: 'Phone', url: 'https://kaspi.kz/shop/p/-100001/' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const offer = async (merchant: string, price: string) =>
    (
      await handle.db
        .insertInto('kaspi_offers')
        .values({ product_id: product.id, merchant_id: merchant, merchant_name: `${merchant} shop`, price })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const own = await offer('M1', '1000');
  const a = await offer('A', '950');
  const b = await offer('B', '1100');
  const event = (offerId: string, merchant: string, e: 'appeared' | 'price_changed' | 'disappeared', price: string | null, at: Date) => ({
    product_id: product.id,
    offer_id: offerId,
    merchant_id: merchant,
    event: e,
    new_price: price,
    created_at: at,
  });
  await handle.db
    .insertInto('kaspi_offer_history')
    .values([
      event(own, 'M1', 'appeared', '1000', t(0)),
      event(a, 'A', 'appeared', '1000', t(0)),
      event(b, 'B', 'appeared', '1100', t(0)),
      event(a, 'A', 'price_changed', '950', t(15)),
      event(a, 'A', 'disappeared', null, t(30)),
      event(b, 'B', 'price_changed', '1200', t(45)),
    ])
    .execute();
});

afterAll(async () => {
  await handle?.close();
});

describe('demper backtest', () => {
  it('replays the history: changes, average position and margin over min', async () => {
    const rows = await backtest(handle.db, [store], { since: t(0), rules: {} });
    // 995 (under A 1000), 945 (under A 950), A leaves: raise to 1095 (under B 1100); B goes to 1200
    // 15 minutes later: a raise within the 120-minute cooldown, so 1095 holds.
    expect(rows).toEqual([
      {
        store: 'M1',
        sku: 'P1',
        product_id: '100001',
        strategy: 'undercut',
        observations: 4,
        changes: 3,
        avg_position: 1,
        avg_margin: 233,
        start_price: 1000,
        end_price: 1095,
        floor: 800,
        margin_floor: 0,
      },
    ]);
  });

  it('tries another strategy, and respects the raise cooldown inside the replay', async () => {
    const [match] = await backtest(handle.db, [store], { since: t(0), strategy: { strategy: 'match', topN: null }, rules: {} });
    expect(match).toMatchObject({ strategy: 'match', changes: 2, end_price: 1100 });
    const [late] = await backtest(handle.db, [store], { since: t(10), rules: {} });
    expect(late).toMatchObject({ observations: 3, changes: 2, end_price: 1095 });
    const [noCooldown] = await backtest(handle.db, [store], { since: t(0), rules: { raiseCooldownMs: 10 * 60_000 } });
    expect(noCooldown).toMatchObject({ changes: 4, end_price: 1195 });
  });
});
