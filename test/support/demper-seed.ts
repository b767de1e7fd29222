// A store with products (every strategy), decisions in every mode and preorders, for tests that need
// demper rows (exports).
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { insertPriceChanges } from '../../src/demper/price-changes.repository.js';
import { upsertProducts } from '../../src/demper/products.repository.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { upsertPreorders } from '../../src/preorders/preorders.repository.js';

export async function seedDemper(db: Kysely<Database>): Promise<void> {
  const store = await addStore(db, randomBytes(32), { merchantId: '30067228', name: 'ТОО "Shop"', session: 'mc-session=s; mc-sid=t' });
  await upsertProducts(db, store.id, [
    {
      sku: '102298404_1',
      productId: '102298404',
      name: 'Смартфон, "черный"',
      price: 361788,
      minPrice: 350000,
      maxPrice: 400000,
      step: 50,
      strategy: 'undercut',
      topN: null,
    },
    { sku: 'CASE-2', productId: '100002', name: 'Case', price: null, minPrice: 300, maxPrice: 700, step: 1, strategy: 'top-n', topN: 2 },
    { sku: 'C3', productId: '100003', name: 'Cable', price: 300, minPrice: 250, maxPrice: 400, step: 1, strategy: 'hold', topN: null },
  ]);
  const row = { run_id: '20261121120000-abc123', store_id: store.id, product_id: '102298404', sku: '102298404_1' };
  await insertPriceChanges(db, [
    { ...row, old_price: '361788', new_price: '361738', competitor_price: '361788.5', competitor_merchant: 'Tehno Trade', reason: 'UNDERCUT', mode: 'applied' },
    { ...row, old_price: '361788', new_price: null, reason: 'UNKNOWN', mode: 'unchanged', error: 'Kaspi offers response changed its format' },
    { ...row, old_price: '361788', new_price: '362000', reason: 'RAISE_GAP', mode: 'failed', error: 'Kaspi answered 429: merchant paused' },
  ]);
  await upsertPreorders(db, store.id, [
    { sku: '102298404_1', model: 'iPhone 13', brand: 'Apple', price: 361788, pp: ['5', 'yes', null, null, 'no'], preorderDays: 7 },
    { sku: 'CASE-2', model: 'Чехол', brand: 'Без бренда', price: 2500, pp: [null, null, null, null, null], preorderDays: 30 },
  ]);
}
