// /healthz (no token), /openapi.json, /docs and /metrics.
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { docsPage } from '../docs-page.js';
import type { ApiMetrics } from '../metrics.js';
import { route } from '../route.js';

export function systemRoutes(o: { openapi: () => string; metrics: ApiMetrics }) {
  return [
    route({
      method: 'GET',
      path: '/healthz',
      operationId: 'health',
      summary: 'The server and its database answer (no token needed)',
      tag: 'system',
      scope: null,
      responses: { 200: { description: 'Healthy', schema: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }) } },
      async handler({ deps }) {
        await sql`select 1`.execute(deps.db);
        return { status: 200, body: { status: 'ok' } };
      },
    }),
    route({
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openapi',
      summary: 'This document (any token)',
      tag: 'system',
      scope: 'read',
      responses: { 200: { description: 'The OpenAPI 3.1 document', schema: Type.Object({ openapi: Type.String(), paths: Type.Object({}) }) } },
      async handler() {
        return { status: 200, body: o.openapi(), headers: { 'content-type': 'application/json; charset=utf-8' } };
      },
    }),
    route({
      method: 'GET',
      path: '/docs',
      operationId: 'docs',
      summary: 'A small page listing the operations (it asks for a token to read /openapi.json)',
      tag: 'system',
      scope: null,
      responses: { 200: { description: 'HTML', contentType: 'text/html', schema: Type.String() } },
      async handler() {
        return {
          status: 200,
          body: docsPage(),
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
          },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics: a read token, or no token from the loopback address',
      tag: 'system',
      scope: null,
      errors: { 401: 'Not from the loopback address and no token', 403: 'The token lacks the read scope' },
      responses: { 200: { description: 'The Prometheus text format', contentType: 'text/plain', schema: Type.String() } },
      async handler({ raw, admit }) {
        // A proxy in front forwards from loopback too: its requests need a token.
        const local =
          ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(raw.socket.remoteAddress ?? '') && !raw.headers['x-forwarded-for'] && !raw.headers.forwarded;
        if (!local || raw.headers.authorization) await admit('read');
        return { status: 200, body: await o.metrics.text(), headers: { 'content-type': o.metrics.registry.contentType } };
      },
    }),
  ];
}
