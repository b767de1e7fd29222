// `mp wb cabinet token`: a cabinet gets a new token in place, and keeps every order, its history,
// its cursors and its events (removing and re-adding the cabinet would have deleted them).
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWb, makeWbToken, startFakeWb } from '../../src/fakes/fake-wb.js';
import { updateCabinet } from '../../src/wb/cabinet.repository.js';
import { replaceCabinetToken } from '../../src/wb/cabinet.service.js';
import { listEvents } from '../../src/wb/event.repository.js';
import { decodeWbToken } from '../../src/wb/token.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addFakeCabinet, sync, TestClock, wbDeps } from './helpers.js';

describe('mp wb cabinet token: a new token for a cabinet, in place', () => {
  let handle: TestDatabase;
  let wb: FakeWb;
  const clock = new TestClock(new Date('2026-11-20T12:00:00Z'));

  beforeAll(async () => {
    handle = await createTestDatabase();
    wb = await startFakeWb({ orders: 300, sales: 50, from: new Date('2026-11-10T00:00:00Z'), products: 4, reviews: 5 });
  });
  afterEach(() => wb?.verify());
  afterAll(async () => {
    await wb?.server.stop();
    await handle?.close();
  });

  const orderCount = async (cabinetId: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from wb_orders where cabinet_id = ${cabinetId}`.execute(handle.db)).rows[0]!.n);

  it('keeps the cabinet id, every order and the cursors; the next sync goes on from where it was', async () => {
    const deps = wbDeps(handle, wb, clock);
    const { cabinet } = await addFakeCabinet(deps, wb.token);
    await sync(deps, { only: ['orders'] });
    expect(await orderCount(cabinet.id)).toBe(300);
    const cursorBefore = await handle.db
      .selectFrom('wb_sync_state')
      .selectAll()
      .where('cabinet_id', '=', cabinet.id)
      .where('stream', '=', 'orders')
      .executeTakeFirstOrThrow();
    // The old token was refused meanwhile (the cabinet is marked unauthorized).
    await updateCabinet(handle.db, cabinet.id, { status: 'unauthorized', status_detail: 'Wildberries rejected the token (401)' });

    const expiresAt = new Date('2027-06-01T00:00:00Z');
    const fresh = makeWbToken({ expiresAt });
    const result = await replaceCabinetToken(deps, cabinet.name, fresh);
    expect(result.cabinet.id).toBe(cabinet.id);
    expect(result.cabinet.token_hash).not.toBe(cabinet.token_hash);
    expect(result.cabinet.token_expires_at?.toISOString()).toBe(decodeWbToken(fresh).expiresAt?.toISOString());
    expect(result.cabinet.status).toBe('active');
    expect(result.cabinet.status_detail).toBeNull();
    expect(await orderCount(cabinet.id)).toBe(300);
    const cursorAfter = await handle.db
      .selectFrom('wb_sync_state')
      .selectAll()
      .where('cabinet_id', '=', cabinet.id)
      .where('stream', '=', 'orders')
      .executeTakeFirstOrThrow();
    expect(cursorAfter.cursor).toEqual(cursorBefore.cursor);

    // The next sync is incremental with the new token: 5 new orders, all 305 under the same cabinet.
    wb.ordersCount += 5;
    clock.advance(120_000);
    const [outcome] = await sync(deps, { only: ['orders'] });
    expect(outcome).toMatchObject({ status: 'ok', initial: false, rowsNew: 5 });
    const auth = wb.server.requestsTo('/api/v1/supplier/orders').at(-1)!.headers.authorization;
    expect(String(auth)).toContain(fresh);
    expect(await orderCount(cabinet.id)).toBe(305);
    expect((await listEvents(handle.db, cabinet.id)).filter((e) => e.type === 'new_order')).toHaveLength(5);
    expect(await handle.db.selectFrom('wb_cabinets').select('id').execute()).toEqual([{ id: cabinet.id }]);
  });

  it("refuses another seller's token, an expired token and another cabinet's token, changing nothing", async () => {
    const deps = wbDeps(handle, wb, clock);
    const before = await handle.db.selectFrom('wb_cabinets').selectAll().executeTakeFirstOrThrow();
    await expect(replaceCabinetToken(deps, before.name, makeWbToken({ sid: 'another-seller-0000' }))).rejects.toMatchObject({ code: 'WB_TOKEN_OTHER_SELLER' });
    await expect(replaceCabinetToken(deps, before.name, makeWbToken({ expiresAt: new Date('2026-11-01T00:00:00Z') }))).rejects.toMatchObject({
      code: 'WB_TOKEN_EXPIRED',
      exitCode: 4,
    });
    const { cabinet: second } = await addFakeCabinet(deps, makeWbToken({ sid: 'another-seller-0000' }));
    await expect(replaceCabinetToken(deps, second.id, makeWbToken({ expiresAt: new Date('2027-06-01T00:00:00Z') }))).rejects.toMatchObject({
      code: 'WB_TOKEN_IN_USE',
    });
    await expect(replaceCabinetToken(deps, 'no such cabinet', makeWbToken())).rejects.toMatchObject({ code: 'WB_CABINET_NOT_FOUND' });
    const after = await handle.db.selectFrom('wb_cabinets').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow();
    expect(after.token_hash).toBe(before.token_hash);
    expect(await orderCount(before.id)).toBe(305);
  });
});
