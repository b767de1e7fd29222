// Preorders: the Kaspi Excel template round trip and the upload to the fake cabinet.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upsertProducts } from '../../src/demper/products.repository.js';
import { type FakeKaspiMc, startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import type { HttpClient } from '../../src/http/client.js';
import { createMcClient, uploadPriceFile } from '../../src/kaspi/merchant/mc-client.js';
import type { StoreRow } from '../../src/kaspi/merchant/stores.repository.js';
import { addStore, sessionCookie } from '../../src/kaspi/merchant/stores.service.js';
import { XLSX_MIME } from '../../src/preorders/preorder-file.js';
import { listPreorders } from '../../src/preorders/preorders.repository.js';
import { addPreorder, exportPreorders, importPreorders, removePreorders, setPreorders } from '../../src/preorders/preorders.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const key = randomBytes(32);
let handle: TestDatabase;
let fake: FakeKaspiMc;
let mc: HttpClient;
let store: StoreRow;
const dir = mkdtempSync(join(tmpdir(), 'mp-preorders-'));

beforeAll(async () => {
  handle = await createTestDatabase();
  fake = await startFakeKaspiMc({ merchants: [{ uid: 'M1', name: 'Shop' }] });
  mc = createMcClient(fake.url);
  store = await addStore(handle.db, key, { merchantId: 'M1', name: 'Shop', session: fake.newSession(['M1']) });
});

afterEach(() => fake?.verify());
afterAll(async () => {
  await mc?.close();
  await fake?.stop();
  await handle?.close();
});

describe('preorders', () => {
  it('add/set validate: preorder days 0–30, PP cells stock or yes/no, whole prices', async () => {
    await addPreorder(handle.db, store, '102298404_1', { model: 'iPhone 13 128Gb', brand: 'Apple', price: '361788', pp1: '5', pp2: 'yes', preorder: '7' });
    await addPreorder(handle.db, store, 'CASE-2', { model: 'Чехол', brand: 'Без бренда', price: '2500', pp5: 'no' });
    await expect(addPreorder(handle.db, store, 'X', { model: 'm', price: '100', preorder: '31' })).rejects.toThrow(/preorder must be days 0–30/);
    await expect(addPreorder(handle.db, store, 'X', { model: 'm', price: '100', pp3: 'maybe' })).rejects.toThrow(/PP3 must be a stock number, yes or no/);
    await expect(addPreorder(handle.db, store, 'X', { model: 'm', price: '99.5' })).rejects.toThrow(/price must be whole tenge/);
    await expect(setPreorders(handle.db, store, ['NOPE'], { preorder: '3' })).rejects.toMatchObject({ code: 'PREORDER_UNKNOWN_SKU' });
    await setPreorders(handle.db, store, ['CASE-2'], { preorder: '30' });
    const rows = await listPreorders(handle.db, store.id);
    expect(rows.map((r) => [r.sku, r.price, r.pp1, r.pp2, r.pp5, r.preorder_days])).toEqual([
      ['102298404_1', '361788', '5', 'yes', null, 7],
      ['CASE-2', '2500', null, null, 'no', 30],
    ]);
  });

  it('exports exactly the template header on the first sheet, and import reproduces the rows', async () => {
    const path = join(dir, 'preorders.xlsx');
    expect(await exportPreorders(handle.db, store, path)).toEqual({ rows: 2, fromRepricer: 0 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['SKU', 'model', 'brand', 'price', 'PP1', 'PP2', 'PP3', 'PP4', 'PP5', 'preorder']);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual([
      '102298404_1',
      'iPhone 13 128Gb',
      'Apple',
      361788,
      5,
      'yes',
      undefined,
      undefined,
      undefined,
      7,
    ]);
    expect(sheet.rowCount).toBe(3);

    const before = (await listPreorders(handle.db, store.id)).map(({ id: _i, created_at: _c, updated_at: _u, ...r }) => r);
    await removePreorders(handle.db, store, ['102298404_1', 'CASE-2']);
    expect(await listPreorders(handle.db, store.id)).toEqual([]);
    expect(await importPreorders(handle.db, store, path)).toEqual({ imported: 2, managed: 0 });
    const after = (await listPreorders(handle.db, store.id)).map(({ id: _i, created_at: _c, updated_at: _u, ...r }) => r);
    expect(after).toEqual(before);
  });

  it('import matches columns by header and rejects a bad row with its number', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('x');
    sheet.addRow(['preorder', 'PP5', 'PP4', 'PP3', 'PP2', 'PP1', 'price', 'brand', 'model', 'SKU']);
    sheet.addRow([3, null, null, null, null, 'yes', 1500, 'B', 'Lamp', 'L1']);
    sheet.addRow([45, null, null, null, null, 2, 1500, 'B', 'Lamp 2', 'L2']);
    const path = join(dir, 'reordered.xlsx');
    await workbook.xlsx.writeFile(path);
    await expect(importPreorders(handle.db, store, path)).rejects.toThrow(/row 3: preorder must be days 0–30, got "45"/);
    expect((await listPreorders(handle.db, store.id)).map((r) => r.sku)).not.toContain('L1');
    sheet.getRow(3).getCell(1).value = 30;
    await workbook.xlsx.writeFile(path);
    expect(await importPreorders(handle.db, store, path)).toEqual({ imported: 2, managed: 0 });
    const [l1] = (await listPreorders(handle.db, store.id)).filter((r) => r.sku === 'L1');
    expect(l1).toMatchObject({ model: 'Lamp', brand: 'B', price: '1500', pp1: 'yes', preorder_days: 3 });
  });

  it("takes a managed product's current price, so an upload never undoes the repricer; add needs no --price for it", async () => {
    await upsertProducts(handle.db, store.id, [
      { sku: 'MG-1', productId: '100001', name: 'Phone, black', price: 1000, minPrice: 800, maxPrice: 1500, step: 5, strategy: 'undercut', topN: null },
      { sku: 'OFF-1', productId: '100002', name: 'Case', price: 700, minPrice: 500, maxPrice: 900, step: 5, strategy: 'undercut', topN: null },
    ]);
    await handle.db.updateTable('demper_products').set({ brand: 'Apple' }).where('sku', '=', 'MG-1').execute();
    await handle.db.updateTable('demper_products').set({ enabled: false }).where('sku', '=', 'OFF-1').execute();
    // No --price and no --model: the managed product's price and name.
    const added = await addPreorder(handle.db, store, 'MG-1', { pp1: '3', preorder: '5' });
    expect(added).toEqual({
      input: { sku: 'MG-1', model: 'Phone, black', brand: 'Apple', price: null, pp: ['3', null, null, null, null], preorderDays: 5 },
      warnings: [],
    });
    // A --price for it is not what the file will say, and the seller is told so.
    const again = await addPreorder(handle.db, store, 'MG-1', { price: '1200', pp1: '3', preorder: '5' });
    expect(again.warnings).toEqual(['MG-1 is under price management: the file takes its current price (1000), not --price 1200']);
    // A disabled product is not managed: its preorder row needs and keeps its own price.
    await expect(addPreorder(handle.db, store, 'OFF-1', { model: 'Case' })).rejects.toThrow(/price must be whole tenge ≥ 10, got ""/);
    await addPreorder(handle.db, store, 'OFF-1', { model: 'Case', price: '650' });

    // The repricer lowers MG-1 after the row was made: the file states today's price.
    await handle.db.updateTable('demper_products').set({ price: '985' }).where('sku', '=', 'MG-1').execute();
    const path = join(dir, 'managed.xlsx');
    expect(await exportPreorders(handle.db, store, path)).toMatchObject({ fromRepricer: 1 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const prices = new Map<string, unknown>();
    workbook.worksheets[0]!.eachRow((row, n) => {
      if (n > 1) prices.set(String(row.getCell(1).value), row.getCell(4).value);
    });
    expect(prices.get('MG-1')).toBe(985);
    expect(prices.get('OFF-1')).toBe(650);
    // Read back, MG-1 still keeps no price of its own.
    expect(await importPreorders(handle.db, store, path)).toMatchObject({ managed: 1 });
    expect((await listPreorders(handle.db, store.id)).find((r) => r.sku === 'MG-1')?.price).toBeNull();

    // Taken out of price management with no price of its own: the file is refused, naming the SKU.
    await handle.db.deleteFrom('demper_products').where('sku', '=', 'MG-1').execute();
    await expect(exportPreorders(handle.db, store, path)).rejects.toMatchObject({
      code: 'PREORDER_NO_PRICE',
      message: expect.stringContaining('no price for MG-1'),
    });
    await removePreorders(handle.db, store, ['MG-1', 'OFF-1']);
  });

  it('uploads the file as multipart `file` and reports Kaspi’s answer, including "Unfinished file found"', async () => {
    const path = join(dir, 'preorders.xlsx');
    const content = readFileSync(path);
    const cookie = sessionCookie(store, key);
    const ok = await uploadPriceFile(mc, cookie, 'M1', { name: 'preorders.xlsx', content, type: XLSX_MIME }, 'renew');
    expect(ok).toMatchObject({ status: 200, ok: true, unfinished: false });
    expect(fake.uploads[0]).toMatchObject({ merchantUid: 'M1', filename: 'preorders.xlsx', contentType: XLSX_MIME });
    expect(fake.requestsTo('/pricefeed/upload/merchant/upload')[0]!.query.get('merchantUid')).toBe('M1');

    fake.uploadAnswer = { status: 200, body: '{"status":"ERROR","message":"Unfinished file found"}' };
    const busy = await uploadPriceFile(mc, cookie, 'M1', { name: 'preorders.xlsx', content, type: XLSX_MIME }, 'renew');
    expect(busy).toMatchObject({ ok: false, unfinished: true });
    expect(busy.message).toContain('Unfinished file found');

    fake.expire(cookie);
    await expect(uploadPriceFile(mc, cookie, 'M1', { name: 'p.xlsx', content, type: XLSX_MIME }, 'mp demper store login --phone X')).rejects.toMatchObject({
      code: 'KASPI_SESSION_EXPIRED',
    });
  });
});
