// Issue 23, defect 2: an upstream that answers 200 with nonsense. A WB answer of HTML, `{}`, an empty
// body or rows of the wrong types is a stream error with a code; nothing is stored, no cursor moves,
// and the initial-sync flag stays set until a real initial sync succeeds (before: 50 old orders gave
// 55 notification events on the sync after a bogus first one). Telegram answers get the same rule.
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer } from '../../src/fakes/fake-server.js';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';
import { TelegramClient } from '../../src/notify/telegram/telegram-client.js';
import { getStreamState } from '../../src/wb/sync-state.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addFakeCabinet, sync, TestClock, wbDeps } from '../wb/helpers.js';

const ORDERS = '/api/v1/supplier/orders';

describe('defect 2: a WB 200 with nonsense is never an empty success', () => {
  let handle: TestDatabase;
  let wb: FakeWb;
  const clock = new TestClock(new Date());
  let cabinetId: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    wb = await startFakeWb({ orders: 50, sales: 0, products: 5, reviews: 0, statisticsBurst: 100 });
    const deps = wbDeps(handle, wb, clock);
    cabinetId = (await addFakeCabinet(deps, wb.token)).cabinet.id;
  });
  afterEach(() => wb?.verify());
  afterAll(async () => {
    await wb?.server.stop();
    await handle?.close();
  });

  const count = async (table: 'wb_orders' | 'wb_events') =>
    Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(handle.db)).rows[0]!.n);

  const bogus: [string, { status: number; headers: Record<string, string>; body: unknown }][] = [
    ['an HTML page', { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><html><body>Подождите…</body></html>' }],
    ['{}', { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }],
    ['an empty body', { status: 200, headers: { 'content-type': 'application/json' }, body: '' }],
    ['rows without lastChangeDate', { status: 200, headers: { 'content-type': 'application/json' }, body: '[{"nmId": 1}]' }],
    ['null', { status: 200, headers: { 'content-type': 'application/json' }, body: 'null' }],
  ];

  for (const [what, fault] of bogus) {
    it(`first sync answered with ${what}: WB_BAD_RESPONSE, nothing stored, no cursor, still initial`, async () => {
      clock.advance(120_000);
      const before = wb.server.requestsTo(ORDERS).length;
      wb.server.fault(ORDERS, fault);
      const [orders] = await sync(wbDeps(handle, wb, clock), { only: ['orders'] });
      expect(wb.server.requestsTo(ORDERS).length - before).toBe(1); // the fault was used, nothing more asked
      expect(orders).toMatchObject({ status: 'failed', errorCode: 'WB_BAD_RESPONSE', initial: true });
      const state = await getStreamState(handle.db, cabinetId, 'orders');
      expect(state?.cursor ?? null).toBeNull();
      expect(state?.last_success_at ?? null).toBeNull();
      expect(await count('wb_orders')).toBe(0);
    });
  }

  it('a row of the wrong types (totalPrice: "abc") fails the page: not stored as 0', async () => {
    clock.advance(120_000);
    const rows = wb.ordersSince('2000-01-01').slice(0, 3);
    rows[1] = { ...rows[1], totalPrice: 'abc' };
    wb.server.fault(ORDERS, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(rows) });
    const [orders] = await sync(wbDeps(handle, wb, clock), { only: ['orders'] });
    expect(orders).toMatchObject({ status: 'failed', errorCode: 'WB_BAD_RESPONSE' });
    expect(orders!.error).toMatch(/totalPrice = "abc", not a number/);
    expect(await count('wb_orders')).toBe(0);
    // An impossible timestamp is refused the same way (it used to roll over into another day).
    clock.advance(120_000);
    rows[1] = { ...rows[1], totalPrice: 100, date: '2026-13-45T10:00:00' };
    wb.server.fault(ORDERS, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(rows) });
    const [again] = await sync(wbDeps(handle, wb, clock), { only: ['orders'] });
    expect(again).toMatchObject({ status: 'failed', errorCode: 'WB_BAD_RESPONSE' });
    expect(again!.error).toMatch(/date = "2026-13-45T10:00:00", not a time/);
    expect(await count('wb_orders')).toBe(0);
  });

  it('then a real initial sync stores the 50 old orders with 0 events; only later orders are news', async () => {
    clock.advance(120_000);
    const [first] = await sync(wbDeps(handle, wb, clock), { only: ['orders'] });
    expect(first).toMatchObject({ status: 'ok', initial: true, rowsNew: 50, events: 0 });
    expect(await count('wb_events')).toBe(0);
    clock.advance(120_000);
    wb.addOrders(3, new Date());
    const [next] = await sync(wbDeps(handle, wb, clock), { only: ['orders'] });
    expect(next).toMatchObject({ status: 'ok', initial: false, rowsNew: 3 });
    const events = (await sql<{ type: string }>`select type from wb_events order by id`.execute(handle.db)).rows.map((r) => r.type);
    expect(events.filter((t) => t === 'new_order')).toHaveLength(3);
  });
});

describe('Telegram: a 200 that is not a Bot API answer is never a success', () => {
  it('{}, an empty body, HTML and a result of the wrong shape are TELEGRAM_BAD_RESPONSE of kind unknown (a send is not repeated blindly)', async () => {
    const server = await startFakeServer();
    const token = '123:abc';
    const path = `/bot${token}/sendMessage`;
    const answers = [
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '' },
      { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>proxy error</html>' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true,"result":{"chat":{"id":1}}}' },
    ];
    for (const a of answers) server.fault(path, a);
    const client = new TelegramClient({ baseUrl: server.url, token });
    try {
      for (const a of answers) {
        await expect(client.sendMessage('42', 'hi'), a.body).rejects.toMatchObject({ code: 'TELEGRAM_BAD_RESPONSE', kind: 'unknown' });
      }
      expect(server.requestsTo(path)).toHaveLength(answers.length);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
