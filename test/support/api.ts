// An `mp serve` API server on 127.0.0.1:0 for HTTP tests, and tokens for it (any user, any scopes).
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { createApiToken } from '../../src/serve/api-tokens.service.js';
import { type ApiOptions, type ApiServer, createApiServer } from '../../src/serve/server.js';
import { type OpenApiCheck, openApiChecker } from './openapi-check.js';
import { TEST_SECRET_KEY } from './payouts-seed.js';

export interface TestApi {
  base: string;
  server: ApiServer;
  close(): Promise<void>;
}

export async function startApi(db: Kysely<Database>, options: ApiOptions = {}): Promise<TestApi> {
  const server = createApiServer(db, { accessLog: null, secretKey: TEST_SECRET_KEY, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let n = 0;
/** A new token's `Authorization` header value for `user` (default "tester") with `scopes`. */
export async function bearer(db: Kysely<Database>, scopes: string[] = ['read', 'write', 'payouts'], user = 'tester', rate = 100_000): Promise<string> {
  const t = await createApiToken(db, { userName: user, name: `test-${process.pid}-${++n}`, scopes, rate });
  return `Bearer ${t.token}`;
}

type Call = (method: string, path: string, auth: string | null, body?: unknown, contentType?: string) => Promise<{ status: number; body: any }>;

/** A request to the API whose answer is checked against /openapi.json (and is problem+json when an error). */
export type CheckedCall = (
  method: string,
  path: string,
  auth: string | null,
  body?: unknown,
  contentType?: string,
  /** More request headers (If-None-Match …). */
  more?: Record<string, string>,
) => Promise<{ status: number; body: any; headers: Headers }>;

/** What the /api/v1 tests start from: alice (read+write, and read only), bob, the OpenAPI document, its checker and a checked `call`. */
export interface ApiSession {
  alice: string;
  aliceRead: string;
  bob: string;
  doc: Record<string, any>;
  spec: OpenApiCheck;
  call: CheckedCall;
}

/** Tokens for alice and bob on `api`, its /openapi.json, and a `call` that checks every answer against it. */
export async function apiSession(db: Kysely<Database>, api: TestApi): Promise<ApiSession> {
  const alice = await bearer(db, ['read', 'write'], 'alice');
  const aliceRead = await bearer(db, ['read'], 'alice');
  const bob = await bearer(db, ['read', 'write'], 'bob');
  const doc = (await (await fetch(`${api.base}/openapi.json`, { headers: { authorization: alice } })).json()) as Record<string, any>;
  const spec = openApiChecker(doc);
  const call: CheckedCall = async (method, path, auth, body, contentType = 'application/json', more = {}) => {
    const headers: Record<string, string> = { ...more };
    if (auth) headers.authorization = auth;
    if (body !== undefined) headers['content-type'] = contentType;
    const res = await fetch(`${api.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    expect(spec.check(method, path, res.status, parsed), `${method} ${path} ${res.status}`).toEqual([]);
    if (res.status >= 400) expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return { alice, aliceRead, bob, doc, spec, call };
}

/**
 * For every documented operation whose path starts with `prefix`: 401 without a token, 403 with a
 * token lacking its scope (`wrongScope[scope]`), and for those with a body 415 when it is not JSON
 * and 413 when it is too large (with a token that has the scope, `rightScope[scope]`: nothing is
 * changed, the body is refused first). Path parameters are filled from `params`.
 */
export async function sweepAuth(
  doc: Record<string, any>,
  call: Call,
  o: { prefix: string; params: Record<string, string>; wrongScope: Record<string, string>; rightScope: Record<string, string> },
): Promise<string[]> {
  const problems: string[] = [];
  for (const [template, item] of Object.entries<Record<string, any>>(doc.paths)) {
    if (!template.startsWith(o.prefix)) continue;
    const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(o.params[name] ?? 'x'));
    for (const [method, op] of Object.entries<Record<string, any>>(item)) {
      const scope: string = op.security[0]?.bearer?.[0];
      const m = method.toUpperCase();
      const body = op.requestBody ? {} : undefined;
      const expectStatus = async (auth: string | null, want: number, b?: unknown, type?: string) => {
        const r = await call(m, path, auth, b, type);
        if (r.status !== want) problems.push(`${m} ${template}: ${r.status} ${r.body?.code ?? ''}, expected ${want}`);
      };
      await expectStatus(null, 401, body);
      await expectStatus(o.wrongScope[scope]!, 403, body);
      if (op.requestBody) {
        await expectStatus(o.rightScope[scope]!, 415, 'x=1', 'application/x-www-form-urlencoded');
        await expectStatus(o.rightScope[scope]!, 413, { pad: 'x'.repeat(70_000) });
      }
    }
  }
  return problems;
}

/**
 * For every documented operation under `prefix` that names an object in its path, and those given a
 * body in `bodies` (keyed "METHOD /template", e.g. a sync naming a cabinet in its body): called with
 * a token of a user the objects are not theirs (`auth[scope]`, scopes enough) and `params` naming
 * them, it answers 403 FORBIDDEN; with `missing` naming objects that do not exist, 404 with the
 * command line's code. The caller checks that nothing changed.
 */
export async function sweepOtherUser(
  doc: Record<string, any>,
  call: Call,
  o: { prefix: string; params: Record<string, string>; auth: Record<string, string>; bodies?: Record<string, unknown>; missing?: Record<string, string> },
): Promise<{ problems: string[]; called: string[] }> {
  const problems: string[] = [];
  const called: string[] = [];
  for (const [template, item] of Object.entries<Record<string, any>>(doc.paths)) {
    if (!template.startsWith(o.prefix)) continue;
    const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(o.params[name] ?? 'x'));
    for (const [method, op] of Object.entries<Record<string, any>>(item)) {
      const key = `${method.toUpperCase()} ${template}`;
      const body = o.bodies?.[key] ?? (op.requestBody ? {} : undefined);
      if (!template.includes('{') && o.bodies?.[key] === undefined) continue;
      called.push(key);
      const auth = o.auth[op.security[0]?.bearer?.[0]]!;
      const r = await call(method.toUpperCase(), path, auth, body);
      if (r.status !== 403 || r.body?.code !== 'FORBIDDEN') problems.push(`${key}: ${r.status} ${r.body?.code ?? ''}, expected 403 FORBIDDEN`);
      if (o.missing && template.includes('{')) {
        const none = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(o.missing![name] ?? o.params[name] ?? 'x'));
        const m = await call(method.toUpperCase(), none, auth, body);
        if (m.status !== 404 || !/_NOT_FOUND$/.test(m.body?.code ?? ''))
          problems.push(`${key} on a missing object: ${m.status} ${m.body?.code ?? ''}, expected 404 …_NOT_FOUND`);
      }
    }
  }
  return { problems, called };
}

/**
 * The documented "operationId status" pairs of the operations tagged `tag` that the checker never saw
 * (429 aside: the per-token rate limit is one mechanism, tested once in hardening.test.ts). A test
 * file asserting this is empty fails when an endpoint or a documented answer is added without a test.
 */
export function uncoveredOfTag(doc: Record<string, any>, spec: { uncovered(): string[] }, tag: string, ignore: readonly number[] = [429]): string[] {
  const ids = new Set<string>();
  for (const item of Object.values<Record<string, any>>(doc.paths))
    for (const op of Object.values<Record<string, any>>(item)) if (op.tags?.includes(tag)) ids.add(op.operationId);
  return spec.uncovered().filter((s) => {
    const [id, status] = s.split(' ');
    return ids.has(id!) && !ignore.includes(Number(status));
  });
}
