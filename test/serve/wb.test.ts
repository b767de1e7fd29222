// /api/v1/wb over HTTP (both engines), against the fake WB API: a cabinet added with its token in the
// body, synced through POST /api/v1/wb/sync (the wb.sync job's lock and job_runs), then every read
// endpoint with pagination; 401 without a token, 403 without the scope or for another user's cabinet
// (404 for one that does not exist), problem+json with the CLI's code on bad input; every answer checked against /openapi.json;
// /metrics scraped after the sync and the requests shows the counters moving.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { withAdvisoryLock } from '../../src/db/locks.js';
import { type FakeWb, makeWbToken, startFakeWb } from '../../src/fakes/fake-wb.js';
import { jobLockName } from '../../src/schedule/run-job.js';
import { apiSession, bearer, type CheckedCall, startApi, sweepAuth, sweepOtherUser, type TestApi, uncoveredOfTag } from '../support/api.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import type { OpenApiCheck } from '../support/openapi-check.js';
import { memoryLogger, TestClock } from '../wb/helpers.js';

let h: TestDatabase;
let wb: FakeWb;
let api: TestApi;
let spec: OpenApiCheck;
let call: CheckedCall;
let doc: Record<string, any>;
/** /metrics before the sync and the requests. */
let metricsBefore: string;
let alice: string;
let aliceRead: string;
let bob: string;
const clock = new TestClock(new Date('2026-11-20T12:00:00Z'));
const key = randomBytes(32);

beforeAll(async () => {
  h = await createTestDatabase();
  wb = await startFakeWb({
    orders: 240,
    sales: 60,
    from: new Date('2026-11-01T00:00:00Z'),
    orderStepMs: 3_600_000,
    products: 6,
    reviews: 9,
    statisticsBurst: 100,
  });
  api = await startApi(h.db, {
    deps: {
      handle: h,
      config: resolveConfig({ home: '/nonexistent-mp-home' }, { MP_WB_URL: wb.url }),
      log: memoryLogger(),
      clock,
      secretKey: async () => key,
      wbClient: { retries: 3, maxRetryWaitMs: 5000 },
    },
  });
  ({ alice, aliceRead, bob, doc, spec, call } = await apiSession(h.db, api));
  metricsBefore = await (await fetch(`${api.base}/metrics`, { headers: { authorization: aliceRead } })).text();
});
afterAll(async () => {
  await api?.server.shutdown(5000);
  await wb?.server.stop();
  await h?.close();
});

let cabinetId: string;
/** The sync run alice started (sync tests). */
let syncRun: string;

describe('cabinets', () => {
  it('add with the token in the body (201, masked), list, join with the same token (200), bad input with the CLI codes', async () => {
    expect((await call('POST', '/api/v1/wb/cabinets', null, { token: wb.token })).status).toBe(401);
    expect((await call('POST', '/api/v1/wb/cabinets', aliceRead, { token: wb.token })).status).toBe(403);
    const empty = await call('POST', '/api/v1/wb/cabinets', alice, { token: '' });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ code: 'WB_TOKEN_EMPTY', fields: { token: expect.any(String) } });
    const unknown = await call('POST', '/api/v1/wb/cabinets', alice, { token: wb.token, colour: 'red' });
    expect(unknown.body).toMatchObject({ status: 400, fields: { colour: 'is not a known field' } });
    const expired = await call('POST', '/api/v1/wb/cabinets', alice, { token: makeWbToken({ expiresAt: new Date('2026-01-01T00:00:00Z') }) });
    expect(expired.status).toBe(422);
    expect(expired.body.code).toBe('WB_TOKEN_EXPIRED');
    const added = await call('POST', '/api/v1/wb/cabinets', alice, { token: wb.token, name: 'main' });
    expect(added.status).toBe(201);
    expect(added.body.cabinet).toMatchObject({ name: 'main', token: `****${wb.token.slice(-4)}`, users: ['alice'] });
    expect(JSON.stringify(added.body)).not.toContain(wb.token);
    cabinetId = added.body.cabinet.id;
    expect(added.headers.get('location')).toBe(`/api/v1/wb/cabinets/${cabinetId}`);
    const again = await call('POST', '/api/v1/wb/cabinets', alice, { token: wb.token, name: 'other' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, attached: false });
    const list = await call('GET', '/api/v1/wb/cabinets', aliceRead);
    expect(list.body.meta).toEqual({ limit: 50, offset: 0, total: 1, returned: 1, next_offset: null });
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(['main']);
    expect((await call('GET', '/api/v1/wb/cabinets', bob)).body.meta.total).toBe(0);
    expect((await call('GET', '/api/v1/wb/cabinets?limit=0', bob)).body.code).toBe('BAD_LIMIT');
    const taken = await call('POST', '/api/v1/wb/cabinets', alice, { token: makeWbToken({ sid: 'another-seller' }), name: 'main' });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('WB_CABINET_EXISTS');
  });

  it('every /api/v1/wb endpoint: 401 without a token, 403 with a token lacking its scope; bodies: 415 not JSON, 413 too large', async () => {
    const payoutsOnly = await bearer(h.db, ['payouts'], 'alice');
    const problems = await sweepAuth(doc, call, {
      prefix: '/api/v1/wb',
      params: { cabinet: 'main', srid: 'x', run: '1' },
      wrongScope: { read: payoutsOnly, write: aliceRead },
      rightScope: { read: aliceRead, write: alice },
    });
    expect(problems).toEqual([]);
  });
});

describe('sync', () => {
  it('POST /api/v1/wb/sync answers 202 with a run id; the run finishes with rows per stream; a start while another process syncs the cabinet is 409 BUSY', async () => {
    expect((await call('POST', '/api/v1/wb/sync', aliceRead, { cabinet: 'main' })).status).toBe(403);
    expect((await call('POST', '/api/v1/wb/sync', bob, { cabinet: 'main' })).body.code).toBe('FORBIDDEN');
    expect((await call('POST', '/api/v1/wb/sync', alice, { cabinet: 'main', only: ['cards', 'parcels'] })).body.code).toBe('WB_BAD_STREAM');
    // Another process (here: this test) syncing the cabinet holds its lock: 409 BUSY, nothing started.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = withAdvisoryLock(h, jobLockName('wb.sync', 'main'), async () => {
      locked();
      await held;
    });
    await lockTaken;
    const busy = await call('POST', '/api/v1/wb/sync', alice, { cabinet: 'main' });
    release();
    await holder;
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('BUSY');
    const started = await call('POST', '/api/v1/wb/sync', alice, { cabinet: 'main' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ cabinet: 'main', status: 'running', run: expect.stringMatching(/^\d+$/) });
    expect(started.headers.get('location')).toBe(started.body.href);
    let run = await call('GET', started.body.href, aliceRead);
    for (let i = 0; i < 300 && run.body.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = await call('GET', started.body.href, aliceRead);
    }
    expect(run.body).toMatchObject({ id: started.body.run, cabinet: 'main', status: 'succeeded', finished_at: expect.any(String) });
    expect(run.body.summary.streams.orders).toMatchObject({ status: 'ok', new: 240 });
    expect((await call('GET', started.body.href, bob)).status).toBe(403);
    syncRun = started.body.run;
    expect((await call('GET', '/api/v1/wb/sync/x1', alice)).body.code).toBe('WB_SYNC_RUN_NOT_FOUND');
    const status = await call('GET', '/api/v1/wb/sync', aliceRead);
    expect(status.body.items.map((r: { stream: string }) => r.stream).sort()).toEqual(['cards', 'orders', 'reviews', 'sales', 'stocks']);
    expect((await call('GET', '/api/v1/wb/sync', bob)).body.items).toEqual([]);
    const jobRuns = await sql<{ n: string }>`select count(*)::text as n from job_runs where job = 'wb.sync' and scope = 'main'`.execute(h.db);
    expect(Number(jobRuns.rows[0]!.n)).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('every /api/v1/wb endpoint naming alice’s cabinet or sync run answers bob 403 FORBIDDEN (one that does not exist: 404); nothing changes', async () => {
    const before = await h.db.selectFrom('wb_cabinets').selectAll().execute();
    const runsBefore = await h.db.selectFrom('job_runs').select('id').execute();
    const { problems, called } = await sweepOtherUser(doc, call, {
      prefix: '/api/v1/wb',
      params: { cabinet: 'main', srid: 'x', run: syncRun },
      missing: { cabinet: 'nope', run: '999999' },
      auth: { read: bob, write: bob },
      bodies: {
        'PUT /api/v1/wb/cabinets/{cabinet}/token': { token: wb.token },
        'POST /api/v1/wb/sync': { cabinet: 'main' },
      },
    });
    expect(problems).toEqual([]);
    expect(called).toContain('POST /api/v1/wb/sync');
    expect((await call('GET', '/api/v1/wb/sync?cabinet=main', bob)).body.code).toBe('FORBIDDEN');
    expect((await call('POST', '/api/v1/wb/sync', bob, { cabinet: 'nope' })).body.code).toBe('WB_CABINET_NOT_FOUND');
    expect((await call('GET', '/api/v1/wb/sync?cabinet=nope', bob)).body.code).toBe('WB_CABINET_NOT_FOUND');
    expect(await h.db.selectFrom('wb_cabinets').selectAll().execute()).toEqual(before);
    expect(await h.db.selectFrom('job_runs').select('id').execute()).toEqual(runsBefore);
  });
});

describe('reads', () => {
  it('orders: filters, pages with metadata that add up, one order with its report; bad filters with the CLI codes', async () => {
    expect((await call('GET', '/api/v1/wb/cabinets/main/orders', null)).status).toBe(401);
    expect((await call('GET', '/api/v1/wb/cabinets/main/orders', bob)).status).toBe(403);
    const first = await call('GET', '/api/v1/wb/cabinets/main/orders?since=30d&limit=100', aliceRead);
    expect(first.status).toBe(200);
    expect(first.body.meta).toEqual({ limit: 100, offset: 0, total: 240, returned: 100, next_offset: 100 });
    const last = await call('GET', '/api/v1/wb/cabinets/main/orders?since=30d&limit=100&offset=200', aliceRead);
    expect(last.body.meta).toEqual({ limit: 100, offset: 200, total: 240, returned: 40, next_offset: null });
    const all = [
      ...first.body.items,
      ...(await call('GET', '/api/v1/wb/cabinets/main/orders?since=30d&limit=100&offset=100', aliceRead)).body.items,
      ...last.body.items,
    ];
    expect(new Set(all.map((o: { srid: string }) => o.srid)).size).toBe(240);
    expect(all.map((o: { order_date: string }) => o.order_date)).toEqual([...all.map((o: { order_date: string }) => o.order_date)].sort().reverse());
    expect(first.body.window.timeZone).toBe('Europe/Moscow');
    const cancelled = await call('GET', `/api/v1/wb/cabinets/${cabinetId}/orders?since=30d&status=cancelled`, aliceRead);
    expect(cancelled.body.items.every((o: { status: string }) => o.status === 'cancelled')).toBe(true);
    const nm = first.body.items[0].nm_id;
    const byNm = await call('GET', `/api/v1/wb/cabinets/main/orders?since=30d&nm=${nm}&limit=500`, aliceRead);
    expect(byNm.body.items.every((o: { nm_id: string }) => o.nm_id === nm)).toBe(true);
    const bad = await call('GET', '/api/v1/wb/cabinets/main/orders?status=lost&nm=abc&limit=9999', aliceRead);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('WB_BAD_STATUS');
    expect(Object.keys(bad.body.fields).sort()).toEqual(['limit', 'nm', 'status']);
    expect((await call('GET', '/api/v1/wb/cabinets/main/orders?since=yesterdayish', aliceRead)).body.code).toBe('BAD_SINCE');
    const srid = first.body.items[0].srid;
    const one = await call('GET', `/api/v1/wb/cabinets/main/orders/${encodeURIComponent(srid)}`, aliceRead);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ cabinet: 'main', order: { srid }, stats: { timeZone: 'Europe/Moscow' } });
    expect(one.body.stats.windows.map((w: { days: number }) => w.days)).toEqual([7, 14, 30, 60, 90]);
    expect((await call('GET', '/api/v1/wb/cabinets/main/orders/no-such-srid', aliceRead)).body.code).toBe('WB_ORDER_NOT_FOUND');
    expect((await call('GET', `/api/v1/wb/cabinets/main/orders/${encodeURIComponent(srid)}`, bob)).status).toBe(403);
  });

  it('stocks, cards, reviews: pages and filters', async () => {
    const stocks = await call('GET', '/api/v1/wb/cabinets/main/stocks?limit=2', aliceRead);
    expect(stocks.body.meta).toMatchObject({ limit: 2, returned: 2, next_offset: 2 });
    expect(stocks.body.meta.total).toBeGreaterThan(2);
    expect((await call('GET', '/api/v1/wb/cabinets/main/stocks?critical=-1', aliceRead)).status).toBe(400);
    const cards = await call('GET', '/api/v1/wb/cabinets/main/cards', aliceRead);
    expect(cards.body.meta.total).toBe(6);
    const reviews = await call('GET', '/api/v1/wb/cabinets/main/reviews?rating=5&limit=3', aliceRead);
    expect(reviews.body.meta.total).toBeGreaterThan(0);
    expect(reviews.body.items.every((r: { rating: number }) => r.rating <= 5)).toBe(true);
    const low = await call('GET', '/api/v1/wb/cabinets/main/reviews?rating=2&unanswered=true', aliceRead);
    expect(low.body.items.every((r: { rating: number; is_answered: boolean }) => r.rating <= 2 && !r.is_answered)).toBe(true);
    expect((await call('GET', '/api/v1/wb/cabinets/main/reviews?rating=6', aliceRead)).body.code).toBe('WB_BAD_RATING');
    for (const path of ['stocks', 'cards', 'reviews']) expect((await call('GET', `/api/v1/wb/cabinets/main/${path}`, bob)).status).toBe(403);
  });

  it('sales and orders reports for 7–90 days; outside that range WB_BAD_PERIOD', async () => {
    const sales = await call('GET', '/api/v1/wb/cabinets/main/reports/sales?days=30', aliceRead);
    expect(sales.body.days.reduce((n: number, d: { orders: number }) => n + d.orders, 0)).toBe(240);
    expect(sales.body.window.timeZone).toBe('Europe/Moscow');
    const orders = await call('GET', '/api/v1/wb/cabinets/main/reports/orders?days=90', aliceRead);
    expect(orders.body.products.reduce((n: number, p: { orders: number }) => n + p.orders, 0)).toBe(240);
    for (const days of [6, 91]) expect((await call('GET', `/api/v1/wb/cabinets/main/reports/sales?days=${days}`, aliceRead)).body.code).toBe('WB_BAD_PERIOD');
    expect((await call('GET', '/api/v1/wb/cabinets/main/reports/orders?days=5', aliceRead)).body.code).toBe('WB_BAD_PERIOD');
    expect((await call('GET', '/api/v1/wb/cabinets/main/reports/orders', bob)).status).toBe(403);
    expect((await call('GET', '/api/v1/wb/cabinets/main/reports/sales', bob)).status).toBe(403);
    expect((await call('GET', '/api/v1/wb/cabinets/main/cards?offset=-1', aliceRead)).body.code).toBe('BAD_OFFSET');
    expect((await call('GET', '/api/v1/wb/sync?cabinet=main', bob)).body.code).toBe('FORBIDDEN');
    expect((await call('GET', '/api/v1/wb/sync?cabinets=main', alice)).status).toBe(400);
  });
});

describe('metrics and removal', () => {
  it('/metrics after the sync and the requests: sync runs by stream, job runs, upstream requests by host, HTTP requests by route', async () => {
    const r = await fetch(`${api.base}/metrics`, { headers: { authorization: aliceRead } });
    expect(r.status).toBe(200);
    const text = await r.text();
    const read = (from: string, series: string) =>
      Number(
        from
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.split(' ')[1] ?? 0,
      );
    // How far each counter moved since the scrape before the sync and the requests.
    const value = (series: string) => read(text, series) - read(metricsBefore, series);
    expect(value('mp_wb_sync_runs_total{stream="orders",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(value('mp_job_runs_total{job="wb.sync",outcome="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(value('mp_job_run_duration_seconds_count{job="wb.sync",outcome="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(value('mp_wb_sync_run_duration_seconds_count{stream="orders",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    const wbHost = new URL(wb.url).host;
    expect(value(`mp_upstream_requests_total{host="${wbHost}",status="200"}`)).toBeGreaterThan(5);
    expect(value('mp_http_requests_total{method="GET",route="/api/v1/wb/cabinets/{cabinet}/orders",status="200"}')).toBeGreaterThanOrEqual(5);
    expect(value('mp_http_requests_total{method="POST",route="/api/v1/wb/sync",status="202"}')).toBeGreaterThanOrEqual(1);
  });

  it('token: replaced in place (the cabinet keeps its id and orders); another seller’s token 422, bob 403, empty 400', async () => {
    expect((await call('PUT', '/api/v1/wb/cabinets/main/token', alice, { token: '' })).body.code).toBe('WB_TOKEN_EMPTY');
    expect((await call('PUT', '/api/v1/wb/cabinets/main/token', bob, { token: wb.token })).body.code).toBe('FORBIDDEN');
    const other = await call('PUT', '/api/v1/wb/cabinets/main/token', alice, { token: makeWbToken({ sid: 'another-seller' }) });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('WB_TOKEN_OTHER_SELLER');
    const fresh = makeWbToken({ expiresAt: new Date('2027-06-01T00:00:00Z') });
    const replaced = await call('PUT', '/api/v1/wb/cabinets/main/token', alice, { token: fresh });
    expect(replaced.status).toBe(200);
    expect(replaced.body.cabinet).toMatchObject({ id: cabinetId, name: 'main', token: `****${fresh.slice(-4)}`, status: 'active' });
    expect(JSON.stringify(replaced.body)).not.toContain(fresh);
    expect((await call('GET', '/api/v1/wb/cabinets/main/orders?since=30d&limit=1', aliceRead)).body.meta.total).toBe(240);
  });

  it('remove: bob cannot, alice can (401/403/404 first); then her cabinet is gone', async () => {
    expect((await call('DELETE', '/api/v1/wb/cabinets/main', null)).status).toBe(401);
    expect((await call('DELETE', '/api/v1/wb/cabinets/main', aliceRead)).status).toBe(403);
    expect((await call('DELETE', '/api/v1/wb/cabinets/main', bob)).body.code).toBe('FORBIDDEN');
    const gone = await call('DELETE', '/api/v1/wb/cabinets/main', alice);
    expect(gone.body).toEqual({ id: cabinetId, name: 'main', removed: true, detached: false });
    expect((await call('GET', '/api/v1/wb/cabinets', alice)).body.meta.total).toBe(0);
  });

  it('every documented /api/v1/wb operation and status was exercised', () => {
    expect(uncoveredOfTag(doc, spec, 'wb')).toEqual([]);
  });
});
