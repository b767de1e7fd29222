// The OpenAPI 3 document served at /openapi.json. test/payouts/api-openapi.test.ts calls every
// operation and checks each answer's status and body against this document.

const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const json = (description: string, schema: unknown, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema } },
});
const PAYOUT = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'amount',
    'currency',
    'recipient',
    'comment',
    'status',
    'attempts',
    'last_error',
    'idempotency_key',
    'created_at',
    'updated_at',
    'processed_at',
  ],
  properties: {
    id: { type: 'string', format: 'uuid' },
    amount: { $ref: '#/components/schemas/Amount' },
    currency: { $ref: '#/components/schemas/Currency' },
    recipient: { type: 'string', description: 'masked: ****1234' },
    comment: { type: 'string', nullable: true },
    status: { $ref: '#/components/schemas/Status' },
    attempts: { type: 'integer', minimum: 0 },
    last_error: { type: 'string', nullable: true },
    idempotency_key: { type: 'string', nullable: true },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    processed_at: { type: 'string', format: 'date-time', nullable: true },
  },
};

const idParam = { name: 'id', in: 'path', required: true, description: 'payout id (UUID)', schema: { type: 'string' } };

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: {
      title: 'mp payouts API',
      version: '1.0.0',
      description:
        'Payout requests. Creating a payout only enqueues it (status NEW); `mp payouts process` workers move it to PROCESSING and then COMPLETED or FAILED. ' +
        'Recipient details are always returned masked. Errors are `{"error": {"code", "message", "fields"}}` where `fields` maps each invalid field to its problem.',
    },
    paths: {
      '/api/payouts': {
        post: {
          operationId: 'createPayout',
          summary: 'Enqueue a payout',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'The same key with the same body returns the existing payout (200); with another body, 409.',
              schema: { type: 'string', maxLength: 255 },
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/PayoutCreate' } } } },
          responses: {
            '201': json('Created (status NEW)', { $ref: '#/components/schemas/Payout' }, { Location: { schema: { type: 'string' } } }),
            '200': json('Replayed: the payout created earlier with this Idempotency-Key and body', { $ref: '#/components/schemas/Payout' }),
            '400': error('The body is not a JSON object, or the database refused a field (PAYOUT_REJECTED, see error.fields)'),
            '409': error('The Idempotency-Key was used with a different body, or by a payout since deleted'),
            '413': error('The body is larger than the limit (64 KiB)'),
            '415': error('The body is not application/json'),
            '422': error('Invalid fields (see error.fields)'),
          },
        },
        get: {
          operationId: 'listPayouts',
          summary: 'List payouts, newest first',
          parameters: [
            { name: 'status', in: 'query', schema: { $ref: '#/components/schemas/Status' } },
            { name: 'since', in: 'query', description: 'created since: 7d, 12h, or a date/time (UTC)', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
            { name: 'cursor', in: 'query', description: 'next_cursor of the previous page', schema: { type: 'string' } },
          ],
          responses: {
            '200': json('A page of payouts', { $ref: '#/components/schemas/PayoutPage' }),
            '400': error('A bad query parameter (see error.fields)'),
          },
        },
      },
      '/api/payouts/{id}': {
        get: {
          operationId: 'getPayout',
          summary: 'One payout with its events',
          parameters: [idParam],
          responses: { '200': json('The payout', { $ref: '#/components/schemas/PayoutWithEvents' }), '404': error('No such payout') },
        },
        patch: {
          operationId: 'updatePayout',
          summary: 'Change a NEW payout, or cancel it with {"status": "CANCELLED"}',
          parameters: [idParam],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/PayoutPatch' } } } },
          responses: {
            '200': json('The changed payout', { $ref: '#/components/schemas/Payout' }),
            '400': error('The body is not a JSON object'),
            '404': error('No such payout'),
            '409': error('The payout is no longer NEW'),
            '413': error('The body is larger than the limit'),
            '415': error('The body is not application/json'),
            '422': error('Invalid fields'),
          },
        },
        delete: {
          operationId: 'deletePayout',
          summary: 'Delete a NEW or CANCELLED payout (its events are kept)',
          parameters: [idParam],
          responses: { '204': { description: 'Deleted' }, '404': error('No such payout'), '409': error('The payout is PROCESSING, COMPLETED or FAILED') },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'The server and its database answer',
          responses: { '200': json('Healthy', { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } }) },
        },
      },
      '/openapi.json': {
        get: { operationId: 'openapi', summary: 'This document', responses: { '200': json('OpenAPI 3 document', { type: 'object' }) } },
      },
    },
    components: {
      schemas: {
        Status: { type: 'string', enum: ['NEW', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'] },
        Currency: { type: 'string', enum: ['RUB', 'USD', 'EUR'], description: 'lower case is accepted and normalised' },
        Amount: { type: 'string', pattern: '^\\d{1,13}\\.\\d{2}$', description: 'decimal string, 0.01 … 1000000000000; JSON numbers are accepted on input' },
        PayoutCreate: {
          type: 'object',
          additionalProperties: false,
          required: ['amount', 'currency', 'recipient'],
          properties: {
            amount: { oneOf: [{ type: 'string' }, { type: 'number' }], description: 'at least 0.01, at most 1000000000000, at most 2 decimal places' },
            currency: { type: 'string', description: 'RUB, USD or EUR (case-insensitive)' },
            recipient: { type: 'string', minLength: 1, maxLength: 255 },
            comment: { type: 'string', maxLength: 1000, nullable: true },
          },
        },
        PayoutPatch: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            amount: { oneOf: [{ type: 'string' }, { type: 'number' }] },
            recipient: { type: 'string', minLength: 1, maxLength: 255 },
            comment: { type: 'string', maxLength: 1000, nullable: true },
            status: { type: 'string', enum: ['CANCELLED'], description: 'alone: cancels a NEW payout' },
          },
        },
        Payout: PAYOUT,
        Event: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'from', 'to', 'at', 'worker', 'detail'],
          properties: {
            id: { type: 'string' },
            from: { type: 'string', nullable: true },
            to: { type: 'string' },
            at: { type: 'string', format: 'date-time' },
            worker: { type: 'string', nullable: true },
            detail: { type: 'string', nullable: true },
          },
        },
        PayoutWithEvents: {
          ...PAYOUT,
          required: [...PAYOUT.required, 'events'],
          properties: { ...PAYOUT.properties, events: { type: 'array', items: { $ref: '#/components/schemas/Event' } } },
        },
        PayoutPage: {
          type: 'object',
          additionalProperties: false,
          required: ['items', 'next_cursor'],
          properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Payout' } }, next_cursor: { type: 'string', nullable: true } },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              additionalProperties: false,
              required: ['code', 'message', 'fields'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, fields: { type: 'object', additionalProperties: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}
