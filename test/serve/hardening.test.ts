// `mp serve` on an exposed port (issue 24): tokens (401, 403, 429, revocation), Host and Origin checks
// (DNS rebinding, browsers), problem+json everywhere, body size limit, slow-body deadline, connection
// cap, graceful shutdown; every answer checked against /openapi.json.
import { connect, type Socket } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '../../src/serve/api-tokens.service.js';
import { bearer, startApi, type TestApi, uncoveredOfTag } from '../support/api.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { type OpenApiCheck, openApiChecker } from '../support/openapi-check.js';

let h: TestDatabase;
let api: TestApi;
let spec: OpenApiCheck;
let admin: string;
let doc: Record<string, any>;

beforeAll(async () => {
  h = await createTestDatabase();
  api = await startApi(h.db, { allowedHosts: ['api.example.com'], allowedOrigins: ['https://admin.example.com'], tokenCacheMs: 0 });
  admin = await bearer(h.db);
  doc = (await (await fetch(`${api.base}/openapi.json`, { headers: { authorization: admin } })).json()) as Record<string, any>;
  spec = openApiChecker(doc);
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

async function call(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = await fetch(`${api.base}${path}`, init);
  const text = await res.text();
  const body = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
  const method = init.method ?? 'GET';
  expect(spec.check(method, path, res.status, body)).toEqual([]);
  return { status: res.status, headers: res.headers, body };
}

/** Raw HTTP/1.1 over a socket: headers fetch() will not send (Host), and slow bodies. */
function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(api.base).port), '127.0.0.1');
    let got = '';
    socket.on('data', (d) => {
      got += d;
    });
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
    socket.write(text);
  });
}

describe('tokens', () => {
  it('no token: 401 problem+json with UNAUTHORIZED and a Bearer challenge; /healthz needs none', async () => {
    const r = await call('/api/payouts');
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(r.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED', title: 'Unauthorized', error: { code: 'UNAUTHORIZED' } });
    expect((await call('/openapi.json')).status).toBe(401);
    expect((await call('/api/payouts', { headers: { authorization: 'Bearer mpt_nope' } })).status).toBe(401);
    expect((await call('/api/payouts', { headers: { authorization: 'Basic eDp5' } })).status).toBe(401);
    expect((await call('/healthz')).status).toBe(200);
  });

  it('a token without the scope: 403 FORBIDDEN_SCOPE; write includes read, read is not write, payouts is its own', async () => {
    const read = await bearer(h.db, ['read']);
    const write = await bearer(h.db, ['write']);
    expect((await call('/api/payouts', { headers: { authorization: read } })).body.code).toBe('FORBIDDEN_SCOPE');
    expect((await call('/api/payouts', { headers: { authorization: write } })).status).toBe(403);
    expect((await call('/openapi.json', { headers: { authorization: write } })).status).toBe(200);
    const payouts = await bearer(h.db, ['payouts']);
    expect((await call('/api/payouts', { headers: { authorization: payouts } })).status).toBe(200);
    expect((await call('/openapi.json', { headers: { authorization: payouts } })).status).toBe(403);
  });

  it('a revoked token stops working; the database keeps only its hash', async () => {
    const t = await createApiToken(h.db, { userName: 'carol', name: 'ci', scopes: ['payouts'] });
    expect(t.token).toMatch(/^mpt_[A-Za-z0-9_-]{43}$/);
    const stored = await sql<{ token_hash: string; prefix: string }>`select token_hash, prefix from api_tokens where id = ${t.id}`.execute(h.db);
    expect(stored.rows[0]!.token_hash).not.toContain(t.token.slice(4));
    expect(t.token.startsWith(stored.rows[0]!.prefix)).toBe(true);
    expect((await call('/api/payouts', { headers: { authorization: `Bearer ${t.token}` } })).status).toBe(200);
    await revokeApiToken(h.db, 'carol', 'ci', new Date());
    expect((await call('/api/payouts', { headers: { authorization: `Bearer ${t.token}` } })).status).toBe(401);
    // Another user cannot revoke carol's tokens.
    const u = await createApiToken(h.db, { userName: 'carol', name: 'ci', scopes: ['read'] });
    await expect(revokeApiToken(h.db, 'mallory', u.id, new Date())).rejects.toMatchObject({ code: 'API_TOKEN_NOT_FOUND' });
    await expect(createApiToken(h.db, { userName: 'carol', name: 'ci' })).rejects.toMatchObject({ code: 'API_TOKEN_EXISTS' });
    await expect(createApiToken(h.db, { userName: 'carol', name: 'x', scopes: ['admin'] })).rejects.toMatchObject({ code: 'API_TOKEN_BAD_SCOPE' });
  });

  it('per-token rate limit: past its burst a token gets 429 RATE_LIMITED with Retry-After; another token is not held back', async () => {
    const slow = (await createApiToken(h.db, { userName: 'tester', name: 'slow', scopes: ['read'], rate: 1 })).token;
    // Sent at once, so a loaded machine's slow answers do not refill the bucket between them (burst: 2).
    const answers = await Promise.all(Array.from({ length: 8 }, () => call('/openapi.json', { headers: { authorization: `Bearer ${slow}` } })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
    const limited = answers.find((a) => a.status === 429);
    expect(limited?.body.code).toBe('RATE_LIMITED');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect((await call('/openapi.json', { headers: { authorization: admin } })).status).toBe(200);
  });
});

describe('Host and Origin', () => {
  it('a Host the server is not known by is refused (421 HOST_NOT_ALLOWED): DNS rebinding cannot reach it', async () => {
    const answer = await raw(
      `POST /api/payouts HTTP/1.1\r\nHost: attacker.example\r\nAuthorization: ${admin}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    expect(answer).toMatch(/^HTTP\/1.1 421/);
    expect(answer).toContain('"code":"HOST_NOT_ALLOWED"');
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    const known = await raw(`GET /healthz HTTP/1.1\r\nHost: api.example.com:8080\r\nConnection: close\r\n\r\n`);
    expect(known).toMatch(/^HTTP\/1.1 200/);
    const local = await raw(`GET /healthz HTTP/1.1\r\nHost: localhost:1234\r\nConnection: close\r\n\r\n`);
    expect(local).toMatch(/^HTTP\/1.1 200/);
    expect((await count()) === 0).toBe(true);
  });

  it('a browser Origin not configured is refused (403 ORIGIN_NOT_ALLOWED); a configured one gets CORS headers and preflight', async () => {
    const evil = await call('/api/payouts', { headers: { authorization: admin, origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect(evil.body.code).toBe('ORIGIN_NOT_ALLOWED');
    const ok = await call('/api/payouts', { headers: { authorization: admin, origin: 'https://admin.example.com' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    const pre = await fetch(`${api.base}/api/payouts`, {
      method: 'OPTIONS',
      headers: { origin: 'https://admin.example.com', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
  });
});

async function count(): Promise<number> {
  return Number((await sql<{ n: string }>`select count(*)::text as n from payouts`.execute(h.db)).rows[0]!.n);
}

describe('limits', () => {
  it('a body over the limit: 413 BODY_TOO_LARGE and the connection closes', async () => {
    const r = await call('/api/payouts', {
      method: 'POST',
      headers: { authorization: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: '1.00', currency: 'RUB', recipient: 'x', comment: 'x'.repeat(70_000) }),
    });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('BODY_TOO_LARGE');
    expect(r.headers.get('connection')).toBe('close');
  });

  it('unknown route 404 NOT_FOUND, wrong method 405 with Allow: problem+json', async () => {
    const r = await fetch(`${api.base}/api/nothing`, { headers: { authorization: admin } });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { code: string }).code).toBe('NOT_FOUND');
    const m = await fetch(`${api.base}/api/payouts`, { method: 'PUT', headers: { authorization: admin } });
    expect(m.status).toBe(405);
    expect(m.headers.get('allow')).toBe('POST, GET');
    expect(m.headers.get('content-type')).toMatch(/problem\+json/);
  });
});

describe('slow clients, connection cap and shutdown (a server of their own, short deadlines)', () => {
  let small: TestApi;
  let token: string;
  beforeAll(async () => {
    small = await startApi(h.db, { requestTimeoutMs: 1000, headersTimeoutMs: 1000, maxConnections: 20 });
    token = await bearer(h.db, ['payouts']);
  });
  afterAll(async () => small?.close());

  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = connect(Number(new URL(small.base).port), '127.0.0.1', () => resolve(s));
      s.on('error', reject);
    });

  it('a body that trickles in is cut off at the deadline with 408 REQUEST_TIMEOUT (not held for 300 s), and nothing is stored', async () => {
    const s = await open();
    let got = '';
    s.on('data', (d) => {
      got += d;
    });
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
    const started = Date.now();
    s.write(`POST /api/payouts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"amo`);
    const drip = setInterval(() => s.writable && s.write(' '), 200);
    await closed;
    clearInterval(drip);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(got).toMatch(/^HTTP\/1.1 408/);
    expect(got).toContain('"code":"REQUEST_TIMEOUT"');
    expect(await count()).toBe(0);
  });

  it('past the connection cap, new connections are refused while the others are still served; the slots come back', async () => {
    const held = await Promise.all(Array.from({ length: 20 }, () => open()));
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(Number(new URL(small.base).port), '127.0.0.1');
      s.on('close', () => resolve(true));
      s.on('error', () => resolve(true));
      s.on('data', () => resolve(false));
      s.on('connect', () => s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    });
    expect(refused).toBe(true);
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${small.base}/healthz`)).status).toBe(200);
  });

  it('graceful shutdown: a request in flight is answered, then the server closes', async () => {
    const s = await open();
    let got = '';
    s.on('data', (d) => {
      got += d;
    });
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
    const body = JSON.stringify({ amount: '3.00', currency: 'RUB', recipient: 'acct-shutdown' });
    s.write(
      `POST /api/payouts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 100));
    const done = small.server.shutdown(5000);
    s.write(body.slice(10));
    await closed;
    await done;
    expect(got).toMatch(/^HTTP\/1.1 201/);
    expect(got).toMatch(/connection: close/i);
    expect(await count()).toBe(1);
  });
});

describe('/metrics', () => {
  it('from loopback without a token; through a proxy (X-Forwarded-For) a read token is needed; the request counters move', async () => {
    const scrape = async (headers: Record<string, string> = {}) => {
      const r = await call('/metrics', { headers });
      return { status: r.status, text: String(typeof r.body === 'string' ? r.body : '') };
    };
    const value = (text: string, series: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.split(' ')[1] ?? 0,
      );
    const before = await scrape();
    expect(before.status).toBe(200);
    for (let i = 0; i < 3; i++) await fetch(`${api.base}/api/payouts`, { headers: { authorization: admin } });
    await fetch(`${api.base}/api/payouts`);
    const after = await scrape();
    const ok = 'mp_http_requests_total{method="GET",route="/api/payouts",status="200"}';
    expect(value(after.text, ok) - value(before.text, ok)).toBe(3);
    expect(value(after.text, 'mp_http_requests_total{method="GET",route="/api/payouts",status="401"}')).toBeGreaterThanOrEqual(1);
    expect(after.text).toContain('mp_http_request_duration_seconds_bucket{le="0.05",method="GET",route="/api/payouts",status="200"}');
    expect(after.text).toMatch(/^mp_payouts\{status="NEW"\} \d+$/m);
    expect(after.text).toMatch(/^mp_payouts_queue_age_seconds \d/m);
    expect(after.text).toMatch(/^mp_notify_outbox\{status="dead"\} 0$/m);
    expect((await scrape({ 'x-forwarded-for': '203.0.113.9' })).status).toBe(401);
    expect((await scrape({ 'x-forwarded-for': '203.0.113.9', authorization: await bearer(h.db, ['payouts']) })).status).toBe(403);
    expect((await scrape({ 'x-forwarded-for': '203.0.113.9', authorization: await bearer(h.db, ['read']) })).status).toBe(200);
  });
});

describe('system routes', () => {
  it('/docs is a page that needs no token', async () => {
    const page = await call('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('every documented system operation and status was exercised', () => {
    expect(uncoveredOfTag(doc, spec, 'system')).toEqual([]);
  });
});
