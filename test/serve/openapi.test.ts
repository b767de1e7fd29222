// The OpenAPI 3.1 document of `mp serve` validates against the official 3.1 schema, and is made from
// the route table (every route is in it with its scope; the request schemas are those that validate).
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/serve/openapi.js';
import { createApiServer } from '../../src/serve/server.js';

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1 and names a scope or "no token" for every operation', async () => {
    const server = createApiServer({} as never, { accessLog: null });
    const routes = (server as unknown as { routes: Parameters<typeof openApiDocument>[0] }).routes;
    server.close();
    const doc = openApiDocument(routes, { version: '1' });
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths as Record<string, Record<string, { security: unknown[]; operationId: string }>>).flatMap((p) => Object.values(p));
    expect(ops.length).toBe(routes.length);
    for (const op of ops) expect(op.security, op.operationId).toBeDefined();
    const public_ = ops.filter((o) => o.security.length === 0).map((o) => o.operationId);
    expect(public_.sort()).toEqual(['docs', 'health', 'metrics']);
  });
});
