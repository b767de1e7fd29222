// The upstream bad-answer corpus (issue 23): every WB stream answered 200 with something that is not
// its data (a page, nothing, the wrong shape, the wrong types). Each is a failed stream with a WB
// code, and nothing is stored: the database (all but the run log) is byte-for-byte unchanged.
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WbStream } from '../../src/db/schema/wb.js';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addFakeCabinet, sync, TestClock, wbDeps } from '../wb/helpers.js';

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const HTML = { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><body>Технические работы</body></html>' };
const HTML_AS_JSON = { status: 200, headers: JSON_TYPE, body: '<html><body>502 Bad Gateway</body></html>' };
const answer = (body: string) => ({ status: 200, headers: JSON_TYPE, body });

/** The endpoint of each stream, and the answers that are not its data (beyond the ones all share). */
const STREAMS: { stream: WbStream; path: string; method: string; bad: Record<string, string> }[] = [
  {
    stream: 'orders',
    path: '/api/v1/supplier/orders',
    method: 'GET',
    bad: {
      'an object': '{"orders": []}',
      'rows without lastChangeDate': '[{"srid": "1.a.0.0", "nmId": 1}]',
      'totalPrice "abc"':
        '[{"srid":"1.a","nmId":1,"date":"2026-11-01T10:00:00","lastChangeDate":"2026-11-01T10:00:00","totalPrice":"abc","discountPercent":0,"spp":0,"finishedPrice":1,"priceWithDisc":1}]',
      'a date of month 13':
        '[{"srid":"1.a","nmId":1,"date":"2026-13-01T10:00:00","lastChangeDate":"2026-11-01T10:00:00","totalPrice":1,"discountPercent":0,"spp":0,"finishedPrice":1,"priceWithDisc":1}]',
      'isCancel "yes"':
        '[{"srid":"1.a","nmId":1,"date":"2026-11-01T10:00:00","lastChangeDate":"2026-11-01T10:00:00","totalPrice":1,"discountPercent":0,"spp":0,"finishedPrice":1,"priceWithDisc":1,"isCancel":"yes"}]',
      'a row with no srid': '[{"nmId":1,"date":"2026-11-01T10:00:00","lastChangeDate":"2026-11-01T10:00:00"}]',
      'a cut-off array': '[{"srid":"1.a","nmId":1,"lastChangeDate":"2026-11-01T10:00:00"',
    },
  },
  {
    stream: 'sales',
    path: '/api/v1/supplier/sales',
    method: 'GET',
    bad: {
      'forPay missing':
        '[{"saleID":"S1","srid":"1.a","nmId":1,"date":"2026-11-01T10:00:00","lastChangeDate":"2026-11-01T10:00:00","totalPrice":1,"discountPercent":0,"spp":0,"finishedPrice":1,"priceWithDisc":1,"paymentSaleAmount":0}]',
      'a row with no saleID': '[{"srid":"1.a","nmId":1,"date":"2026-11-01T10:00:00","lastChangeDate":"2026-11-01T10:00:00"}]',
    },
  },
  {
    stream: 'cards',
    path: '/content/v2/get/cards/list',
    method: 'POST',
    bad: {
      'an array': '[]',
      'cards not an array': '{"cards": {}, "cursor": {"total": 0}}',
      'a card without nmID': '{"cards":[{"title":"x"}],"cursor":{"total":1}}',
    },
  },
  {
    stream: 'stocks',
    path: '/api/analytics/v1/stocks-report/wb-warehouses',
    method: 'POST',
    bad: {
      'no data.items': '{"data": {}}',
      'quantity "many"': '{"data":{"items":[{"nmId":1,"chrtId":2,"warehouseId":3,"warehouseName":"W","quantity":"many"}]}}',
      'a negative quantity': '{"data":{"items":[{"nmId":1,"chrtId":2,"warehouseId":3,"warehouseName":"W","quantity":-5}]}}',
    },
  },
  {
    stream: 'reviews',
    path: '/api/v1/feedbacks',
    method: 'GET',
    bad: {
      'no data.feedbacks': '{"data": null, "error": false}',
      'error: true': '{"data": null, "error": true, "errorText": "internal"}',
      'a rating of "five"':
        '{"data":{"feedbacks":[{"id":"r1","productValuation":"five","createdDate":"2026-11-01T10:00:00Z","productDetails":{"nmId":1}}]},"error":false}',
      'a rating of 0':
        '{"data":{"feedbacks":[{"id":"r1","productValuation":0,"createdDate":"2026-11-01T10:00:00Z","productDetails":{"nmId":1}}]},"error":false}',
    },
  },
];

const COMMON: Record<string, { status: number; headers: Record<string, string>; body: string }> = {
  'an HTML page': HTML,
  'HTML labelled JSON': HTML_AS_JSON,
  '{}': answer('{}'),
  'an empty body': answer(''),
  null: answer('null'),
  'a JSON string': answer('"ok"'),
};

describe('the upstream bad-answer corpus (WB, every stream)', () => {
  let handle: TestDatabase;
  let wb: FakeWb;
  const clock = new TestClock(new Date());

  beforeAll(async () => {
    handle = await createTestDatabase();
    wb = await startFakeWb({ orders: 30, sales: 10, products: 4, reviews: 6, statisticsBurst: 1000 });
    const deps = wbDeps(handle, wb, clock);
    await addFakeCabinet(deps, wb.token);
    const first = await sync(deps);
    expect(first.map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });
  afterEach(() => wb?.verify());
  afterAll(async () => {
    await wb?.server.stop();
    await handle?.close();
  });

  /** Every table but the run log (a failed run is recorded there, as it should be). */
  async function digest(): Promise<Record<string, string>> {
    const tables = (
      await sql<{ t: string }>`select table_name as t from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name <> 'wb_sync_runs' order by 1`.execute(handle.db)
    ).rows.map((r) => r.t);
    const out: Record<string, string> = {};
    for (const t of tables) {
      const r = await sql<{ h: string | null }>`select md5(string_agg(x::text, '|' order by x::text)) as h from ${sql.table(t)} x`.execute(handle.db);
      out[t] = r.rows[0]!.h ?? '';
    }
    return out;
  }

  it('each bad answer fails its stream with a WB code; nothing is stored, no cursor moves', async () => {
    const before = await digest();
    const problems: string[] = [];
    let cases = 0;
    for (const s of STREAMS) {
      const bad = { ...COMMON, ...Object.fromEntries(Object.entries(s.bad).map(([k, v]) => [k, answer(v)])) };
      for (const [what, fault] of Object.entries(bad)) {
        cases++;
        clock.advance(10 * 60_000);
        wb.server.clearFaults();
        // Every attempt gets it (the client retries a broken JSON answer).
        wb.server.fault(s.path, { ...fault, times: Number.POSITIVE_INFINITY }, s.method);
        const asked = wb.server.requestsTo(s.path).length;
        const [outcome] = await sync(wbDeps(handle, wb, clock), { only: [s.stream] });
        wb.server.clearFaults();
        if (wb.server.requestsTo(s.path).length === asked) problems.push(`${s.stream} / ${what}: the fault was never asked for`);
        else if (outcome?.status !== 'failed' || !/^WB_(BAD_RESPONSE)$/.test(outcome.errorCode ?? ''))
          problems.push(`${s.stream} / ${what}: ${outcome?.status} ${outcome?.errorCode ?? ''} ${outcome?.error ?? ''}`);
      }
    }
    expect(problems).toEqual([]);
    expect(cases).toBeGreaterThanOrEqual(45);
    expect(await digest()).toEqual(before);
  }, 120_000);
});
