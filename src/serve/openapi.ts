// The OpenAPI 3.1 document served at /openapi.json, generated from the route table: the same TypeBox
// schemas that validate each request describe it here, so the document cannot drift from the code.
// The tests check every answer against it (test/support/openapi-check.ts) and the document itself
// against the OpenAPI 3.1 schema.
import type { TObject } from '@sinclair/typebox';
import type { RouteSpec } from './route.js';
import { ProblemSchema } from './schemas.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

/** Problems every route that needs a token can answer. */
const AUTH_ERRORS: Record<number, string> = {
  401: 'No token, or a token that is unknown or revoked (UNAUTHORIZED)',
  403: "The token lacks the scope this needs (FORBIDDEN_SCOPE), or the store, cabinet, payout or run named is another user's (FORBIDDEN; one that does not exist is 404)",
  429: 'This token made too many requests (RATE_LIMITED); Retry-After says when to try again',
};

function parameters(where: 'path' | 'query', schema: TObject | undefined) {
  if (!schema) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, s]) => {
    const { description, ...rest } = s as Record<string, unknown>;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
      ...((s as Record<string, unknown>).type === 'array' ? { style: 'form', explode: true } : {}),
    };
  });
}

export function openApiDocument(routes: readonly RouteSpec[], info: { version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      responses[status] = {
        description: spec.description,
        ...(spec.headers ? { headers: spec.headers } : {}),
        ...(spec.schema ? { content: { [spec.contentType ?? 'application/json']: { schema: spec.schema } } } : {}),
      };
    }
    const errors: Record<number, string> = { ...(r.scope ? AUTH_ERRORS : {}) };
    const constrained = Object.values(r.params?.properties ?? {}).some((p) =>
      Object.keys(p as object).some((k) => ['pattern', 'format', 'enum', 'anyOf'].includes(k)),
    );
    if (r.query || constrained) errors[400] = 'A bad path or query parameter (see fields)';
    if (r.body) {
      errors[400] = 'The body is not JSON, or a field is refused (see fields)';
      errors[413] = 'The body is larger than the limit';
      errors[415] = 'The body is not application/json';
    }
    Object.assign(errors, r.errors ?? {});
    for (const [status, description] of Object.entries(errors)) responses[status] ??= problem(description);
    responses.default = problem('Any other failure (500 INTERNAL, 405, 408, 421 …), with its code');
    const op: Record<string, unknown> = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      security: r.scope ? [{ bearer: [r.scope] }] : [],
      parameters: [
        ...parameters('path', r.params),
        ...parameters('query', r.query),
        ...(r.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: false, description: h.description, schema: h.schema })),
      ],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      responses,
    };
    paths[r.path] ??= {};
    paths[r.path]![r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'mp REST API',
      version: info.version,
      description:
        'The REST API of `mp serve`: Wildberries cabinets and their synced data, Kaspi stores and the repricer, payouts. ' +
        'Every request but /healthz needs `Authorization: Bearer <token>` (`mp serve token create`); a token acts for the mp user who ' +
        'created it and sees only that user’s cabinets and stores. Errors are application/problem+json with the same `code` the command line prints. ' +
        'Lists take `limit` and `offset` and answer `{meta: {limit, offset, total, returned, next_offset}, items}`.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'wb', description: 'Wildberries: cabinets, synced orders, stocks, cards, reviews, reports, sync' },
      { name: 'kaspi', description: 'Kaspi: stores, managed products, repricer plans and runs, preorders, orders, sales' },
      { name: 'payouts', description: 'Payout requests (the queue `mp payouts process` works)' },
      { name: 'system', description: 'Health, this document, metrics' },
    ],
    paths,
    components: {
      schemas: { Problem: ProblemSchema },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token from `mp serve token create` (scopes: read, write, payouts)' } },
    },
  };
}
