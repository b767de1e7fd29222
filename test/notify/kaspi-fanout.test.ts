// Fan-out of kaspi_events: a Kaspi store's recipients get its events once each (a WB cabinet's
// recipients and other stores' get nothing), after their types, grouping and quiet hours.
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addStore } from '../../src/kaspi/merchant/stores.service.js';
import { fanOut } from '../../src/notify/fanout.service.js';
import { insertKaspiEvents, type NewKaspiEvent } from '../../src/notify/kaspi-events.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addCabinet, addChat, outboxRows, secretKey } from './helpers.js';

describe('fan-out of kaspi_events', () => {
  let h: TestDatabase;
  let store: string;
  let other: string;
  let cab: string;
  const order = (id: string, type: NewKaspiEvent['type'] = 'new_order'): NewKaspiEvent => ({
    type,
    eventKey: id,
    occurredAt: new Date(),
    payload: { code: id, total: '1000' },
  });
  const addStoreChat = async (storeId: string, chat: string, settings: Record<string, unknown> = {}) =>
    (
      await h.db
        .insertInto('notify_recipients')
        .values({ kaspi_store_id: storeId, channel: 'telegram', chat_id: chat, types: ['new_order', 'cancellation', 'cancel_share'], ...settings })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    h = await createTestDatabase();
    store = (await addStore(h.db, secretKey, { merchantId: 'K1', name: 'Kaspi One' })).id;
    other = (await addStore(h.db, secretKey, { merchantId: 'K2', name: 'Kaspi Two' })).id;
    cab = await addCabinet(h, 'WB');
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    for (const t of ['notify_outbox', 'notify_recipients', 'kaspi_events']) await sql.raw(`delete from ${t}`).execute(h.db);
  });

  it('sends each event of a store once to that store’s recipients only', async () => {
    const mine = await addStoreChat(store, '501');
    await addStoreChat(other, '502');
    await addChat(h, cab, '503');
    await insertKaspiEvents(h.db, store, [order('o1'), order('o1', 'cancellation')]);
    expect(await fanOut(h.db, new Date())).toEqual({ events: 2, notifications: 2 });
    // The same events written again (a re-read window) and fan-out again: nothing new.
    expect(await insertKaspiEvents(h.db, store, [order('o1'), order('o1', 'cancellation')])).toBe(0);
    expect(await fanOut(h.db, new Date())).toEqual({ events: 0, notifications: 0 });
    const rows = await outboxRows(h);
    expect(rows.map((r) => [r.recipient_id, r.type, r.kaspi_store_id, r.cabinet_id])).toEqual([
      [mine, 'new_order', store, null],
      [mine, 'cancellation', store, null],
    ]);
    expect(rows[0]!.dedup_key).toMatch(new RegExp(`^kaspi:${store}:new_order:\\d+$`));
    expect(rows[0]!.payload).toMatchObject({ marketplace: 'kaspi', store: { id: store, name: 'Kaspi One', merchant_id: 'K1' } });
  });

  it('applies types, grouping and quiet hours (Almaty by default for a store)', async () => {
    const only = await addStoreChat(store, '601', { types: ['cancel_share'] });
    const grouped = await addStoreChat(store, '602', { group_threshold: 2 });
    const quiet = await addStoreChat(store, '603', { quiet_start: '22:00', quiet_end: '08:00', time_zone: 'Asia/Almaty' });
    // 23:30 in Almaty.
    const now = new Date('2026-11-21T18:30:00Z');
    await insertKaspiEvents(h.db, store, [order('a'), order('b'), order('c')]);
    await sql`update kaspi_events set created_at = ${now}`.execute(h.db);
    await fanOut(h.db, now);
    const rows = await outboxRows(h);
    expect(rows.filter((r) => r.recipient_id === only)).toEqual([]);
    const digest = rows.filter((r) => r.recipient_id === grouped);
    expect(digest).toHaveLength(1);
    expect(digest[0]!.payload).toMatchObject({ digest: true });
    expect((digest[0]!.payload as { events: unknown[] }).events).toHaveLength(3);
    const held = rows.filter((r) => r.recipient_id === quiet);
    expect(held).toHaveLength(3);
    expect(held[0]!.next_attempt_at.toISOString()).toBe('2026-11-22T03:00:00.000Z');
  });

  it('events older than three days when first seen are marked without messages', async () => {
    await addStoreChat(store, '701');
    await insertKaspiEvents(h.db, store, [order('old')]);
    await sql`update kaspi_events set created_at = now() - interval '4 days'`.execute(h.db);
    expect(await fanOut(h.db, new Date())).toEqual({ events: 1, notifications: 0 });
    expect(await fanOut(h.db, new Date())).toEqual({ events: 0, notifications: 0 });
  });
});
