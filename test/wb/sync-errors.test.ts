import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWb, makeWbToken, msk, startFakeWb, wbFixture } from '../../src/fakes/fake-wb.js';
import { addCabinet, checkCabinet, listCabinetRows, removeCabinet } from '../../src/wb/cabinet.service.js';
import { getStreamState } from '../../src/wb/sync-state.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { sync, TestClock, wbDeps, wbDepsByHostPath } from './helpers.js';

describe('mp wb sync: rate limits and rejected tokens', () => {
  let handle: TestDatabase;
  let wb: FakeWb;
  const clock = new TestClock(new Date());

  beforeAll(async () => {
    handle = await createTestDatabase();
    wb = await startFakeWb({ orders: 50, sales: 20, products: 4, reviews: 5, statisticsBurst: 100 });
  });
  afterEach(() => wb?.verify());
  afterAll(async () => {
    await wb?.server.stop();
    await handle?.close();
  });

  it('a bad token is refused at add with a message naming the token', async () => {
    const deps = wbDeps(handle, wb, clock);
    const bad = makeWbToken().replace(/\.fake$/, '.forged');
    await expect(addCabinet(deps, bad)).rejects.toMatchObject({
      code: 'WB_UNAUTHORIZED',
      message: expect.stringMatching(/rejected the token .*401: token problem/),
    });
    await expect(addCabinet(deps, 'not-a-jwt')).rejects.toMatchObject({ code: 'WB_TOKEN_MALFORMED' });
    const expired = makeWbToken({ expiresAt: new Date(Date.now() - 86_400_000) });
    await expect(addCabinet(deps, expired)).rejects.toMatchObject({ code: 'WB_TOKEN_EXPIRED' });
  });

  it('names the categories whose host /ping refuses the token and warns about expiry within 14 days', async () => {
    const deps = wbDepsByHostPath(handle, wb, clock);
    // Five days and an hour from the test clock (which other tests move on; the JWT's exp drops milliseconds).
    const token = makeWbToken({ categories: ['statistics', 'content', 'analytics'], expiresAt: new Date(clock.now().getTime() + 5 * 86_400_000 + 3_600_000) });
    const pings = wb.server.requestsTo('/:host/ping').length;
    const added = await addCabinet(deps, token, 'no-feedbacks');
    expect(
      wb.server
        .requestsTo('/:host/ping')
        .slice(pings)
        .map((r) => r.path),
    ).toEqual(['/statistics/ping', '/feedbacks/ping', '/content/ping', '/analytics/ping']);
    expect(added.check?.missing).toEqual(['feedbacks']);
    expect(added.check?.categories).toEqual(['content', 'analytics', 'statistics']);
    expect(added.check?.warnings.join('\n')).toMatch(/expires in 5 day/);
    expect(added.check?.warnings.join('\n')).toMatch(/no Feedbacks & Questions access: reviews will fail/);
    const stored = await handle.db.selectFrom('wb_cabinets').select('status_detail').where('name', '=', 'no-feedbacks').executeTakeFirstOrThrow();
    expect(stored.status_detail).toBe('missing: feedbacks');
  });

  it("the token's `s` claim alone names nothing missing: WB does not say how its bit positions count, /ping decides", async () => {
    // On the fake's single origin /ping checks the token but cannot know the host, so it accepts.
    const deps = wbDeps(handle, wb, clock);
    const token = makeWbToken({ categories: ['statistics', 'content', 'analytics'], sid: 'claims-only' });
    const added = await addCabinet(deps, token, 'claims-only');
    expect(added.check?.categories).not.toContain('feedbacks');
    expect(added.check?.missing).toEqual([]);
    expect(added.check?.warnings).toEqual([]);
    await removeCabinet(handle.db, 'claims-only');
  });

  it('401 on one stream fails that stream with the token and category named; the others commit', async () => {
    const deps = wbDeps(handle, wb, clock);
    const outcomes = await sync(deps, { cabinet: 'no-feedbacks' });
    const reviews = outcomes.find((o) => o.stream === 'reviews')!;
    expect(reviews.status).toBe('failed');
    expect(reviews.errorCode).toBe('WB_UNAUTHORIZED');
    expect(reviews.error).toMatch(/rejected the token of cabinet "no-feedbacks" for Feedbacks & Questions \(401: token scope not allowed/);
    expect(outcomes.filter((o) => o.stream !== 'reviews').every((o) => o.status === 'ok')).toBe(true);
    expect(
      await handle.db
        .selectFrom('wb_orders')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: '50' });
    const cabinet = await handle.db.selectFrom('wb_cabinets').select(['status', 'status_detail']).where('name', '=', 'no-feedbacks').executeTakeFirstOrThrow();
    expect(cabinet.status).toBe('unauthorized');
    const run = await handle.db.selectFrom('wb_sync_runs').select(['status', 'error_code']).where('stream', '=', 'reviews').executeTakeFirstOrThrow();
    expect(run).toEqual({ status: 'failed', error_code: 'WB_UNAUTHORIZED' });
    const [checked] = await checkCabinet(wbDepsByHostPath(handle, wb, clock), 'no-feedbacks');
    expect(checked!.check?.missing).toEqual(['feedbacks']);
  });

  it('honours X-Ratelimit-Retry: waits the seconds WB asks for, then retries', async () => {
    const deps = wbDeps(handle, wb, clock);
    clock.advance(120_000);
    wb.server.fault('/api/v1/supplier/orders', {
      status: 429,
      headers: { 'x-ratelimit-retry': '1', 'x-ratelimit-limit': '10', 'x-ratelimit-reset': '60' },
      body: wbFixture('error-429.json'),
    });
    const before = wb.server.requestsTo('/api/v1/supplier/orders').length;
    const [orders] = await sync(deps, { cabinet: 'no-feedbacks', only: ['orders'] });
    expect(orders!.status).toBe('ok');
    const reqs = wb.server.requestsTo('/api/v1/supplier/orders').slice(before);
    expect(reqs.map((r) => r.query.get('dateFrom'))).toHaveLength(2); // the 429, then the same request again ([]: nothing new)
    expect(reqs[1]!.query.get('dateFrom')).toBe(reqs[0]!.query.get('dateFrom'));
    expect(reqs[1]!.at - reqs[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('a long X-Ratelimit-Retry fails only that stream and is stored as its next allowed time', async () => {
    const deps = wbDeps(handle, wb, clock);
    clock.advance(120_000);
    wb.server.fault('/api/v1/supplier/orders', {
      status: 429,
      headers: { 'x-ratelimit-retry': '600', 'x-ratelimit-limit': '1', 'x-ratelimit-reset': '600' },
      body: wbFixture('error-429.json'),
      times: 5,
    });
    const outcomes = await sync(deps, { cabinet: 'no-feedbacks', only: ['orders', 'sales'] });
    expect(outcomes.map((o) => [o.stream, o.status, o.errorCode])).toEqual([
      ['orders', 'failed', 'WB_RATE_LIMITED'],
      ['sales', 'ok', undefined],
    ]);
    const cabinetId = (await handle.db.selectFrom('wb_cabinets').select('id').where('name', '=', 'no-feedbacks').executeTakeFirstOrThrow()).id;
    const state = await getStreamState(handle.db, cabinetId, 'orders');
    expect(state!.next_allowed_at!.getTime() - clock.now().getTime()).toBeGreaterThan(590_000);
    wb.server.clearFaults();
    const count = wb.server.requestsTo('/api/v1/supplier/orders').length;
    clock.advance(60_000);
    const [again] = await sync(deps, { cabinet: 'no-feedbacks', only: ['orders'] });
    expect(again!.status).toBe('skipped');
    expect(wb.server.requestsTo('/api/v1/supplier/orders')).toHaveLength(count);
  });

  it('adding a stored token attaches the current user; remove takes the synced data with it', async () => {
    const alice = { ...wbDeps(handle, wb, clock), userName: 'alice' };
    const bob = { ...wbDeps(handle, wb, clock), userName: 'bob' };
    const first = await addCabinet(alice, wb.token, 'shared');
    expect(first).toMatchObject({ created: true, attached: true });
    const pings = wb.server.requestsTo('/ping').length;
    const second = await addCabinet(bob, wb.token);
    expect(second).toMatchObject({ created: false, attached: true });
    expect(second.cabinet.id).toBe(first.cabinet.id);
    expect(wb.server.requestsTo('/ping')).toHaveLength(pings); // nothing to validate again
    expect((await addCabinet(bob, `  ${wb.token}\n`)).attached).toBe(false);
    const users = await handle.db
      .selectFrom('wb_cabinet_users as cu')
      .innerJoin('mp_users as u', 'u.id', 'cu.user_id')
      .select('u.name')
      .where('cu.cabinet_id', '=', first.cabinet.id)
      .orderBy('u.name')
      .execute();
    expect(users.map((u) => u.name)).toEqual(['alice', 'bob']);
    const rows = await listCabinetRows(handle.db);
    const shared = rows.find((r) => r.name === 'shared')!;
    expect(shared.token).toBe(`****${wb.token.slice(-4)}`);
    expect(JSON.stringify(rows)).not.toContain(wb.token);

    clock.advance(120_000);
    await sync(alice, { cabinet: 'shared', only: ['cards', 'orders'] });
    await removeCabinet(handle.db, 'shared');
    const left = await handle.db.selectFrom('wb_orders').select('srid').where('cabinet_id', '=', first.cabinet.id).execute();
    expect(left).toEqual([]);
    expect(await handle.db.selectFrom('wb_cabinet_users').selectAll().where('cabinet_id', '=', first.cabinet.id).execute()).toEqual([]);
  });

  it('X-Ratelimit-Remaining 0: the next page waits one statistics interval instead of earning a 429', async () => {
    // Burst 1, one request a second, and the client told so.
    const limited = await startFakeWb({ orders: 30, sales: 5, products: 2, reviews: 1, pageCap: 10, statisticsBurst: 1, statisticsIntervalMs: 1000 });
    try {
      const base = wbDeps(handle, limited, clock);
      const deps = { ...base, client: { ...base.client, statisticsIntervalMs: 1000 } };
      await addCabinet(deps, makeWbToken({ sid: 'paced-seller' }), 'paced');
      const [orders] = await sync(deps, { cabinet: 'paced', only: ['orders'] });
      expect(orders).toMatchObject({ status: 'ok', initial: true, rowsNew: 30, requests: 4 });
      expect(limited.rateLimited).toEqual([]);
      const reqs = limited.server.requestsTo('/api/v1/supplier/orders');
      const lastChange = (i: number) => msk(limited.from + i * limited.orderStep);
      expect(reqs.slice(1).map((r) => r.query.get('dateFrom'))).toEqual([lastChange(9), lastChange(19), lastChange(29)]);
      for (let k = 1; k < reqs.length; k++) expect(reqs[k]!.at - reqs[k - 1]!.at).toBeGreaterThanOrEqual(990);
      expect(deps.log.lines.join('')).toMatch(/wb orders: Wildberries allows the next statistics request in 1 s; waiting/);
    } finally {
      await limited.server.stop();
    }
  });

  it("WB's limiter stricter than the client thinks: pages beyond the burst get 429 + X-Ratelimit-Retry, and the sync waits it out", async () => {
    // Burst 1, one request a second; the client waits only 100 ms after the burst is spent.
    const limited = await startFakeWb({ orders: 30, sales: 5, products: 2, reviews: 1, pageCap: 10, statisticsBurst: 1, statisticsIntervalMs: 1000 });
    try {
      const base = wbDeps(handle, limited, clock);
      const deps = { ...base, client: { ...base.client, statisticsIntervalMs: 100 } };
      await addCabinet(deps, makeWbToken({ sid: 'other-seller' }), 'limited');
      const [orders] = await sync(deps, { cabinet: 'limited', only: ['orders'] });
      expect(orders).toMatchObject({ status: 'ok', initial: true, rowsNew: 30, rowsUpdated: 0 });
      const reqs = limited.server.requestsTo('/api/v1/supplier/orders');
      const refused = limited.rateLimited.filter((r) => r.request.path === '/api/v1/supplier/orders');
      expect(refused.length).toBeGreaterThan(0);
      // Every request was either refused with a 429 or answered once: the backfill start, then the
      // lastChangeDate of rows 10, 20 and 30 (pages of 10), the last one answered [].
      const answeredDateFroms = reqs.filter((r) => !refused.some((x) => x.request === r)).map((r) => r.query.get('dateFrom'));
      const lastChange = (i: number) => msk(limited.from + i * limited.orderStep);
      expect(answeredDateFroms.slice(1)).toEqual([lastChange(9), lastChange(19), lastChange(29)]);
      expect(orders!.requests).toBe(reqs.length);
      // Each refused request was sent again with the same dateFrom, no sooner than X-Ratelimit-Retry
      // said and not much later either.
      for (const { request, retrySeconds } of refused) {
        expect(retrySeconds).toBeGreaterThanOrEqual(1);
        const again = reqs[reqs.indexOf(request) + 1]!;
        expect(again.query.get('dateFrom')).toBe(request.query.get('dateFrom'));
        expect(again.at - request.at).toBeGreaterThanOrEqual(retrySeconds * 1000 - 50);
        expect(again.at - request.at).toBeLessThan(retrySeconds * 1000 + 3000);
      }
      const run = await handle.db
        .selectFrom('wb_sync_runs as r')
        .innerJoin('wb_cabinets as c', 'c.id', 'r.cabinet_id')
        .select(['r.status', 'r.requests'])
        .where('c.name', '=', 'limited')
        .executeTakeFirstOrThrow();
      expect(run).toEqual({ status: 'ok', requests: reqs.length });
    } finally {
      await limited.server.stop();
    }
  });
});

describe('mp wb sync: a statistics page that breaks off on the way', () => {
  it('is rolled back and asked for again: every row once, counted once, the cursor at its last row', async () => {
    const handle = await createTestDatabase();
    // One page of 1,200 orders: more than one write chunk, so rows were written before the break.
    const wb = await startFakeWb({ orders: 1200, sales: 0, products: 4, reviews: 0, pageCap: 5000, statisticsBurst: 100 });
    try {
      const clock = new TestClock(new Date());
      const deps = wbDeps(handle, wb, clock);
      const { cabinet } = await addCabinet(deps, wb.token);
      const page = Buffer.from(JSON.stringify(wb.ordersSince('2000-01-01')));
      wb.server.fault('/api/v1/supplier/orders', { headers: { 'content-type': 'application/json' }, body: page, truncateAt: Math.floor(page.length * 0.8) });
      const [orders] = await sync(deps, { only: ['orders'] });
      expect(orders).toMatchObject({ status: 'ok', initial: true, rowsNew: 1200, rowsUpdated: 0 });
      const asked = wb.server.requestsTo('/api/v1/supplier/orders').map((r) => r.query.get('dateFrom'));
      // The broken answer, the same page again, then the [] after its last row.
      expect(asked).toHaveLength(3);
      expect(asked[1]).toBe(asked[0]);
      const stored = await handle.db
        .selectFrom('wb_orders')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(1200);
      const lastRow = wb.ordersSince('2000-01-01').at(-1)!;
      expect((await getStreamState(handle.db, cabinet.id, 'orders'))?.cursor).toBe(lastRow.lastChangeDate);
    } finally {
      await wb.server.stop();
      await handle.close();
    }
  });
});
