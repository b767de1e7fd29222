// The REST bad-input corpus (issue 23): requests a broken or hostile client might send to `mp serve`.
// Every one gets a 4xx with the error shape (no 500, no internal error logged), and the database is
// byte-for-byte unchanged by all of them.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/serve/server.js';
import { bearer } from '../support/api.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { TEST_SECRET_KEY } from '../support/payouts-seed.js';

interface RestCase {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  /** The error code (and field) the answer must carry. */
  code?: string;
  field?: string;
}

const SEEDED = '7a1e7c5c-1d2b-4a51-9b1e-2b6f0c8e9d02';
const json = (v: unknown) => JSON.stringify(v);
const valid = { amount: '10.00', currency: 'RUB', recipient: '40817810099910004312' };
const overflowCursor = Buffer.from('s:9999999999999999999').toString('base64url');

const CASES: RestCase[] = [
  // bodies that are not a payout
  { method: 'POST', path: '/api/payouts', body: 'amount=10', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
  { method: 'POST', path: '/api/payouts', body: '{"amount": 10,', status: 400, code: 'BAD_JSON' },
  { method: 'POST', path: '/api/payouts', body: '[]', status: 400, code: 'BAD_JSON' },
  { method: 'POST', path: '/api/payouts', body: 'null', status: 400, code: 'BAD_JSON' },
  { method: 'POST', path: '/api/payouts', body: '"payout"', status: 400, code: 'BAD_JSON' },
  { method: 'POST', path: '/api/payouts', body: '', status: 400, code: 'BAD_JSON' },
  { method: 'POST', path: '/api/payouts', body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]), status: 400, code: 'BAD_JSON' },
  { method: 'POST', path: '/api/payouts', body: `${'['.repeat(30_000)}${']'.repeat(30_000)}`, status: 400, code: 'BAD_JSON' },
  { method: 'POST', path: '/api/payouts', body: json({ ...valid, comment: 'x'.repeat(70_000) }), status: 413, code: 'BODY_TOO_LARGE' },
  // fields
  { method: 'POST', path: '/api/payouts', body: json({ ...valid, comment: 'a\u0000b' }), status: 422, code: 'PAYOUT_INVALID', field: 'comment' },
  { method: 'POST', path: '/api/payouts', body: json({ ...valid, recipient: 'acct\u0000' }), status: 422, code: 'PAYOUT_INVALID', field: 'recipient' },
  {
    method: 'POST',
    path: '/api/payouts',
    body: '{"amount":"10.00","currency":"RUB","recipient":"acct\\ud800x"}',
    status: 422,
    code: 'PAYOUT_INVALID',
    field: 'recipient',
  },
  { method: 'POST', path: '/api/payouts', body: json({ ...valid, comment: 'bidi \u001b[2J' }), status: 422, code: 'PAYOUT_INVALID', field: 'comment' },
  { method: 'POST', path: '/api/payouts', body: json({ ...valid, amount: '10.555' }), status: 422, code: 'PAYOUT_INVALID', field: 'amount' },
  { method: 'POST', path: '/api/payouts', body: '{"amount":1e400,"currency":"RUB","recipient":"a"}', status: 422, code: 'PAYOUT_INVALID', field: 'amount' },
  {
    method: 'POST',
    path: '/api/payouts',
    body: '{"amount":12345678901234567890123,"currency":"RUB","recipient":"a"}',
    status: 422,
    code: 'PAYOUT_INVALID',
    field: 'amount',
  },
  { method: 'POST', path: '/api/payouts', body: json({ ...valid, amount: '12345678901234567890123' }), status: 422, code: 'PAYOUT_INVALID', field: 'amount' },
  { method: 'POST', path: '/api/payouts', body: json({ ...valid, amount: -0.01 }), status: 422, code: 'PAYOUT_INVALID', field: 'amount' },
  { method: 'POST', path: '/api/payouts', body: json({ ...valid, amount: { value: 10 } }), status: 422, code: 'PAYOUT_INVALID', field: 'amount' },
  { method: 'POST', path: '/api/payouts', body: json({ ...valid, currency: ['RUB'] }), status: 422, code: 'PAYOUT_INVALID', field: 'currency' },
  { method: 'POST', path: '/api/payouts', body: json({ ...valid, status: 'COMPLETED' }), status: 422, code: 'PAYOUT_INVALID', field: 'status' },
  { method: 'POST', path: '/api/payouts', body: json({ ...valid, __proto__: { admin: true }, constructor: 1 }), status: 422, code: 'PAYOUT_INVALID' },
  {
    method: 'POST',
    path: '/api/payouts',
    body: json(valid),
    headers: { 'idempotency-key': 'k'.repeat(300) },
    status: 422,
    code: 'PAYOUT_INVALID',
    field: 'idempotency_key',
  },
  {
    method: 'POST',
    path: '/api/payouts',
    body: json(valid),
    headers: { 'idempotency-key': '   ' },
    status: 422,
    code: 'PAYOUT_INVALID',
    field: 'idempotency_key',
  },
  // list queries
  { method: 'GET', path: '/api/payouts?limit=0', status: 400, code: 'PAYOUT_BAD_QUERY', field: 'limit' },
  { method: 'GET', path: '/api/payouts?limit=99999999999', status: 400, code: 'PAYOUT_BAD_QUERY', field: 'limit' },
  { method: 'GET', path: '/api/payouts?limit=1e3', status: 400, code: 'PAYOUT_BAD_QUERY', field: 'limit' },
  { method: 'GET', path: '/api/payouts?since=2026-13-45', status: 400, code: 'PAYOUT_BAD_QUERY', field: 'since' },
  { method: 'GET', path: '/api/payouts?since=99999999d', status: 400, code: 'PAYOUT_BAD_QUERY', field: 'since' },
  { method: 'GET', path: '/api/payouts?status=PAID', status: 400, code: 'PAYOUT_BAD_QUERY', field: 'status' },
  { method: 'GET', path: '/api/payouts?cursor=garbage', status: 400, code: 'PAYOUT_BAD_QUERY', field: 'cursor' },
  { method: 'GET', path: `/api/payouts?cursor=${overflowCursor}`, status: 400, code: 'PAYOUT_BAD_QUERY', field: 'cursor' },
  { method: 'GET', path: '/api/payouts?cursor=%F0%9F%92%A5', status: 400, code: 'PAYOUT_BAD_QUERY', field: 'cursor' },
  // items
  { method: 'GET', path: '/api/payouts/not-a-uuid', status: 404, code: 'PAYOUT_NOT_FOUND' },
  { method: 'GET', path: '/api/payouts/%ZZ', status: 404, code: 'PAYOUT_NOT_FOUND' },
  { method: 'GET', path: `/api/payouts/${'9'.repeat(5000)}`, status: 404, code: 'PAYOUT_NOT_FOUND' },
  { method: 'GET', path: '/api/payouts/..%2F..%2Fetc%2Fpasswd', status: 404, code: 'PAYOUT_NOT_FOUND' },
  { method: 'PATCH', path: `/api/payouts/${SEEDED}`, body: json({ status: 'COMPLETED' }), status: 422, code: 'PAYOUT_INVALID', field: 'status' },
  { method: 'PATCH', path: `/api/payouts/${SEEDED}`, body: json({ amount: '1.234' }), status: 422, code: 'PAYOUT_INVALID', field: 'amount' },
  { method: 'PATCH', path: `/api/payouts/${SEEDED}`, body: json({ comment: 'nul\u0000' }), status: 422, code: 'PAYOUT_INVALID', field: 'comment' },
  { method: 'PATCH', path: `/api/payouts/${SEEDED}`, body: json({}), status: 422, code: 'PAYOUT_INVALID', field: 'body' },
  { method: 'PATCH', path: '/api/payouts/00000000-0000-4000-8000-000000000000', body: json({ comment: 'x' }), status: 404, code: 'PAYOUT_NOT_FOUND' },
  { method: 'DELETE', path: '/api/payouts/00000000-0000-4000-8000-000000000000', status: 404, code: 'PAYOUT_NOT_FOUND' },
  { method: 'PUT', path: '/api/payouts', body: json(valid), status: 405, code: 'METHOD_NOT_ALLOWED' },
  { method: 'POST', path: '/healthz', status: 405, code: 'METHOD_NOT_ALLOWED' },
  { method: 'GET', path: '/api/../../etc/passwd', status: 404, code: 'NOT_FOUND' },
];

let h: TestDatabase;
let base: string;
let close: () => Promise<void>;
let auth: string;
const internal: unknown[] = [];

beforeAll(async () => {
  h = await createTestDatabase();
  await sql`insert into payouts (id, amount, currency, recipient) values (${SEEDED}, 5.00, 'RUB', 'acct-seeded')`.execute(h.db);
  auth = await bearer(h.db, ['payouts']);
  const server = createApiServer(h.db, { secretKey: TEST_SECRET_KEY, accessLog: null, onInternalError: (e) => internal.push(e) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await close?.();
  await h?.close();
});

async function digest(): Promise<string> {
  const r = await sql<{ h: string }>`select md5(coalesce((select string_agg(p::text, '|' order by p.id) from payouts p), '') ||
    coalesce((select string_agg(e::text, '|' order by e.id) from payout_events e), '')) as h`.execute(h.db);
  return r.rows[0]!.h;
}

describe(`the REST bad-input corpus (${CASES.length} requests)`, () => {
  it('every request: its 4xx and error code naming the field, no 500, nothing internal; the database unchanged', async () => {
    const before = await digest();
    const problems: string[] = [];
    for (const c of CASES) {
      const headers: Record<string, string> = { authorization: auth, ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}), ...c.headers };
      const res = await fetch(`${base}${c.path}`, { method: c.method, headers, body: c.body as string | undefined });
      const text = await res.text();
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const label = `${c.method} ${c.path.slice(0, 60)} ${String(c.body ?? '').slice(0, 50)}`;
      if (res.status !== c.status) problems.push(`${label}: ${res.status}, expected ${c.status}: ${text.slice(0, 200)}`);
      else if (c.code && body?.error?.code !== c.code) problems.push(`${label}: code ${body?.error?.code}, expected ${c.code}`);
      else if (c.field && !(c.field in (body?.error?.fields ?? {})))
        problems.push(`${label}: fields ${JSON.stringify(body?.error?.fields)} do not name ${c.field}`);
    }
    expect(problems).toEqual([]);
    expect(internal).toEqual([]);
    expect(await digest()).toBe(before);
  });
});
