// Repricer alerts through the notification engine, on the fake merchant cabinet: a product held at its
// floor, a competitor below a held price, a 429 pause, a refused cabinet session — each written in the
// run's transaction and sent once, however many runs (cron, the daemon) repeat the same situation; a
// session that fails again after it worked is a new incident.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { createOffersClient, kaspiOffersFetcher } from '../../src/demper/offers-source.js';
import { importProductsFile } from '../../src/demper/products.service.js';
import { type RunOptions, runRepricing } from '../../src/demper/run.service.js';
import { type FakeKaspiMc, startFakeKaspiMc } from '../../src/fakes/fake-kaspi-mc.js';
import { type FakeTelegram, startFakeTelegram } from '../../src/fakes/fake-telegram.js';
import type { HttpClient } from '../../src/http/client.js';
import { createMcClient } from '../../src/kaspi/merchant/mc-client.js';
import { findStore } from '../../src/kaspi/merchant/stores.repository.js';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { deliverPending } from '../../src/notify/deliver.service.js';
import { listKaspiEvents } from '../../src/notify/kaspi-events.repository.js';
import { KASPI_NOTIFY_TYPES } from '../../src/notify/types.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { secretKey, telegramFor } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/demper/${name}`, import.meta.url));
const key = randomBytes(32);

/** The write pacer's clock: sleeping moves it on at once (no real waiting between writes). */
function virtualClock() {
  let t = 1_000_000;
  return {
    clock: () => t,
    sleep: async (ms: number) => {
      t += Math.max(1, Math.ceil(ms));
    },
  };
}

describe('repricer alerts: floor, lost first place, 429 pause, refused session — each once', () => {
  let h: TestDatabase;
  let fake: FakeKaspiMc;
  let tg: FakeTelegram;
  let offersClient: HttpClient;
  let mc: HttpClient;
  let exportDir: string;
  let storeId: string;
  // One virtual clock for the write pacer and the fake cabinet's burst window.
  const writeClock = virtualClock();
  const deliver = () => deliverPending(h.db, { now: () => new Date(), secretKey, telegram: telegramFor(tg) });
  const titles = () => tg.sentTo('8001').map((m) => m.text.split('\n')[0]!.replace(/<\/?b>/g, ''));
  const run = async (rules: RunOptions['rules'] = {}) => {
    const store = (await findStore(h.db, 'M1'))!;
    const options: RunOptions = { stores: [store], rules, concurrency: 4, now: new Date(), apply: true, via: 'api', writeRate: 1.5, exportDir };
    const report = await runRepricing(h.db, { offers: kaspiOffersFetcher(offersClient), mc, key, ...writeClock }, options);
    await deliver();
    await deliver();
    return report;
  };

  beforeAll(async () => {
    h = await createTestDatabase();
    tg = await startFakeTelegram();
    fake = await startFakeKaspiMc({
      merchants: [{ uid: 'M1', name: 'My Shop' }],
      offers: {
        // P1 (min 800): a rival at 700 holds us at the floor.
        '100001': [
          { merchantId: 'M1', price: 1000 },
          { merchantId: 'A', merchantName: 'Alpha', price: 700 },
        ],
        '100002': [
          { merchantId: 'M1', price: 500 },
          { merchantId: 'A', merchantName: 'Alpha', price: 480 },
        ],
        '100003': [
          { merchantId: 'M1', price: 2000 },
          { merchantId: 'B', merchantName: 'Beta', price: 1950 },
          { merchantId: 'C', merchantName: 'Gamma', price: 1990 },
        ],
        // P3 holds second place (top-2): a rival below it is no alert.
        '100004': [{ merchantId: 'M1', price: 300 }],
      },
    });
    fake.clock = writeClock.clock;
    fake.productOf = { P1: '100001', P2: '100002', P3: '100003', P4: '100004', R1: '100010' };
    const config = resolveConfig({ home: mkdtempSync(join(tmpdir(), 'mp-alerts-')) }, { MP_KASPI_URL: fake.url });
    offersClient = createOffersClient(config, 0);
    mc = createMcClient(fake.url);
    exportDir = mkdtempSync(join(tmpdir(), 'mp-alerts-export-'));
    const store = await addStore(h.db, key, { merchantId: 'M1', name: 'My Shop', session: fake.newSession(['M1']) });
    storeId = store.id;
    await importProductsFile(h.db, store, fixture('products.csv'));
    await h.db
      .insertInto('notify_recipients')
      .values({ kaspi_store_id: storeId, channel: 'telegram', chat_id: '8001', types: [...KASPI_NOTIFY_TYPES], group_threshold: 0 })
      .execute();
  });
  afterEach(() => {
    fake?.verify();
    tg?.verify();
  });
  afterAll(async () => {
    await offersClient?.close();
    await mc?.close();
    await fake?.stop();
    await tg?.stop();
    await h?.close();
  });

  it('a product at its floor, and a rival below a capped move: one message each over repeated runs', { timeout: 60_000 }, async () => {
    await run();
    await run();
    await run();
    expect(titles()).toEqual(['📉 Цена на минимуме']);
    const floor = tg.sentTo('8001')[0]!.text;
    expect(floor).toContain('P1');
    expect(floor).toContain('Alpha');
    // P2 (match) at 480, the rival drops to 460 and the move is capped at 5 tenge a run: first place is
    // lost (one message); the next capped runs close in on it without another.
    fake.offers['100002'] = [
      { merchantId: 'M1', price: 480 },
      { merchantId: 'A', merchantName: 'Alpha', price: 460 },
    ];
    const capped = await run({ maxChangeAbs: 5 });
    expect(capped.items.find((i) => i.product.sku === 'P2')).toMatchObject({ mode: 'applied', decision: { newPrice: 475, capped: true } });
    fake.offers['100002'] = [
      { merchantId: 'M1', price: 475 },
      { merchantId: 'A', merchantName: 'Alpha', price: 460 },
    ];
    await run({ maxChangeAbs: 5 });
    expect(titles()).toEqual(['📉 Цена на минимуме', '🥈 Потеряно первое место']);
    expect(tg.sentTo('8001')[1]!.text).toContain('P2');
  });

  it('a 429 pause is one message; the runs that find the store paused add none', { timeout: 60_000 }, async () => {
    const before = titles().length;
    // P2 moves (match 480 → 470): the write is answered 429.
    fake.offers['100002'] = [
      { merchantId: 'M1', price: 480 },
      { merchantId: 'A', merchantName: 'Alpha', price: 470 },
    ];
    fake.server.fault('/pricefeed/upload/merchant/process', { status: 429, body: { error: 'Too many requests' } }, 'POST');
    const first = await run();
    expect(first.stores[0]!.note).toMatch(/429/);
    await run();
    expect(titles().slice(before)).toEqual(['⏳ Обновление цен приостановлено']);
    await h.db.updateTable('kaspi_stores').set({ paused_until: null }).execute();
  });

  it('a refused session is one alert per incident: none while it keeps failing, a new one after it worked', { timeout: 60_000 }, async () => {
    const before = titles().length;
    await addStore(h.db, key, { merchantId: 'M1', name: 'My Shop', session: 'mc-session=gone; mc-sid=gone' });
    fake.offers['100002'] = [
      { merchantId: 'M1', price: 480 },
      { merchantId: 'A', merchantName: 'Alpha', price: 460 },
    ];
    await run();
    await run();
    expect(titles().slice(before)).toEqual(['🔒 Доступ отклонён']);
    expect(tg.sentTo('8001').at(-1)!.text).toContain('mp demper store add --merchant-id M1');
    // A new session: the write goes through and the incident closes; the next expiry is news again.
    await addStore(h.db, key, { merchantId: 'M1', name: 'My Shop', session: fake.newSession(['M1']) });
    fake.offers['100002'] = [
      { merchantId: 'M1', price: 480 },
      { merchantId: 'A', merchantName: 'Alpha', price: 450 },
    ];
    const ok = await run();
    expect(ok.items.some((i) => i.mode === 'applied')).toBe(true);
    await addStore(h.db, key, { merchantId: 'M1', name: 'My Shop', session: 'mc-session=gone2; mc-sid=gone2' });
    fake.offers['100002'] = [
      { merchantId: 'M1', price: 449 },
      { merchantId: 'A', merchantName: 'Alpha', price: 440 },
    ];
    await run();
    await run();
    expect(titles().slice(before)).toEqual(['🔒 Доступ отклонён', '🔒 Доступ отклонён']);
    const types = (await listKaspiEvents(h.db, storeId)).map((e) => e.type);
    expect(types.filter((t) => t === 'access_refused')).toHaveLength(2);
  });
});
