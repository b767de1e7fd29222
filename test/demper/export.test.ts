// The demper datasets through `mp export`: demper-products exported to CSV and XLSX imports back
// unchanged (export, edit in Excel, import); price changes and preorders export their rows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPriceChanges } from '../../src/demper/price-changes.repository.js';
import { listProducts } from '../../src/demper/products.repository.js';
import { importProductsFile } from '../../src/demper/products.service.js';
import { findDataset } from '../../src/export/datasets.js';
import { exportDataset } from '../../src/export/export.service.js';
import { openFileTarget } from '../../src/export/output-target.js';
import type { Format } from '../../src/export/writers/writer.js';
import type { StoreRow } from '../../src/kaspi/merchant/stores.repository.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { addPreorder } from '../../src/preorders/preorders.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/demper/${name}`, import.meta.url));
let handle: TestDatabase;
let store: StoreRow;
const dir = mkdtempSync(join(tmpdir(), 'mp-demper-export-'));

beforeAll(async () => {
  handle = await createTestDatabase();
  store = await addStore(handle.db, randomBytes(32), { merchantId: 'M1', name: 'Shop' });
  await importProductsFile(handle.db, store, fixture('products.csv'));
});

afterAll(async () => {
  await handle?.close();
});

async function exportTo(name: string, format: Format): Promise<string> {
  const path = join(dir, `${name}-${Math.random().toString(36).slice(2)}.${format}`);
  await exportDataset(handle.db, { dataset: findDataset(name), format, target: openFileTarget(path), conditions: [] });
  return path;
}

const settings = async () =>
  (await listProducts(handle.db, { storeId: store.id })).map((p) => [
    p.sku,
    p.product_id,
    p.name,
    p.price,
    p.min_price,
    p.max_price,
    p.step,
    p.strategy,
    p.top_n,
  ]);

describe('demper export datasets', () => {
  for (const format of ['csv', 'xlsx'] as const) {
    it(`demper-products as ${format} imports back to the same settings`, async () => {
      const before = await settings();
      const path = await exportTo('demper-products', format);
      if (format === 'csv') expect(readFileSync(path, 'utf8').split('\n')[0]).toMatch(/^sku,product_id,name,price,min_price,max_price,step,strategy,/);
      await handle.db.updateTable('demper_products').set({ min_price: '10', max_price: '10', step: '1', strategy: 'hold', top_n: null }).execute();
      await importProductsFile(handle.db, store, path);
      expect(await settings()).toEqual(before);
    });
  }

  it('demper-price-changes and preorders export their rows', async () => {
    await insertPriceChanges(handle.db, [
      {
        run_id: 'r1',
        store_id: store.id,
        sku: 'P1',
        product_id: '100001',
        old_price: '1000',
        new_price: '985',
        competitor_price: '990',
        competitor_merchant: 'Alpha',
        reason: 'UNDERCUT',
        mode: 'applied',
      },
    ]);
    await addPreorder(handle.db, store, 'PRE-1', { model: 'Lamp', brand: 'B', price: '1500', pp1: '2', preorder: '10' });
    const changes = JSON.parse(readFileSync(await exportTo('demper-price-changes', 'json'), 'utf8')) as Record<string, unknown>[];
    expect(changes).toMatchObject([
      {
        store: 'M1',
        sku: 'P1',
        old_price: '1000',
        new_price: '985',
        competitor_price: '990',
        competitor_merchant: 'Alpha',
        reason: 'UNDERCUT',
        mode: 'applied',
      },
    ]);
    const pre = JSON.parse(readFileSync(await exportTo('preorders', 'json'), 'utf8')) as Record<string, unknown>[];
    expect(pre).toMatchObject([{ sku: 'PRE-1', model: 'Lamp', brand: 'B', price: '1500', pp1: '2', pp2: null, preorder: 10, store: 'M1' }]);
  });
});
