// Stores (encrypted secrets, login, check) and products (file and cabinet import, validation, set,
// enable/disable) on a real migrated database, against the fake merchant cabinet.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret } from '../../src/core/secrets.js';
import { listProducts, upsertProducts } from '../../src/demper/products.repository.js';
import { importCabinetOffers, importProductsFile, setProducts, toggleProducts } from '../../src/demper/products.service.js';
import { type FakeKaspiMc, startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import type { HttpClient } from '../../src/http/client.js';
import { createMcClient, listCabinetOffers } from '../../src/kaspi/merchant/mc-client.js';
import { findStore, listStores } from '../../src/kaspi/merchant/stores.repository.js';
import { addStore, checkStore, loginStores, removeStore, sessionCookie } from '../../src/kaspi/merchant/stores.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/demper/${name}`, import.meta.url));
const key = randomBytes(32);
const NOW = new Date('2026-11-21T12:00:00Z');
let handle: TestDatabase;
let fake: FakeKaspiMc;
let mc: HttpClient;

beforeAll(async () => {
  handle = await createTestDatabase();
  fake = await startFakeKaspiMc({
    merchants: [
      {
        uid: '30067228',
        name: 'Tech Shop',
        cityId: '710000000',
        offers: Array.from({ length: 130 }, (_, i) => ({ sku: `T${i}`, masterSku: String(200000 + i), title: `Item ${i}`, price: 1000 + i })),
      },
      {
        uid: '30067229',
        name: 'Second Shop',
        points: [{ pp: 'PP1' }, { pp: 'PP2' }, { pp: 'PP3', enabled: false }, { pp: 'PP4' }],
      },
    ],
    logins: [
      { phone: '+7 (701) 234-56-78', code: '1234', merchants: ['30067228'] },
      { email: 'owner@example.kz', password: 'pw', code: '9999', merchants: ['30067228', '30067229'] },
    ],
  });
  mc = createMcClient(fake.url);
});

afterEach(() => fake?.verify());
afterAll(async () => {
  await mc?.close();
  await fake?.stop();
  await handle?.close();
});

const clients = () => ({ mc, idmc: mc, mcBase: fake.url, idmcBase: fake.url });

describe('stores', () => {
  it('stores the session and token encrypted, never in clear', async () => {
    const cookie = fake.newSession(['M9']);
    const store = await addStore(handle.db, key, { merchantId: 'M9', name: 'Nine', cityId: '710000000', session: cookie, token: 'shop-token-abcd' });
    expect(store.session_encrypted).not.toContain(cookie.slice(11, 20));
    expect(store.token_encrypted).not.toContain('shop-token');
    expect(decryptSecret(store.session_encrypted!, key)).toBe(cookie);
    expect(decryptSecret(store.token_encrypted!, key)).toBe('shop-token-abcd');
    expect(store.city_id).toBe('710000000');
    expect(store.points).toBeNull();
  });

  it("--points sets the store's points of sale; a bad list is refused with nothing changed", async () => {
    const store = await addStore(handle.db, key, { merchantId: 'M9', name: 'Nine', points: 'pp2, PP1 PP2' });
    expect(store.points).toEqual(['PP2', 'PP1']);
    for (const bad of ['', 'PP0', 'PP1,X2', 'PP1000']) {
      await expect(addStore(handle.db, key, { merchantId: 'M9', name: 'Nine', points: bad })).rejects.toMatchObject({ code: 'STORE_BAD_POINTS' });
    }
    // Without --points the stored ones stay.
    expect((await addStore(handle.db, key, { merchantId: 'M9', name: 'Nine' })).points).toEqual(['PP2', 'PP1']);
  });

  it('check reports a valid session, and an expired one with the command that renews it', async () => {
    const store = (await findStore(handle.db, 'M9'))!;
    expect(await checkStore(handle.db, key, mc, store, NOW)).toMatchObject({ status: 'ok' });
    fake.expire(sessionCookie(store, key));
    const expired = await checkStore(handle.db, key, mc, store, NOW);
    expect(expired.status).toBe('expired');
    expect(expired.detail).toContain('mp demper store add --merchant-id M9 --name "Nine" --session-stdin');
    expect((await findStore(handle.db, 'M9'))!.session_valid).toBe(false);
  });

  it('logs in by phone + SMS code through idmc and the OAuth2 redirects, then saves the shop', async () => {
    const asked: string[] = [];
    const stores = await loginStores(
      handle.db,
      key,
      clients(),
      { kind: 'phone', phone: '8 701 234 5678' },
      async (what) => {
        asked.push(what);
        return '1234';
      },
      {},
    );
    expect(asked).toHaveLength(1);
    expect(stores.map((s) => [s.merchant_id, s.name, s.city_id, s.login])).toEqual([['30067228', 'Tech Shop', '710000000', '8 701 234 5678']]);
    expect(JSON.parse(fake.requestsTo('/api/p/login')[0]!.body)).toEqual({ _ph: '+7 (701) 234-56-78' });
    expect(await checkStore(handle.db, key, mc, stores[0]!, NOW)).toMatchObject({ status: 'ok' });
  });

  it('logs in by e-mail + password + MFA code and saves every shop the login sees', async () => {
    const stores = await loginStores(handle.db, key, clients(), { kind: 'email', email: 'owner@example.kz', password: 'pw' }, async () => '9999', {});
    expect(stores.map((s) => s.merchant_id)).toEqual(['30067228', '30067229']);
    // Each shop's enabled points of sale, as the XML price list names them (PP3 is switched off).
    expect(stores.map((s) => s.points)).toEqual([['PP1'], ['PP1', 'PP2', 'PP4']]);
    expect(await checkStore(handle.db, key, mc, stores[1]!, NOW)).toMatchObject({ status: 'ok' });
  });

  it('reports a flood error with the wait time, and a wrong code', async () => {
    fake.flood = { error: 'MFA_SEND_FLOOD', breakTimeSeconds: 300 };
    await expect(loginStores(handle.db, key, clients(), { kind: 'phone', phone: '+77012345678' }, async () => '1234', {})).rejects.toThrow(
      /MFA_SEND_FLOOD.*wait 5 min/,
    );
    await expect(loginStores(handle.db, key, clients(), { kind: 'phone', phone: '+77012345678' }, async () => '0000', {})).rejects.toMatchObject({
      code: 'KASPI_LOGIN_REJECTED',
    });
  });

  it('removes a store', async () => {
    await removeStore(handle.db, 'Second Shop');
    expect((await listStores(handle.db)).map((s) => s.merchant_id)).not.toContain('30067229');
  });
});

describe('products', () => {
  it('imports a CSV file with strategies and top-N', async () => {
    const store = (await findStore(handle.db, '30067228'))!;
    expect(await importProductsFile(handle.db, store, fixture('products.csv'))).toMatchObject({ imported: 4 });
    const rows = await listProducts(handle.db, { storeId: store.id });
    expect(rows.map((r) => [r.sku, r.product_id, r.name, r.price, r.min_price, r.max_price, r.step, r.strategy, r.top_n])).toEqual([
      ['P1', '100001', 'Phone, black', '1000', '800', '1500', '5', 'undercut', null],
      ['P2', '100002', 'Case', '500', '300', '700', '1', 'match', null],
      ['P3', '100003', 'Charger', '2000', '1900', '2500', '10', 'top-n', 2],
      ['P4', '100004', 'Cable', '300', '250', '400', '1', 'hold', null],
    ]);
  });

  it('rejects a file with a bad row, naming each row, and applies nothing from it', async () => {
    const store = (await findStore(handle.db, '30067228'))!;
    const before = await listProducts(handle.db, { storeId: store.id });
    const error = (await importProductsFile(handle.db, store, fixture('products-bad.csv')).then(
      () => new Error('imported'),
      (e: unknown) => e,
    )) as Error & { code: string };
    expect(error.code).toBe('DEMPER_IMPORT_INVALID');
    expect(error.message).toContain('row 3: min_price 900 is above max_price 700');
    expect(error.message).toMatch(/row 4: product_id is empty; min_price must be whole tenge, got "1900.5"; step must be a whole number ≥ 1.*strategy must be/);
    expect(error.message).not.toContain('row 2');
    expect(await listProducts(handle.db, { storeId: store.id })).toEqual(before);
  });

  it('imports an XLSX file with columns in another order, matched by header', async () => {
    const store = (await findStore(handle.db, '30067228'))!;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('products');
    sheet.addRow(['strategy', 'max_price', 'min_price', 'product_id', 'SKU', 'price', 'step', 'name']);
    sheet.addRow(['undercut', 9000, 5000, '300001', 'X1', 7000, 50, 'Kettle']);
    const path = join(mkdtempSync(join(tmpdir(), 'mp-xlsx-')), 'products.xlsx');
    await workbook.xlsx.writeFile(path);
    await importProductsFile(handle.db, store, path);
    const [x1] = await listProducts(handle.db, { storeId: store.id, skus: ['X1'] });
    expect(x1).toMatchObject({ product_id: '300001', name: 'Kettle', price: '7000', min_price: '5000', max_price: '9000', step: '50', strategy: 'undercut' });
  });

  it('rejects a file without the required header', async () => {
    const store = (await findStore(handle.db, '30067228'))!;
    const path = join(mkdtempSync(join(tmpdir(), 'mp-csv-')), 'p.csv');
    writeFileSync(path, 'sku;name\nA;B\n');
    await expect(importProductsFile(handle.db, store, path)).rejects.toMatchObject({ code: 'DEMPER_IMPORT_HEADER' });
  });

  it('imports the cabinet offer list (all pages) as hold products without touching existing ones', async () => {
    const store = (await findStore(handle.db, '30067228'))!;
    const list = () => listCabinetOffers(mc, sessionCookie(store, key), store.merchant_id, 'renew', store.city_id);
    const offers = await list();
    expect(offers.offers).toHaveLength(130);
    expect(offers).toMatchObject({ rows: 130, total: 130, skipped: [] });
    // Two pages of 100: the cabinet's total says when the list is complete.
    expect(fake.requestsTo('/bff/offer-view/list').length).toBe(2);
    const result = await importCabinetOffers(handle.db, store, offers);
    expect(result).toMatchObject({ offers: 130, imported: 130, updated: [], skipped: [], incomplete: null });
    const [t5] = await listProducts(handle.db, { storeId: store.id, skus: ['T5'] });
    expect(t5).toMatchObject({ product_id: '200005', price: '1005', min_price: '1005', max_price: '1005', strategy: 'hold' });
    await setProducts(handle.db, store.id, ['T5'], { min: '900', max: '1200', strategy: 'undercut' });
    // The seller changes T5's price in the cabinet: the next import refreshes the stored price only.
    fake.applyPrice('30067228', 'T5', 1100);
    const again = await importCabinetOffers(handle.db, store, await list());
    expect(again).toMatchObject({ imported: 0, updated: [{ sku: 'T5', from: 1005, to: 1100 }], skipped: [] });
    const [t5After] = await listProducts(handle.db, { storeId: store.id, skus: ['T5'] });
    expect(t5After).toMatchObject({ price: '1100', min_price: '900', max_price: '1200', strategy: 'undercut' });
  });

  it('reads the price of a real cabinet row (price 0, per city in allCityPrices) and says why every other row was skipped', async () => {
    const real = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/kaspi-mc/offer-view-list_archived-offer.json', import.meta.url)), 'utf8'))
      .data[0] as Record<string, unknown>;
    const cookie = fake.newSession(['8107004']);
    fake.merchants.push({
      uid: '8107004',
      name: 'Real rows',
      rawRows: [
        real,
        // Kaspi's own variants of the same row: no per-city price for the store's city, only minPrice …
        { ...real, sku: 'MIN-ONLY', allCityPrices: { '151010000': { price: 640, oldPrice: null } }, minPrice: 640, maxPrice: 670 },
        // … nothing at all, no product id, no sku, a price below Kaspi's minimum.
        { ...real, sku: 'NO-PRICE', allCityPrices: null, minPrice: 0, maxPrice: 0 },
        { ...real, sku: 'NO-PRODUCT', masterSku: null, shopLink: null },
        { ...real, sku: null },
        { ...real, sku: 'TOO-CHEAP', allCityPrices: { '710000000': { price: 5, oldPrice: null } } },
      ],
    });
    const store = await addStore(handle.db, key, { merchantId: '8107004', name: 'Real rows', cityId: '710000000', session: cookie });
    await upsertProducts(handle.db, store.id, [
      {
        sku: '113744482_000573024',
        productId: '113744482',
        name: 'Вилка',
        price: 600,
        minPrice: 500,
        maxPrice: 900,
        step: 1,
        strategy: 'undercut',
        topN: null,
      },
    ]);
    const list = await listCabinetOffers(mc, cookie, '8107004', 'renew', store.city_id);
    const result = await importCabinetOffers(handle.db, store, list);
    expect(result.offers).toBe(6);
    expect(result.imported).toBe(1);
    expect(result.updated).toEqual([{ sku: '113744482_000573024', from: 600, to: 670 }]);
    expect(result.skipped).toEqual([
      { sku: 'NO-PRICE', reason: expect.stringMatching(/^no price: none for city 710000000 in allCityPrices/) },
      { sku: 'NO-PRODUCT', reason: expect.stringMatching(/^no Kaspi product id/) },
      { sku: 'offerId 6819dc2b458ec52b080c118e', reason: 'no sku' },
      { sku: 'TOO-CHEAP', reason: "allCityPrices 5 is below Kaspi's minimum of 10 tenge" },
    ]);
    const rows = await listProducts(handle.db, { storeId: store.id });
    expect(rows.map((r) => [r.sku, r.product_id, r.price, r.min_price, r.strategy])).toEqual([
      ['113744482_000573024', '113744482', '670', '500', 'undercut'],
      ['MIN-ONLY', '113744482', '640', '640', 'hold'],
    ]);
  });

  it('set validates min ≤ max against stored values; enable/disable by filter', async () => {
    const store = (await findStore(handle.db, '30067228'))!;
    await expect(setProducts(handle.db, store.id, ['P1'], { min: '2000' })).rejects.toMatchObject({ code: 'DEMPER_MIN_ABOVE_MAX' });
    await expect(setProducts(handle.db, store.id, ['P1'], { min: '9' })).rejects.toMatchObject({ code: 'DEMPER_BAD_PRICE' });
    await expect(setProducts(handle.db, store.id, ['NOPE'], { min: '20' })).rejects.toMatchObject({ code: 'DEMPER_UNKNOWN_SKU' });
    expect(await setProducts(handle.db, store.id, ['P1', 'P2'], { min: '100', max: '5000', step: '3', strategy: 'top-4' })).toBe(2);
    const [p1] = await listProducts(handle.db, { storeId: store.id, skus: ['P1'] });
    expect(p1).toMatchObject({ min_price: '100', max_price: '5000', step: '3', strategy: 'top-n', top_n: 4 });
    // Every cabinet import but T5 (set to undercut above) and the file's P4 are `hold`.
    expect(await toggleProducts(handle.db, { storeId: store.id, strategy: 'hold' }, false)).toBe(130);
    expect(await listProducts(handle.db, { storeId: store.id, enabled: true })).toHaveLength(5);
  });
});
