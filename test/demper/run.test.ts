// Plan and run against the fake merchant cabinet and offers server, on a real migrated database.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { createOffersClient, kaspiOffersFetcher } from '../../src/demper/offers-source.js';
import { planRecord, planRepricing } from '../../src/demper/plan.service.js';
import { priceChangesOfRun } from '../../src/demper/price-changes.repository.js';
import { listProducts } from '../../src/demper/products.repository.js';
import { importProductsFile } from '../../src/demper/products.service.js';
import { type RunOptions, runRepricing } from '../../src/demper/run.service.js';
import { merchantWriteLock } from '../../src/demper/write-lock.js';
import { type FakeKaspiMc, startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import type { HttpClient } from '../../src/http/client.js';
import { createMcClient, pushPrice } from '../../src/kaspi/merchant/mc-client.js';
import { findStore } from '../../src/kaspi/merchant/stores.repository.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { upsertPreorders } from '../../src/preorders/preorders.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/demper/${name}`, import.meta.url));
const NOW = new Date('2026-11-21T12:00:00Z');
const key = randomBytes(32);

let handle: TestDatabase;
let fake: FakeKaspiMc;
let offersClient: HttpClient;
let mc: HttpClient;
let exportDir: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  fake = await startFakeKaspiMc({
    merchants: [{ uid: 'M1', name: 'My Shop' }],
    offers: {
      '100001': [
        { merchantId: 'M1', price: 1000 },
        { merchantId: 'A', merchantName: 'Alpha', price: 990 },
        { merchantId: 'B', price: 995 },
      ],
      '100002': [
        { merchantId: 'M1', price: 500 },
        { merchantId: 'A', merchantName: 'Alpha', price: 480 },
      ],
      '100003': [
        { merchantId: 'M1', price: 2000 },
        { merchantId: 'A', price: 1950 },
        { merchantId: 'B', merchantName: 'Beta', price: 1990 },
        { merchantId: 'C', price: 2100 },
      ],
      '100004': [{ merchantId: 'A', price: 100 }],
    },
  });
  // The products of fixtures/demper/products.csv: a price write Kaspi takes shows up on their offers.
  fake.productOf = { P1: '100001', P2: '100002', P3: '100003', P4: '100004', R1: '100010' };
  const config = resolveConfig({ home: mkdtempSync(join(tmpdir(), 'mp-demper-')) }, { MP_KASPI_URL: fake.url });
  offersClient = createOffersClient(config, 0);
  mc = createMcClient(fake.url);
  exportDir = mkdtempSync(join(tmpdir(), 'mp-demper-export-'));
});

afterEach(() => fake?.verify());
afterAll(async () => {
  await offersClient?.close();
  await mc?.close();
  await fake?.stop();
  await handle?.close();
});

/** 1.5 writes per second. */
const INTERVAL = 1000 / 1.5;

/**
 * A virtual clock for the write pacer and the fake cabinet: sleeping advances it, and like Node's
 * whole-millisecond timers a sleep may end up to 1 ms early, so a pacer that trusts its timer
 * instead of re-reading the clock writes too soon. Pacing asserted on this clock does not depend on
 * how busy the machine is.
 */
function virtualClock() {
  let t = 1_000_000;
  return {
    clock: () => t,
    sleep: async (ms: number) => {
      const until = t + Math.max(1, Math.floor(ms));
      await new Promise((r) => setImmediate(r));
      t = Math.max(t, until);
    },
  };
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

/** Our price of a fixture product back to `price`, both stored and on Kaspi (as if nothing had moved it). */
async function resetPrice(sku: string, price: number) {
  await handle.db
    .updateTable('demper_products')
    .set({ price: String(price) })
    .where('sku', '=', sku)
    .execute();
  fake.applyPrice('M1', sku, price);
}

function options(stores: RunOptions['stores'], extra: Partial<RunOptions> = {}): RunOptions {
  return { stores, rules: {}, concurrency: 4, now: NOW, apply: false, via: 'api', writeRate: 1.5, exportDir, ...extra };
}

describe('demper plan and run', () => {
  it('plans per product with reasons, and --apply sends exactly the planned changes at ≤ 1.5/s', async () => {
    const store = await addStore(handle.db, key, { merchantId: 'M1', name: 'My Shop', session: fake.newSession(['M1']) });
    await importProductsFile(handle.db, store, fixture('products.csv'));
    const plan = await planRepricing(handle.db, kaspiOffersFetcher(offersClient), options([store]));
    const records = plan.map(planRecord).sort((a, b) => a.sku.localeCompare(b.sku));
    const both = (price: number) => ({ city: '750000000', price, stored_price: price, live_price: price });
    // No minimum margin anywhere: the floor is min_price, with no note.
    const floor = (min: number) => ({ floor: min, floor_note: null });
    expect(records).toEqual([
      { sku: 'P1', ...both(1000), competitor_price: 990, competitor: 'Alpha', new_price: 985, reason: 'UNDERCUT', ...floor(800) },
      { sku: 'P2', ...both(500), competitor_price: 480, competitor: 'Alpha', new_price: 480, reason: 'MATCH', ...floor(300) },
      { sku: 'P3', ...both(2000), competitor_price: 1990, competitor: 'Beta', new_price: 1980, reason: 'TOP_N', ...floor(1900) },
      // hold never asks Kaspi: the stored price is all it knows
      {
        sku: 'P4',
        city: '750000000',
        price: 300,
        stored_price: 300,
        live_price: null,
        competitor_price: null,
        competitor: null,
        new_price: 300,
        reason: 'HOLD',
        ...floor(250),
      },
    ]);
    // plan writes nothing
    expect(await handle.db.selectFrom('price_changes').selectAll().execute()).toEqual([]);

    const before = fake.updates.length;
    // The pacer and the fake cabinet share a virtual clock: the gaps below are the pacer's own spacing,
    // not the scheduling of a loaded machine (the fake would also answer 429 to a faster burst).
    const time = virtualClock();
    fake.clock = time.clock;
    const report = await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), mc, key, ...time }, options([store], { apply: true })).finally(
      () => {
        fake.clock = Date.now;
      },
    );
    const sent = fake.updates.slice(before).map((u) => ({ sku: u.sku, price: u.price }));
    const planned = records.filter((r) => r.new_price !== r.price).map((r) => ({ sku: r.sku, price: r.new_price }));
    expect(sent.sort((a, b) => a.sku.localeCompare(b.sku))).toEqual(planned);
    const spacing = gaps(fake.updates.slice(before).map((u) => u.at));
    expect(spacing).toHaveLength(2);
    for (const gap of spacing) expect(gap).toBeGreaterThanOrEqual(INTERVAL);
    expect(report.stores[0]).toMatchObject({ applied: 3, failed: 0, skipped: 0 });

    const rows = await priceChangesOfRun(handle.db, report.runId);
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.sku === 'P1')).toMatchObject({
      old_price: '1000',
      new_price: '985',
      competitor_price: '990.00',
      competitor_merchant: 'Alpha',
      reason: 'UNDERCUT',
      mode: 'applied',
      error: null,
    });
    expect(rows.find((r) => r.sku === 'P4')).toMatchObject({ mode: 'unchanged', reason: 'HOLD' });
    const products = await listProducts(handle.db, { storeId: store.id });
    expect(products.find((p) => p.sku === 'P1')).toMatchObject({ price: '985', last_reason: 'UNDERCUT' });

    // The next plan starts from the applied prices: nothing left to change for P1.
    const again = await planRepricing(handle.db, kaspiOffersFetcher(offersClient), options([(await findStore(handle.db, 'M1'))!]));
    expect(again.find((i) => i.product.sku === 'P1')?.decision).toMatchObject({ reason: 'AT_TARGET', change: false });
  });

  it('the same-city and delivery filters apply to the offers Kaspi returns', async () => {
    const store = await addStore(handle.db, key, { merchantId: 'M7', name: 'City Shop' });
    await handle.db
      .insertInto('demper_products')
      .values({ store_id: store.id, sku: 'C1', product_id: '100300', price: '1000', min_price: '500', max_price: '2000', step: '5' })
      .execute();
    fake.offers['100300'] = [
      { merchantId: 'M7', price: 1000 },
      { merchantId: 'FAR', merchantName: 'Far away', price: 800, deliveryOptions: { TO_DOOR: { interCity: true } } },
      { merchantId: 'SLOW', merchantName: 'Slow', price: 850, deliveryDuration: 'TILL_7_DAYS', deliveryOptions: { PICKUP: { interCity: false } } },
      { merchantId: 'NEAR', merchantName: 'Near', price: 950, deliveryDuration: 'TOMORROW', deliveryOptions: { PICKUP: { interCity: false } } },
    ];
    const plan = (rules: RunOptions['rules']) => planRepricing(handle.db, kaspiOffersFetcher(offersClient), options([store], { rules }));
    expect((await plan({}))[0]!.decision).toMatchObject({ competitor: 'Far away', newPrice: 795 });
    expect((await plan({ sameCityOnly: true }))[0]!.decision).toMatchObject({ competitor: 'Slow', newPrice: 845 });
    expect((await plan({ sameCityOnly: true, maxDeliveryDays: 3 }))[0]!.decision).toMatchObject({ competitor: 'Near', newPrice: 945 });
  });

  it('a dry run records dry-run rows and sends nothing', async () => {
    const store = (await findStore(handle.db, 'M1'))!;
    await resetPrice('P1', 1000);
    const before = fake.requestsTo('/pricefeed/upload/merchant/process').length;
    const report = await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), mc, key }, options([store]));
    expect(fake.requestsTo('/pricefeed/upload/merchant/process').length).toBe(before);
    const rows = await priceChangesOfRun(handle.db, report.runId);
    expect(rows.find((r) => r.sku === 'P1')).toMatchObject({ mode: 'dry-run', new_price: '985' });
  });

  it("our offer's live price on Kaspi wins over the stored one: a cabinet change or an update Kaspi dropped is corrected, shown and recorded", async () => {
    const store = await addStore(handle.db, key, { merchantId: 'M8', name: 'Live Shop', session: fake.newSession(['M8']) });
    await handle.db
      .insertInto('demper_products')
      .values({ store_id: store.id, sku: 'L1', product_id: '100020', price: '985', min_price: '500', max_price: '2000', step: '5' })
      .execute();
    fake.productOf.L1 = '100020';
    // mp sent 985 earlier; the seller has since put 1000 in the cabinet.
    fake.offers['100020'] = [
      { merchantId: 'M8', price: 1000 },
      { merchantId: 'A', merchantName: 'Alpha', price: 990 },
    ];
    const [planned] = await planRepricing(handle.db, kaspiOffersFetcher(offersClient), options([store]));
    expect(planRecord(planned!)).toMatchObject({ price: 1000, stored_price: 985, live_price: 1000, new_price: 985, reason: 'UNDERCUT' });
    expect(planned!.decision.change).toBe(true);

    const time = virtualClock();
    fake.clock = time.clock;
    const deps = () => ({ offers: kaspiOffersFetcher(offersClient), mc, key, ...time });
    const row = async (runId: string) => (await priceChangesOfRun(handle.db, runId))[0];
    try {
      // Kaspi answers 200 but its job drops the price: the next run still sees 1000 and corrects again.
      fake.dropWrites = true;
      const first = await runRepricing(handle.db, deps(), options([store], { apply: true }));
      expect(first.items[0]!.mode).toBe('applied');
      expect(await row(first.runId)).toMatchObject({ old_price: '985', live_price: '1000', new_price: '985', mode: 'applied' });
      const second = await runRepricing(handle.db, deps(), options([store], { apply: true }));
      expect(second.items[0]!.decision).toMatchObject({ reason: 'UNDERCUT', change: true, livePrice: 1000 });
      expect(second.items[0]!.mode).toBe('applied');
      fake.dropWrites = false;
      const third = await runRepricing(handle.db, deps(), options([store], { apply: true }));
      expect(third.items[0]!.mode).toBe('applied');
      // Kaspi took it: at target now, from the live price.
      const settled = await runRepricing(handle.db, deps(), options([store]));
      expect(settled.items[0]!.decision).toMatchObject({ reason: 'AT_TARGET', change: false, livePrice: 985 });
    } finally {
      fake.clock = Date.now;
      fake.dropWrites = false;
    }

    // A dry run records the price Kaspi shows as the stored price (and the row keeps both).
    fake.applyPrice('M8', 'L1', 1200);
    const dry = await runRepricing(handle.db, deps(), options([store]));
    expect(await row(dry.runId)).toMatchObject({ old_price: '985', live_price: '1200', new_price: '985', mode: 'dry-run' });
    expect((await listProducts(handle.db, { storeId: store.id }))[0]).toMatchObject({ price: '1200' });
  });

  it('a 429 pauses the merchant for 30 minutes, persisted, and the next run does not call it', async () => {
    const store = (await findStore(handle.db, 'M1'))!;
    await resetPrice('P1', 1000);
    await resetPrice('P2', 500);
    fake.server.fault('/pricefeed/upload/merchant/process', { status: 429, body: { error: 'Too many requests' } }, 'POST');
    const before = fake.requestsTo('/pricefeed/upload/merchant/process').length;
    const first = await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), mc, key }, options([store], { apply: true }));
    expect(fake.requestsTo('/pricefeed/upload/merchant/process').length).toBe(before + 1);
    expect(first.stores[0]!.note).toMatch(/429/);
    const paused = (await findStore(handle.db, 'M1'))!;
    expect(paused.paused_until?.getTime()).toBeGreaterThanOrEqual(Date.now() + 29 * 60_000);
    const rows = await priceChangesOfRun(handle.db, first.runId);
    expect(rows.filter((r) => r.mode === 'failed')).toHaveLength(1);
    expect(rows.filter((r) => r.mode === 'skipped').length).toBeGreaterThanOrEqual(1);

    const second = await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), mc, key }, options([paused], { apply: true }));
    expect(fake.requestsTo('/pricefeed/upload/merchant/process').length).toBe(before + 1);
    expect(second.stores[0]!.note).toMatch(/paused until/);
    await handle.db.updateTable('kaspi_stores').set({ paused_until: null }).execute();
  });

  it('an expired session fails the changes with the renew command', async () => {
    const store = await addStore(handle.db, key, { merchantId: 'M1', name: 'My Shop', session: 'mc-session=gone; mc-sid=gone' });
    await resetPrice('P1', 1000);
    const report = await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), mc, key }, options([store], { apply: true }));
    expect(report.stores[0]!.note).toContain('mp demper store add --merchant-id M1');
    expect((await findStore(handle.db, 'M1'))!.session_valid).toBe(false);
    await addStore(handle.db, key, { merchantId: 'M1', name: 'My Shop', session: fake.newSession(['M1']) });
  });

  it('--shard 0/2 and 1/2 cover every product exactly once', async () => {
    const store = await addStore(handle.db, key, { merchantId: 'M2', name: 'Shard Shop' });
    const values = Array.from({ length: 60 }, (_, i) => ({
      store_id: store.id,
      sku: `S${i}`,
      product_id: String(500000 + i),
      min_price: '10',
      max_price: '100',
      strategy: 'hold',
    }));
    await handle.db.insertInto('demper_products').values(values).execute();
    const fetcher = kaspiOffersFetcher(offersClient);
    const a = await planRepricing(handle.db, fetcher, options([store], { shard: { index: 0, count: 2 } }));
    const b = await planRepricing(handle.db, fetcher, options([store], { shard: { index: 1, count: 2 } }));
    const skus = [...a, ...b].map((i) => i.product.sku).sort();
    expect(a.length).toBeGreaterThan(10);
    expect(b.length).toBeGreaterThan(10);
    expect(skus).toEqual(values.map((v) => v.sku).sort());
    expect(new Set(skus).size).toBe(60);
  });

  it('--via xml writes the kaspi_catalog price list and refuses one that dropped > 20%', async () => {
    const store = (await findStore(handle.db, 'M1'))!;
    await resetPrice('P1', 1000);
    const calls = fake.requestsTo('/pricefeed/upload/merchant/process').length;
    // P2's points come from its preorder row: stock 5 at PP1 with 3 days of preorder, none at PP2, PP3 as yes.
    await upsertPreorders(handle.db, store.id, [{ sku: 'P2', model: 'Case', brand: '', price: 500, pp: ['5', 'no', 'yes', null, null], preorderDays: 3 }]);
    const report = await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), key }, options([store], { apply: true, via: 'xml' }));
    const path = report.stores[0]!.xml!;
    const xml = readFileSync(path, 'utf8');
    expect(xml).toMatch(
      /<offer sku="P2">\s*<model>[^<]*<\/model>\s*<brand><\/brand>\s*<availabilities>\s*<availability available="yes" storeId="PP1" preOrder="3" stockCount="5"\/>\s*<availability available="no" storeId="PP2"\/>\s*<availability available="yes" storeId="PP3" preOrder="3"\/>\s*<\/availabilities>/,
    );
    expect(report.stores[0]!.note).toMatch(/^3 of 4 offers have no preorder row naming their points.*available at PP1/);
    expect(xml).toMatch(/^<\?xml version='1.0' encoding='utf-8'\?>\n<kaspi_catalog date="2026-11-21T17:00:00\+05:00" xmlns="kaspiShopping"/);
    expect(xml).toContain('<merchantid>M1</merchantid>');
    expect(xml).toMatch(
      /<offer sku="P1">\s*<model>Phone, black<\/model>\s*<brand><\/brand>\s*<availabilities>\s*<availability available="yes" storeId="PP1"\/>\s*<\/availabilities>\s*<price>985<\/price>\s*<cityprices>\s*<cityprice cityId="750000000">985<\/cityprice>/,
    );
    expect(xml.match(/<offer /g)).toHaveLength(4);
    expect(fake.requestsTo('/pricefeed/upload/merchant/process')).toHaveLength(calls);

    // Two of four products lose their price (stored, and the one the list carried): 50% fewer offers than the previous list.
    const lost = await handle.db.selectFrom('demper_products').select('id').where('sku', 'in', ['P2', 'P4']).execute();
    await handle.db.updateTable('demper_products').set({ price: null }).where('sku', 'in', ['P2', 'P4']).execute();
    await handle.db
      .deleteFrom('demper_city_prices')
      .where(
        'demper_product_id',
        'in',
        lost.map((r) => r.id),
      )
      .execute();
    const refused = await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), key }, options([store], { apply: true, via: 'xml' }));
    expect(refused.stores[0]!.xml).toBeUndefined();
    expect(refused.stores[0]!.note).toMatch(/more than 20% dropped/);
    expect(readFileSync(path, 'utf8')).toBe(xml);
  });

  it("--via xml lists a product without a preorder row at the store's own points when they are known", async () => {
    const store = (await findStore(handle.db, 'M1'))!;
    await handle.db.updateTable('demper_products').set({ price: '500' }).where('price', 'is', null).execute();
    await handle.db
      .updateTable('kaspi_stores')
      .set({ points: ['PP1', 'PP4'] })
      .where('id', '=', store.id)
      .execute();
    const withPoints = { ...store, points: ['PP1', 'PP4'] };
    const report = await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), key }, options([withPoints], { apply: true, via: 'xml' }));
    const xml = readFileSync(report.stores[0]!.xml!, 'utf8');
    expect(xml).toMatch(
      /<offer sku="P1">\s*<model>[^<]*<\/model>\s*<brand><\/brand>\s*<availabilities>\s*<availability available="yes" storeId="PP1"\/>\s*<availability available="yes" storeId="PP4"\/>\s*<\/availabilities>/,
    );
    // P2 keeps what its preorder row says.
    expect(xml).toMatch(/<offer sku="P2">[\s\S]*?<availability available="no" storeId="PP2"\/>/);
    expect(report.stores[0]!.note).toMatch(/^3 of 4 offers have no preorder row naming their points.*available at the store's points \(PP1, PP4\)/);
    await handle.db.updateTable('kaspi_stores').set({ points: null }).where('id', '=', store.id).execute();
  });

  it('raises toward the next competitor, then holds raises within the cooldown', async () => {
    const store = await addStore(handle.db, key, { merchantId: 'M3', name: 'Raise Shop', session: fake.newSession(['M3']) });
    await handle.db
      .insertInto('demper_products')
      .values({ store_id: store.id, sku: 'R1', product_id: '100010', price: '900', min_price: '500', max_price: '2000', step: '5' })
      .execute();
    fake.offers['100010'] = [
      { merchantId: 'M3', price: 900 },
      { merchantId: 'A', price: 1100 },
    ];
    const deps = { offers: kaspiOffersFetcher(offersClient), mc, key };
    const first = await runRepricing(handle.db, deps, options([store], { apply: true, now: new Date() }));
    expect(first.items[0]!.decision).toMatchObject({ reason: 'RAISE_GAP', newPrice: 1095 });
    expect(first.items[0]!.mode).toBe('applied');
    const [r1] = await listProducts(handle.db, { storeId: store.id });
    expect(r1!.last_raised_at).not.toBeNull();

    fake.offers['100010'] = [{ merchantId: 'A', price: 1300 }];
    const calls = fake.requestsTo('/pricefeed/upload/merchant/process').length;
    const second = await runRepricing(handle.db, { ...deps, offers: kaspiOffersFetcher(offersClient) }, options([store], { apply: true, now: new Date() }));
    expect(second.items[0]!.decision).toMatchObject({ reason: 'RAISE_COOLDOWN', newPrice: 1095, change: false });
    expect(fake.requestsTo('/pricefeed/upload/merchant/process')).toHaveLength(calls);
    const later = await runRepricing(
      handle.db,
      { ...deps, offers: kaspiOffersFetcher(offersClient) },
      options([store], { now: new Date(Date.now() + 121 * 60_000) }),
    );
    expect(later.items[0]!.decision).toMatchObject({ reason: 'RAISE_GAP', newPrice: 1295 });
  });

  /** `count` products priced 1000 (floor 500, ceiling 2000), each with one competitor at 900. */
  async function productsUnderCut(storeId: string, skuPrefix: string, count: number, firstProductId: number) {
    const rows = Array.from({ length: count }, (_, i) => ({
      store_id: storeId,
      sku: `${skuPrefix}${i}`,
      product_id: String(firstProductId + i),
      price: '1000',
      min_price: '500',
      max_price: '2000',
      step: '1',
    }));
    await handle.db.insertInto('demper_products').values(rows).execute();
    for (const r of rows) fake.offers[r.product_id] = [{ merchantId: 'A', price: 900 }];
    return rows;
  }

  it('two shards running at once on one merchant share its write rate (≤ 1.5/s together)', async () => {
    const store = await addStore(handle.db, key, { merchantId: 'M4', name: 'Busy Shop', session: fake.newSession(['M4']) });
    await productsUnderCut(store.id, 'B', 6, 100100);
    // One virtual clock for both runs and the fake: without the shared lock (or if the holder let it
    // go before its last interval ran out) two writes would land less than an interval apart.
    const time = virtualClock();
    fake.clock = time.clock;
    const deps = { offers: kaspiOffersFetcher(offersClient), mc, key, writeLock: merchantWriteLock(handle, 50), ...time };
    const before = fake.updates.length;
    const [a, b] = await Promise.all([
      runRepricing(handle.db, deps, options([store], { apply: true, shard: { index: 0, count: 2 } })),
      runRepricing(handle.db, deps, options([store], { apply: true, shard: { index: 1, count: 2 } })),
    ]).finally(() => {
      fake.clock = Date.now;
    });
    expect(a.items.length + b.items.length).toBe(6);
    expect(a.items.length).toBeGreaterThan(0);
    expect(b.items.length).toBeGreaterThan(0);
    const times = fake.updates
      .slice(before)
      .map((u) => u.at)
      .sort((x, y) => x - y);
    expect(times).toHaveLength(6);
    for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(INTERVAL);
  });

  it('on the real clock, writes leave the client at least an interval apart', async () => {
    const store = await addStore(handle.db, key, { merchantId: 'M6', name: 'Clock Shop', session: fake.newSession(['M6']) });
    await productsUnderCut(store.id, 'T', 3, 100200);
    // Timed where the request is handed to the HTTP client, on the pacer's default clock
    // (performance.now), not where the in-process server happens to get round to it.
    const departures: number[] = [];
    const timed = Object.create(mc) as HttpClient;
    timed.request = ((req: Parameters<HttpClient['request']>[0]) => {
      if (req.path === '/pricefeed/upload/merchant/process') departures.push(performance.now());
      return mc.request(req);
    }) as HttpClient['request'];
    const report = await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), mc: timed, key }, options([store], { apply: true }));
    expect(report.stores[0]).toMatchObject({ applied: 3, failed: 0 });
    expect(departures).toHaveLength(3);
    // The pacer reads the same clock just before the call: only a few synchronous statements apart.
    for (const gap of gaps(departures)) expect(gap).toBeGreaterThanOrEqual(INTERVAL - 5);
  });

  it('an anti-bot HTML page instead of offers is UNKNOWN: recorded with the reason, nothing sent', async () => {
    const store = (await findStore(handle.db, 'M1'))!;
    await resetPrice('P1', 1000);
    fake.server.fault(
      '/yml/offer-view/offers/100001',
      { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>captcha</html>', times: 10 },
      'POST',
    );
    const calls = fake.requestsTo('/pricefeed/upload/merchant/process').length;
    const report = await runRepricing(handle.db, { offers: kaspiOffersFetcher(offersClient), mc, key }, options([store], { apply: true }));
    fake.server.clearFaults();
    const p1 = report.items.find((i) => i.product.sku === 'P1')!;
    expect(p1.decision).toMatchObject({ reason: 'UNKNOWN', newPrice: null, change: false });
    expect(p1.error).toMatch(/HTML|blocked|captcha/i);
    const sent = fake.requestsTo('/pricefeed/upload/merchant/process').slice(calls);
    expect(sent.some((r) => r.body.includes('"sku":"P1"'))).toBe(false);
    const row = (await priceChangesOfRun(handle.db, report.runId)).find((r) => r.sku === 'P1');
    expect(row).toMatchObject({ reason: 'UNKNOWN', mode: 'unchanged', new_price: null });
    expect(row!.error).toBeTruthy();
  });

  it('the fake cabinet answers 429 to a burst, as Kaspi does above ~2 writes/s', async () => {
    const cookie = fake.newSession(['M5']);
    const update = { merchantUid: 'M5', sku: 'Z', model: 'z', brand: '', price: 100, cityId: '750000000' };
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await pushPrice(mc, cookie, update));
    expect(results.map((r) => r.kind)).toEqual(['ok', 'ok', 'rate-limited']);
  });
});
