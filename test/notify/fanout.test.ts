// Fan-out: each event type once per recipient across repeated fan-outs, thresholds, grouping.
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fanOut } from '../../src/notify/fanout.service.js';
import { renderTelegram } from '../../src/notify/render.js';
import type { NotificationPayload } from '../../src/notify/types.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addCabinet, addChat, outboxRows, resetNotify, writeSyncEvents } from './helpers.js';

describe('fan-out of wb_events into the outbox', () => {
  let h: TestDatabase;
  let cab: string;
  beforeAll(async () => {
    h = await createTestDatabase();
    cab = await addCabinet(h, 'Main');
  });
  afterAll(async () => h?.close());
  beforeEach(async () => resetNotify(h));

  it('produces each event type exactly once per recipient however often it runs', async () => {
    const a = await addChat(h, cab, '1001');
    const b = await addChat(h, cab, '1002');
    const sync = [
      { type: 'new_order' as const, key: 'srid-1', payload: { srid: 'srid-1', nmId: 1 } },
      { type: 'cancellation' as const, key: 'srid-0', payload: { srid: 'srid-0' } },
      { type: 'buyout' as const, key: 'S1', payload: { saleID: 'S1' } },
      { type: 'return' as const, key: 'R1', payload: { saleID: 'R1' } },
      { type: 'new_review' as const, key: 'rv1', payload: { rating: 2, text: 'плохо' } },
      { type: 'stock_change' as const, key: 'nm1:t1', payload: { nmId: 1, old_total: 5, new_total: 1 } },
      // A gap summary written two minutes ago (it settles for a minute before it is sent).
      { type: 'sync_gap' as const, key: 'gap1', payload: { counts: { orders: 10 } }, occurredAt: new Date(Date.now() - 120_000) },
    ];
    await writeSyncEvents(h, cab, sync);
    const first = await fanOut(h.db, new Date());
    expect(first).toEqual({ events: 7, notifications: 14 });
    // The sync runs again with the same data (events deduped by the WB side), fan-out runs again.
    await writeSyncEvents(h, cab, sync);
    expect(await fanOut(h.db, new Date())).toEqual({ events: 0, notifications: 0 });
    const rows = await outboxRows(h);
    for (const r of [a, b]) {
      const types = rows.filter((x) => x.recipient_id === r).map((x) => x.type);
      expect(types.sort()).toEqual(['buyout', 'cancellation', 'critical_stock', 'negative_review', 'new_order', 'return', 'sync_gap']);
    }
    expect(new Set(rows.map((r) => `${r.recipient_id}|${r.dedup_key}`)).size).toBe(14);
    expect(rows[0]!.dedup_key).toMatch(new RegExp(`^${cab}:new_order:\\d+$`));
  });

  it('a gap sync’s summaries (one per stream) wait while the sync runs and become one message', async () => {
    const r = await addChat(h, cab, '1003');
    const t0 = new Date('2026-11-21T10:00:00Z');
    const run = await h.db.insertInto('wb_sync_runs').values({ cabinet_id: cab, stream: 'orders', started_at: t0 }).returning('id').executeTakeFirstOrThrow();
    await writeSyncEvents(h, cab, [
      { type: 'sync_gap', key: 'orders:1:0', payload: { stream: 'orders', counts: { new_order: 12, cancellation: 1 } }, occurredAt: t0 },
    ]);
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'other-cabinet-style-event' }]);
    // Five minutes later the orders stream is still running: nothing for the gap yet, the order goes.
    expect(await fanOut(h.db, new Date(t0.getTime() + 300_000))).toEqual({ events: 1, notifications: 1 });
    await h.db.updateTable('wb_sync_runs').set({ status: 'ok', finished_at: t0 }).where('id', '=', run.id).execute();
    const t1 = new Date(t0.getTime() + 310_000);
    await writeSyncEvents(h, cab, [{ type: 'sync_gap', key: 'sales:2:0', payload: { stream: 'sales', counts: { buyout: 7, return: 2 } }, occurredAt: t1 }]);
    // No run is going, but the last summary is younger than a minute: the sync may be between streams.
    expect(await fanOut(h.db, new Date(t1.getTime() + 30_000))).toEqual({ events: 0, notifications: 0 });
    expect(await fanOut(h.db, new Date(t1.getTime() + 61_000))).toEqual({ events: 2, notifications: 1 });
    expect(await fanOut(h.db, new Date(t1.getTime() + 600_000))).toEqual({ events: 0, notifications: 0 });
    const gaps = (await outboxRows(h)).filter((x) => x.recipient_id === r && x.type === 'sync_gap');
    expect(gaps).toHaveLength(1);
    const text = renderTelegram(gaps[0]!.payload as unknown as NotificationPayload, 'ru').text;
    for (const line of ['новые заказы: 12', 'отмены: 1', 'выкупы: 7', 'возвраты: 2']) expect(text).toContain(`• ${line}`);
    expect(renderTelegram(gaps[0]!.payload as unknown as NotificationPayload, 'en').text).toContain('• new orders: 12');
  });

  it('finds an event that committed late however many newer events were fanned out meanwhile', async () => {
    await addChat(h, cab, '1004');
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'slow-transaction' }]);
    const late = await h.db.selectFrom('wb_events').select('id').where('event_key', '=', 'slow-transaction').executeTakeFirstOrThrow();
    // 20,000 newer ids were fanned out before the slow transaction's event became visible.
    const { rows } = await sql<{ id: string }>`insert into wb_events (id, cabinet_id, type, event_key, dedup_key, occurred_at)
      overriding system value values (${Number(late.id) + 20_000}, ${cab}, 'new_order', 'newer', ${`${cab}:new_order:newer`}, now())
      returning id`.execute(h.db);
    await h.db.insertInto('notify_fanned_events').values({ event_id: rows[0]!.id }).execute();
    expect(await fanOut(h.db, new Date())).toEqual({ events: 1, notifications: 1 });
    expect((await outboxRows(h)).map((r) => (r.payload as any).events[0].key)).toEqual(['slow-transaction']);
  });

  it('a cancellation arriving after the order is one cancellation (and one order)', async () => {
    await addChat(h, cab, '1001');
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'srid-9' }]);
    await fanOut(h.db, new Date());
    await writeSyncEvents(h, cab, [{ type: 'cancellation', key: 'srid-9' }]);
    await fanOut(h.db, new Date());
    await writeSyncEvents(h, cab, [{ type: 'cancellation', key: 'srid-9' }]);
    await fanOut(h.db, new Date());
    expect((await outboxRows(h)).map((r) => r.type)).toEqual(['new_order', 'cancellation']);
  });

  it('applies each recipient’s types, review and stock thresholds', async () => {
    const strict = await addChat(h, cab, '2001', { review_threshold: 1, stock_threshold: 10, types: ['negative_review', 'critical_stock'] });
    const dflt = await addChat(h, cab, '2002');
    await writeSyncEvents(h, cab, [
      { type: 'new_order', key: 'o1' },
      { type: 'new_review', key: 'r4', payload: { rating: 4 } },
      { type: 'new_review', key: 'r3', payload: { rating: 3 } },
      { type: 'new_review', key: 'r1', payload: { rating: 1 } },
      // Default threshold 2: 5 → 2 is critical; 2 → 1 is not again; 1 → 5 recovers; 12 → 8 only for T=10.
      { type: 'stock_change', key: 's1', payload: { old_total: 5, new_total: 2 } },
      { type: 'stock_change', key: 's2', payload: { old_total: 2, new_total: 1 } },
      { type: 'stock_change', key: 's3', payload: { old_total: 1, new_total: 5 } },
      { type: 'stock_change', key: 's4', payload: { old_total: 12, new_total: 8 } },
    ]);
    await fanOut(h.db, new Date());
    const rows = await outboxRows(h);
    const keys = (r: string) =>
      rows
        .filter((x) => x.recipient_id === r)
        .map((x) => `${x.type}:${(x.payload as any).events[0].key}`)
        .sort();
    expect(keys(strict)).toEqual(['critical_stock:s4', 'negative_review:r1']);
    expect(keys(dflt)).toEqual(['critical_stock:s1', 'negative_review:r1', 'negative_review:r3', 'new_order:o1']);
  });

  it('more than N events of one type in one sync become one digest', async () => {
    const r = await addChat(h, cab, '3001', { group_threshold: 3 });
    await writeSyncEvents(
      h,
      cab,
      Array.from({ length: 4 }, (_, i) => ({ type: 'new_order' as const, key: `g${i}` })),
    );
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'single' }]);
    // Two syncs can start within one millisecond (as here on a fast machine): they are still two.
    await sql`update wb_events set created_at = case when event_key = 'single' then '2026-11-21T10:00:00.000900Z'::timestamptz
      else '2026-11-21T10:00:00.000100Z'::timestamptz end`.execute(h.db);
    await fanOut(h.db, new Date('2026-11-21T10:05:00Z'));
    const rows = (await outboxRows(h)).filter((x) => x.recipient_id === r);
    expect(rows).toHaveLength(2);
    expect((rows[0]!.payload as any).digest).toBe(true);
    expect((rows[0]!.payload as any).events).toHaveLength(4);
    expect(rows[0]!.dedup_key).toContain(':new_order:digest:');
    expect((rows[1]!.payload as any).events[0].key).toBe('single');
  });

  it('disabled recipients and switched-off notifications get nothing; quiet hours postpone the due time', async () => {
    await addChat(h, cab, '4001', { enabled: false });
    await h.db.insertInto('notify_recipients').values({ cabinet_id: cab, channel: 'telegram', chat_id: '4002', disabled_at: new Date() }).execute();
    const quiet = await addChat(h, cab, '4003', { quiet_start: '22:00', quiet_end: '08:00', time_zone: 'Asia/Almaty' });
    await writeSyncEvents(h, cab, [{ type: 'new_order', key: 'q1' }]);
    // 23:30 in Almaty (UTC+5) is 18:30 UTC.
    const now = new Date('2026-11-21T18:30:00Z');
    await h.db.updateTable('wb_events').set({ created_at: now }).execute();
    await fanOut(h.db, now);
    const rows = await outboxRows(h);
    expect(rows.map((r) => r.recipient_id)).toEqual([quiet]);
    expect(rows[0]!.next_attempt_at.toISOString()).toBe('2026-11-22T03:00:00.000Z');
  });
});
