// The REST API of `mp serve` on both engines: status codes and bodies for every route, each answer
// checked against /openapi.json, and every documented status exercised at least once.
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPayouts } from '../../src/payouts/payouts-queue.repository.js';
import { createApiServer } from '../../src/serve/server.js';
import { bearer, sweepAuth, sweepOtherUser, uncoveredOfTag } from '../support/api.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { type OpenApiCheck, openApiChecker } from '../support/openapi-check.js';
import { TEST_SECRET_KEY } from '../support/payouts-seed.js';

let h: TestDatabase;
let base: string;
let close: () => Promise<void>;
let spec: OpenApiCheck;
let auth: string;
let doc: Record<string, any>;
const accessLog: string[] = [];

beforeAll(async () => {
  h = await createTestDatabase();
  auth = await bearer(h.db, ['payouts', 'read']);
  const server = createApiServer(h.db, {
    secretKey: TEST_SECRET_KEY,
    accessLog: new Writable({
      write(chunk, _e, cb) {
        accessLog.push(...String(chunk).trim().split('\n'));
        cb();
      },
    }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const res = await fetch(`${base}/openapi.json`, { headers: { authorization: auth } });
  doc = (await res.json()) as Record<string, any>;
  spec = openApiChecker(doc);
  expect(spec.check('GET', '/openapi.json', res.status, doc)).toEqual([]);
});
afterAll(async () => {
  await close?.();
  await h?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** One request; its answer must match the OpenAPI document. */
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { authorization: auth, ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  expect(spec.check(method, path, res.status, parsed)).toEqual([]);
  return { status: res.status, headers: res.headers, body: parsed };
}

const valid = { amount: '100.50', currency: 'RUB', recipient: '40817810099910004312', comment: 'rent' };

describe('POST /api/payouts', () => {
  it('201 with the payout (masked recipient) and a Location', async () => {
    const r = await call('POST', '/api/payouts', { ...valid, amount: 100.5, currency: 'rub' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ amount: '100.50', currency: 'RUB', recipient: '****4312', status: 'NEW', attempts: 0 });
    expect(r.headers.get('location')).toBe(`/api/payouts/${r.body.id}`);
  });

  it('Idempotency-Key: same body → 200 with the same payout; another body → 409', async () => {
    const first = await call('POST', '/api/payouts', valid, { 'idempotency-key': 'k-1' });
    const again = await call('POST', '/api/payouts', valid, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const conflict = await call('POST', '/api/payouts', { ...valid, amount: '1.00' }, { 'idempotency-key': 'k-1' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('PAYOUT_IDEMPOTENCY_CONFLICT');
  });

  it('Idempotency-Key of a deleted payout → 409, alone and inside a batch, and no payout is created', async () => {
    const first = await call('POST', '/api/payouts', valid, { 'idempotency-key': 'k-del' });
    expect((await call('DELETE', `/api/payouts/${first.body.id}`)).status).toBe(204);
    const retry = await call('POST', '/api/payouts', valid, { 'idempotency-key': 'k-del' });
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('PAYOUT_IDEMPOTENCY_KEY_DELETED');
    // In one batch with other creates: only that one is refused.
    const batch = await Promise.all([
      call('POST', '/api/payouts', valid, { 'idempotency-key': 'k-del' }),
      call('POST', '/api/payouts', valid, { 'idempotency-key': 'k-new' }),
      call('POST', '/api/payouts', valid),
    ]);
    expect(batch.map((r) => r.status)).toEqual([409, 201, 201]);
    const { rows } = await sql<{ n: string }>`select count(*) as n from payouts where idempotency_key = 'k-del'`.execute(h.db);
    expect(rows[0]!.n).toBe('0');
  });

  it('concurrent POSTs are batched into one insert: all created, and one key in one batch makes one payout', async () => {
    const distinct = await Promise.all(Array.from({ length: 20 }, (_, i) => call('POST', '/api/payouts', { ...valid, amount: String(i + 1) })));
    expect(distinct.map((r) => r.status)).toEqual(new Array(20).fill(201));
    expect(new Set(distinct.map((r) => r.body.id)).size).toBe(20);
    const same = await Promise.all(Array.from({ length: 10 }, () => call('POST', '/api/payouts', valid, { 'idempotency-key': 'burst' })));
    expect(same.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(same.map((r) => r.body.id)).size).toBe(1);
    const mixed = await Promise.all([
      call('POST', '/api/payouts', valid, { 'idempotency-key': 'burst-2' }),
      call('POST', '/api/payouts', { ...valid, amount: '3' }, { 'idempotency-key': 'burst-2' }),
    ]);
    expect(mixed.map((r) => r.status)).toEqual([201, 409]);
  });

  it('422 with a field map at each boundary', async () => {
    const r = await call('POST', '/api/payouts', { amount: '0.00', currency: 'KZT', recipient: ' ', comment: 'x'.repeat(1001), extra: true });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({
      code: 'PAYOUT_INVALID',
      fields: {
        amount: 'must be at least 0.01',
        currency: 'must be one of RUB, USD, EUR',
        recipient: 'is required',
        comment: 'must be at most 1000 characters (got 1001)',
        extra: 'is not a known field',
      },
    });
    expect((await call('POST', '/api/payouts', { ...valid, amount: '0.001' })).body.error.fields).toEqual({ amount: 'must have at most 2 decimal places' });
    expect((await call('POST', '/api/payouts', { ...valid, amount: '0.01', comment: 'x'.repeat(1000) })).status).toBe(201);
    expect((await call('POST', '/api/payouts', valid, { 'idempotency-key': ' ' })).body.error.fields).toEqual({
      idempotency_key: 'must be a non-empty string',
    });
  });

  it('400 for bad JSON, 415 for another content type, 413 over the size limit', async () => {
    expect((await call('POST', '/api/payouts', '{"amount":')).body.error.code).toBe('BAD_JSON');
    expect((await call('POST', '/api/payouts', '[1]')).status).toBe(400);
    expect((await call('POST', '/api/payouts', 'amount=1', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    const big = await call('POST', '/api/payouts', { ...valid, comment: 'x'.repeat(70_000) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('BODY_TOO_LARGE');
  });
});

describe('GET /api/payouts', () => {
  it('pages with limit and cursor, filters by status, rejects bad queries with 400', async () => {
    const page1 = await call('GET', '/api/payouts?limit=2');
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await call('GET', `/api/payouts?limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[1].id);
    const all = await call('GET', '/api/payouts?limit=1000&status=NEW&since=1d');
    expect(all.body.next_cursor).toBeNull();
    expect(all.body.items.every((p: { status: string }) => p.status === 'NEW')).toBe(true);
    const bad = await call('GET', '/api/payouts?status=PAID&limit=5000');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['limit', 'status']);
    // Every bad parameter is named at once.
    const worse = await call('GET', '/api/payouts?since=yesterday&status=PAID&limit=0&cursor=zz');
    expect(worse.body.error).toMatchObject({
      code: 'PAYOUT_BAD_QUERY',
      fields: {
        since: 'must be a duration like 7d or 12h, or a date like 2026-11-01',
        status: 'must be one of NEW, PROCESSING, COMPLETED, FAILED, CANCELLED',
        limit: 'must be a whole number from 1 to 1000',
        cursor: 'is not a cursor returned by this API',
      },
    });
    expect((await call('GET', '/api/payouts?cursor=&limit=1')).status).toBe(200);
  });
});

describe('/api/payouts/{id}', () => {
  it('GET 200 with events, 404 when unknown', async () => {
    const { body: created } = await call('POST', '/api/payouts', valid);
    const r = await call('GET', `/api/payouts/${created.id}`);
    expect(r.status).toBe(200);
    expect(r.body.events).toEqual([expect.objectContaining({ from: null, to: 'NEW', detail: 'created' })]);
    expect((await call('GET', '/api/payouts/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await call('GET', '/api/payouts/not-a-uuid')).body.error.code).toBe('PAYOUT_NOT_FOUND');
    expect((await call('GET', '/api/payouts/%E0%A4%A')).status).toBe(404);
  });

  it('PATCH changes a NEW payout, cancels with status CANCELLED, 409 after a worker took it', async () => {
    const { body: p } = await call('POST', '/api/payouts', valid);
    const changed = await call('PATCH', `/api/payouts/${p.id}`, { amount: '5', comment: null });
    expect(changed.body).toMatchObject({ amount: '5.00', comment: null, status: 'NEW' });
    expect((await call('PATCH', `/api/payouts/${p.id}`, { amount: '0.00' })).status).toBe(422);
    expect((await call('PATCH', `/api/payouts/${p.id}`, {})).body.error.fields).toEqual({ body: 'nothing to change: give amount, recipient or comment' });
    expect((await call('PATCH', `/api/payouts/${p.id}`, { status: 'COMPLETED' })).body.error.fields).toEqual({ status: 'can only be set to CANCELLED' });
    expect((await call('PATCH', `/api/payouts/${p.id}`, '{')).status).toBe(400);
    expect((await call('PATCH', `/api/payouts/${p.id}`, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await call('PATCH', `/api/payouts/${p.id}`, { comment: 'x'.repeat(70_000) })).status).toBe(413);
    expect((await call('PATCH', '/api/payouts/00000000-0000-0000-0000-000000000000', { amount: '1' })).status).toBe(404);

    const { body: q } = await call('POST', '/api/payouts', valid);
    await h.db
      .updateTable('payouts')
      .set({ created_at: new Date(0) })
      .where('id', '=', q.id)
      .execute();
    const claimed = await claimPayouts(h.db, 'test-worker', 1, 60_000);
    expect(claimed[0]!.id).toBe(q.id);
    const late = await call('PATCH', `/api/payouts/${q.id}`, { amount: '7' });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'PAYOUT_NOT_EDITABLE', fields: {} });
    expect((await call('PATCH', `/api/payouts/${q.id}`, { status: 'CANCELLED' })).body.error.code).toBe('PAYOUT_NOT_CANCELLABLE');
    expect((await call('DELETE', `/api/payouts/${q.id}`)).status).toBe(409);

    const cancelled = await call('PATCH', `/api/payouts/${p.id}`, { status: 'CANCELLED' });
    expect(cancelled.body.status).toBe('CANCELLED');
    const del = await call('DELETE', `/api/payouts/${p.id}`);
    expect(del.status).toBe(204);
    expect((await call('DELETE', `/api/payouts/${p.id}`)).status).toBe(404);
  });
});

describe('the rest', () => {
  it('/healthz answers, unknown routes are 404, wrong methods 405 with Allow', async () => {
    expect(await call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const missing = await fetch(`${base}/api/nothing`, { headers: { authorization: auth } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const wrong = await fetch(`${base}/api/payouts`, { method: 'PUT', headers: { authorization: auth } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, GET');
  });

  it('writes one JSON access-log line per request', () => {
    const lines = accessLog.map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.find((l) => l.path === '/healthz')).toMatchObject({ level: 'info', msg: 'request', method: 'GET', status: 200 });
    expect(lines.every((l) => typeof l.ms === 'number' && typeof l.time === 'string')).toBe(true);
  });

  it('every payouts endpoint: 401 without a token, 403 with a token lacking the payouts scope; bodies: 415 not JSON, 413 too large', async () => {
    const raw = async (method: string, path: string, authorization: string | null, body?: unknown, contentType = 'application/json') => {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      if (body !== undefined) headers['content-type'] = contentType;
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      const parsed = text ? JSON.parse(text) : undefined;
      expect(spec.check(method, path, res.status, parsed)).toEqual([]);
      return { status: res.status, body: parsed };
    };
    const readOnly = await bearer(h.db, ['read', 'write']);
    const problems = await sweepAuth(doc, raw, {
      prefix: '/api/payouts',
      params: { id: '00000000-0000-4000-8000-000000000000' },
      wrongScope: { payouts: readOnly },
      rightScope: { payouts: auth },
    });
    expect(problems).toEqual([]);
  });

  it('another user’s payout: 403 FORBIDDEN on every endpoint naming it, nothing changes; one that does not exist: 404', async () => {
    const raw = async (method: string, path: string, authorization: string | null, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const parsed = text ? JSON.parse(text) : undefined;
      expect(spec.check(method, path, res.status, parsed)).toEqual([]);
      return { status: res.status, body: parsed };
    };
    const theirs = (await call('POST', '/api/payouts', valid)).body;
    const mallory = await bearer(h.db, ['payouts'], 'mallory');
    const { problems, called } = await sweepOtherUser(doc, raw, {
      prefix: '/api/payouts',
      params: { id: theirs.id },
      missing: { id: '00000000-0000-4000-8000-000000000000' },
      auth: { payouts: mallory },
      bodies: { 'PATCH /api/payouts/{id}': { amount: '1.00' } },
    });
    expect(problems).toEqual([]);
    expect(called.sort()).toEqual(['DELETE /api/payouts/{id}', 'GET /api/payouts/{id}', 'PATCH /api/payouts/{id}']);
    expect((await call('GET', `/api/payouts/${theirs.id}`)).body).toMatchObject({ amount: '100.50', status: 'NEW' });
    expect((await raw('PATCH', `/api/payouts/${theirs.id}`, mallory, { status: 'CANCELLED' })).status).toBe(403);
    expect((await call('GET', `/api/payouts/${theirs.id}`)).body.status).toBe('NEW');
  });

  it('every documented payouts operation and status was exercised (429: test/serve/hardening.test.ts)', () => {
    expect(uncoveredOfTag(doc, spec, 'payouts')).toEqual([]);
  });
});
