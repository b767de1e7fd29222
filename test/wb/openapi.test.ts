// The fake WB API against WB's own OpenAPI documents (fixtures/wb/openapi-subset.json: the operations
// mp calls, taken from the official files with their $refs inlined): every answer mp's sync reads —
// 200s, a 400, a 401 and a 429 — must have a documented status and a body matching the documented
// schema, with no field the document does not list. A fake that drifted from WB would otherwise test
// mp's parsers against fiction.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWb, makeWbToken, startFakeWb } from '../../src/fakes/fake-wb.js';
import { type OpenApiCheck, openApiChecker } from '../support/openapi-check.js';

const doc = JSON.parse(readFileSync(new URL('../../fixtures/wb/openapi-subset.json', import.meta.url), 'utf8'));
let wb: FakeWb;
let spec: OpenApiCheck;

beforeAll(async () => {
  wb = await startFakeWb({ orders: 30, sales: 12, products: 3, reviews: 6, from: new Date(Date.now() - 5 * 86_400_000), statisticsBurst: 100 });
  spec = openApiChecker(doc, { undocumentedProperties: true });
});
afterEach(() => wb?.verify());
afterAll(async () => wb?.server.stop());

async function call(method: string, path: string, options: { body?: unknown; token?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = options.token === undefined ? wb.token : options.token;
  if (token) headers.authorization = token;
  const res = await fetch(`${wb.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function conforms(method: string, path: string, options: { body?: unknown; token?: string | null } = {}, status = 200) {
  const r = await call(method, path, options);
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(spec.check(method, path, r.status, r.body)).toEqual([]);
  return r.body;
}

describe('the fake WB API matches the official OpenAPI documents', () => {
  it('the check itself reports an invented field, a wrong type and an undocumented status', () => {
    const row = { srid: 'x', lastChangeDate: '2026-11-20T10:00:00', totalPrice: 100 };
    expect(spec.check('GET', '/api/v1/supplier/orders', 200, [row])).toEqual([]);
    expect(spec.check('GET', '/api/v1/supplier/orders', 200, [{ ...row, orderId: 7 }])).toEqual([
      'GET /api/v1/supplier/orders 200 body[0].orderId: not documented',
    ]);
    expect(spec.check('GET', '/api/v1/supplier/orders', 200, [{ ...row, totalPrice: '100' }])).toEqual([
      'GET /api/v1/supplier/orders 200 body[0].totalPrice: expected number',
    ]);
    expect(spec.check('GET', '/api/v1/supplier/orders', 503, undefined)).toEqual(['GET /api/v1/supplier/orders: status 503 is not documented']);
  });

  const since = encodeURIComponent(new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 19));

  it('common: ping and seller-info', async () => {
    await conforms('GET', '/ping');
    await conforms('GET', '/api/v1/seller-info');
  });

  it('statistics: orders and sales (every row), and a 400 without dateFrom', async () => {
    const orders = await conforms('GET', `/api/v1/supplier/orders?dateFrom=${since}&flag=0`);
    expect(orders.length).toBeGreaterThan(0);
    const sales = await conforms('GET', `/api/v1/supplier/sales?dateFrom=${since}&flag=0`);
    expect(sales.length).toBeGreaterThan(0);
    // Both kinds of sale row: buyouts (S…) and returns (R…).
    expect(new Set(sales.map((s: { saleID: string }) => s.saleID[0]))).toEqual(new Set(['S', 'R']));
    await conforms('GET', '/api/v1/supplier/orders', {}, 400);
  });

  it('analytics: the stocks report', async () => {
    const report = await conforms('POST', '/api/analytics/v1/stocks-report/wb-warehouses', { body: { limit: 1000, offset: 0 } });
    expect(report.data.items.length).toBeGreaterThan(0);
  });

  it('feedbacks: answered and unanswered reviews, and a 400 without the required parameters', async () => {
    const unanswered = await conforms('GET', '/api/v1/feedbacks?isAnswered=false&take=100&skip=0');
    const answered = await conforms('GET', '/api/v1/feedbacks?isAnswered=true&take=100&skip=0');
    expect(unanswered.data.feedbacks.length + answered.data.feedbacks.length).toBe(6);
    await conforms('GET', '/api/v1/feedbacks?take=100', {}, 400);
  });

  it('content: the cards list', async () => {
    const cards = await conforms('POST', '/content/v2/get/cards/list', { body: { settings: { cursor: { limit: 100 }, filter: { withPhoto: -1 } } } });
    expect(cards.cards.length).toBe(3);
  });

  it('errors: 401 for a bad, expired or out-of-scope token; 429 over the rate limit', async () => {
    await conforms('GET', '/api/v1/seller-info', { token: 'not-a-token' }, 401);
    await conforms('GET', '/api/v1/seller-info', { token: makeWbToken({ expiresAt: new Date(Date.now() - 60_000) }) }, 401);
    await conforms('GET', `/api/v1/supplier/orders?dateFrom=${since}`, { token: makeWbToken({ categories: ['content'] }) }, 401);
    // The feedbacks bucket holds 6: the next requests in the same instant are refused.
    const answers = await Promise.all(Array.from({ length: 10 }, () => call('GET', '/api/v1/feedbacks?isAnswered=false&take=1&skip=0')));
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(spec.check('GET', '/api/v1/feedbacks', 429, r.body)).toEqual([]);
  });
});
