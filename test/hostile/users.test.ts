// Issue 23, defect 5: MP_USER did not scope commands: any user listed, synced and removed anyone's
// cabinets. Now every command that reads or changes a WB cabinet, a Kaspi store or a notification
// recipient sees only its user's (and those from before users); another user's is "not found".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { openDatabase } from '../../src/db/connect.js';
import { listProducts } from '../../src/demper/products.repository.js';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';
import { addStore, removeStore, resolveStore, selectStores, storeIdsFor } from '../../src/kaspi/merchant/stores.service.js';
import { addRecipient, recipientsOf, removeRecipient, settingsTarget } from '../../src/notify/recipient.service.js';
import { addCabinet, cabinetsFor, listCabinetRows, removeCabinet } from '../../src/wb/cabinet.service.js';
import { syncWb } from '../../src/wb/sync.service.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { TestClock, wbDeps } from '../wb/helpers.js';

describe('defect 5: MP_USER scopes cabinets, stores and recipients', () => {
  let h: TestDatabase;
  let wb: FakeWb;
  const clock = new TestClock(new Date());
  const key = Buffer.alloc(32, 3);

  beforeAll(async () => {
    h = await createTestDatabase();
    wb = await startFakeWb({ orders: 3, sales: 0, products: 2, reviews: 0 });
    await addCabinet({ ...wbDeps(h, wb, clock), userName: 'alice' }, wb.token, 'alice-cab');
  });
  afterEach(() => wb?.verify());
  afterAll(async () => {
    await wb?.server.stop();
    await h?.close();
  });

  it("bob cannot see, sync or remove alice's cabinet: it is not found", async () => {
    expect((await listCabinetRows(h.db, 'alice')).map((c) => c.name)).toEqual(['alice-cab']);
    expect(await listCabinetRows(h.db, 'bob')).toEqual([]);
    await expect(cabinetsFor(h.db, 'alice-cab', 'bob')).rejects.toMatchObject({ code: 'WB_CABINET_NOT_FOUND' });
    await expect(cabinetsFor(h.db, undefined, 'bob')).rejects.toMatchObject({ code: 'WB_NO_CABINET' });
    await expect(removeCabinet(h.db, 'alice-cab', 'bob')).rejects.toMatchObject({ code: 'WB_CABINET_NOT_FOUND' });
    await expect(syncWb({ ...wbDeps(h, wb, clock), user: 'bob' }, { only: ['cards'] })).rejects.toMatchObject({ code: 'WB_NO_CABINET' });
    // Jobs and the daemon act for every user.
    expect((await cabinetsFor(h.db)).map((c) => c.name)).toEqual(['alice-cab']);
    expect(await h.db.selectFrom('wb_cabinets').select('name').execute()).toEqual([{ name: 'alice-cab' }]);
  });

  it('bob adding the same token shares the cabinet; removing it then only detaches bob', async () => {
    await addCabinet({ ...wbDeps(h, wb, clock), userName: 'bob' }, wb.token);
    expect((await listCabinetRows(h.db, 'bob')).map((c) => [c.name, c.users])).toEqual([['alice-cab', ['alice', 'bob']]]);
    const removed = await removeCabinet(h.db, 'alice-cab', 'bob');
    expect(removed.detached).toBe(true);
    expect(await listCabinetRows(h.db, 'bob')).toEqual([]);
    expect((await listCabinetRows(h.db, 'alice')).map((c) => c.users)).toEqual([['alice']]);
  });

  it("recipients follow their cabinet: bob cannot add to, list, change or remove alice's", async () => {
    await expect(addRecipient(h.db, key, { cabinet: 'alice-cab', telegramChat: '777', user: 'bob' })).rejects.toMatchObject({ code: 'WB_CABINET_NOT_FOUND' });
    const r = await addRecipient(h.db, key, { cabinet: 'alice-cab', telegramChat: '777', user: 'alice' });
    expect((await recipientsOf(h.db, undefined, 'alice')).map((x) => x.id)).toEqual([r.id]);
    expect(await recipientsOf(h.db, undefined, 'bob')).toEqual([]);
    await expect(settingsTarget(h.db, r.id, 'bob')).rejects.toMatchObject({ code: 'NOTIFY_RECIPIENT_NOT_FOUND' });
    await expect(settingsTarget(h.db, undefined, 'bob')).rejects.toMatchObject({ code: 'NOTIFY_NO_RECIPIENT' });
    await expect(removeRecipient(h.db, r.id, 'bob')).rejects.toMatchObject({ code: 'NOTIFY_RECIPIENT_NOT_FOUND' });
    expect((await recipientsOf(h.db)).map((x) => x.id)).toEqual([r.id]);
  });

  it("stores: bob cannot see alice's, nor take it over by its public merchant id; with its session he shares it", async () => {
    const store = await addStore(h.db, key, { merchantId: '30077001', name: 'alice-shop', session: 'mc-session=a; mc-sid=b', user: 'alice' });
    await h.db
      .insertInto('demper_products')
      .values({ store_id: store.id, sku: 'A-1', product_id: '101', min_price: '100', max_price: '200' } as never)
      .execute();
    await expect(resolveStore(h.db, '30077001', 'bob')).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    expect(await selectStores(h.db, undefined, 'bob')).toEqual([]);
    expect(await listProducts(h.db, { storeIds: await storeIdsFor(h.db, undefined, 'bob') })).toEqual([]);
    expect((await listProducts(h.db, { storeIds: await storeIdsFor(h.db, undefined, 'alice') })).map((p) => p.sku)).toEqual(['A-1']);
    await expect(removeStore(h.db, 'alice-shop', 'bob')).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    await expect(addStore(h.db, key, { merchantId: '30077001', name: 'mine now', user: 'bob' })).rejects.toMatchObject({ code: 'STORE_EXISTS' });
    await addStore(h.db, key, { merchantId: '30077001', name: 'alice-shop', session: 'mc-session=c; mc-sid=d', user: 'bob' });
    expect((await selectStores(h.db, undefined, 'bob')).map((s) => s.merchant_id)).toEqual(['30077001']);
    expect((await removeStore(h.db, '30077001', 'bob')).detached).toBe(true);
    expect((await selectStores(h.db, undefined, 'alice')).map((s) => s.merchant_id)).toEqual(['30077001']);
  });
});

describe('defect 5 on the command line: mp reads MP_USER', () => {
  let home: string;
  let pg: TestDatabase | undefined;
  let env: Record<string, string>;
  let wb: FakeWb;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mp-users-'));
    wb = await startFakeWb({ orders: 3, sales: 0, products: 2, reviews: 0 });
    env = { MP_HOME: home, MP_SECRET_KEY: 'b'.repeat(64), MP_WB_URL: wb.url };
    if (testEngine === 'postgres') {
      pg = await createTestDatabase();
      env.DATABASE_URL = pg.url!;
    }
    const handle = await openDatabase(resolveConfig({}, env));
    try {
      const deps = { ...wbDeps({ ...handle } as TestDatabase, wb, new TestClock(new Date())), secretKey: Buffer.from('b'.repeat(64), 'hex') };
      await addCabinet({ ...deps, userName: 'alice' }, wb.token, 'alice-cab');
    } finally {
      await handle.close();
    }
  }, 60_000);
  afterEach(() => wb?.verify());
  afterAll(async () => {
    await wb?.server.stop();
    await pg?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('MP_USER=bob lists no cabinet and cannot remove alice-cab (exit 1, not found); MP_USER=alice sees it', async () => {
    const bobList = await runMp(['--json', 'wb', 'cabinet', 'list'], { env: { ...env, MP_USER: 'bob' } });
    expect(bobList.code, bobList.stderr).toBe(0);
    expect(JSON.parse(bobList.stdout)).toEqual([]);
    const bobRemove = await runMp(['wb', 'cabinet', 'remove', 'alice-cab'], { env: { ...env, MP_USER: 'bob' } });
    expect(bobRemove.code).toBe(1);
    expect(bobRemove.stderr).toMatch(/no Wildberries cabinet/);
    const aliceList = await runMp(['--json', 'wb', 'cabinet', 'list'], { env: { ...env, MP_USER: 'alice' } });
    expect(JSON.parse(aliceList.stdout).map((c: { name: string }) => c.name)).toEqual(['alice-cab']);
  });
});
