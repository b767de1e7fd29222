// Scrape alerts for the stores that reprice a product: a product failing 3 scrapes in a row is one
// alert (not one per failing run, and again only after a success and 3 more failures); a page that
// changed layout is one alert per distinct change. Products no store reprices alert nobody.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaspi, KASPI_IDS, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import type { HttpClient } from '../../src/http/client.js';
import { createKaspiClient } from '../../src/kaspi/kaspi.client.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { type ScrapeDeps, scrapeProduct } from '../../src/kaspi/scrape.service.js';
import { listKaspiEvents } from '../../src/notify/kaspi-events.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const ALMATY = '750000000';

describe('scrape alerts: failing 3 runs in a row, layout changed — once each', () => {
  let h: TestDatabase;
  let kaspi: FakeKaspi;
  let client: HttpClient;
  let deps: ScrapeDeps;
  let storeId: string;
  let clock = new Date('2026-11-21T10:00:00Z');
  const id = KASPI_IDS.phone;
  const scrape = (product = id) => {
    clock = new Date(clock.getTime() + 3_600_000);
    return scrapeProduct(deps, { input: product, id: product, city: ALMATY });
  };
  const blocked = () => kaspi.fault('/yml/offer-view/offers/:id', { status: 403, body: { error: 'forbidden' } }, 'POST');
  const types = async () => (await listKaspiEvents(h.db, storeId)).map((e) => e.type);

  beforeAll(async () => {
    h = await createTestDatabase();
    kaspi = await startFakeKaspi();
    client = createKaspiClient(kaspi.url, { rateLimit: null, retries: 1 });
    deps = { db: h.db, client, baseUrl: kaspi.url, now: () => clock };
    storeId = (await addStore(h.db, randomBytes(32), { merchantId: 'S1', name: 'Scrape Shop' })).id;
    await h.db
      .insertInto('demper_products')
      .values({ store_id: storeId, sku: 'PHONE-1', product_id: id, name: 'iPhone 15', min_price: '100000', max_price: '900000' })
      .execute();
  });
  afterEach(() => kaspi?.verify());
  afterAll(async () => {
    await client?.close();
    await kaspi?.stop();
    await h?.close();
  });

  it('3 failures in a row are one alert; more failures add none; after a success, 3 more are one more', async () => {
    expect((await scrape()).ok).toBe(true);
    for (let run = 0; run < 2; run++) {
      blocked();
      expect(await scrape()).toMatchObject({ ok: false, code: 'KASPI_BLOCKED' });
    }
    expect(await types()).toEqual([]);
    for (let run = 0; run < 3; run++) {
      blocked();
      await scrape();
    }
    const events = await listKaspiEvents(h.db, storeId);
    expect(events.map((e) => e.type)).toEqual(['scrape_failing']);
    expect(events[0]!.payload).toMatchObject({ productId: id, name: 'iPhone 15', runs: 3, code: 'KASPI_BLOCKED' });
    expect((await scrape()).ok).toBe(true);
    for (let run = 0; run < 3; run++) {
      blocked();
      await scrape();
    }
    expect(await types()).toEqual(['scrape_failing', 'scrape_failing']);
    // Another product, which no store reprices, fails as often: nobody is told.
    for (let run = 0; run < 3; run++) {
      blocked();
      await scrape(KASPI_IDS.single);
    }
    expect(await types()).toEqual(['scrape_failing', 'scrape_failing']);
  });

  it('a page that lost its layout is one alert, however many scrapes see the same change', async () => {
    const empty = { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body><div id="app">Загрузка…</div></body></html>' };
    for (let run = 0; run < 2; run++) {
      kaspi.fault('/shop/p/:slug', empty);
      expect(await scrape()).toMatchObject({ ok: false, code: 'KASPI_LAYOUT_CHANGED' });
    }
    const layout = (await listKaspiEvents(h.db, storeId)).filter((e) => e.type === 'layout_changed');
    expect(layout).toHaveLength(1);
    expect(layout[0]!.payload).toMatchObject({ productId: id, name: 'iPhone 15' });
  });
});
