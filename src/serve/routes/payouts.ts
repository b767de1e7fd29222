// /api/payouts: as before issue 24 (paths, bodies, statuses, cursor pagination), now behind a token
// with the payouts scope. The payouts service validates the fields itself (422 PAYOUT_INVALID naming
// each, as `mp payouts create` does): the body schema documents them.
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { parseSince } from '../../core/time.js';
import type { Database } from '../../db/schema.js';
import { createInsertBatcher } from '../../payouts/insert-batcher.js';
import { validateUpdate } from '../../payouts/payout.validation.js';
import {
  badListQuery,
  cancelPayout,
  createPayout,
  deletePayout,
  getPayout,
  listPayouts,
  listQueryErrors,
  type PayoutAccess,
  updatePayout,
} from '../../payouts/payouts.service.js';
import { HttpProblem } from '../problem.js';
import { type ApiDeps, route } from '../route.js';
import { DateTime, Nullable } from '../schemas.js';

const Status = Type.Union(['NEW', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'].map((s) => Type.Literal(s)));
const Amount = Type.String({ pattern: '^\\d{1,13}\\.\\d{2}$', description: 'decimal string, 0.01 … 1000000000000' });
const payoutProps = {
  id: Type.String({ format: 'uuid' }),
  amount: Amount,
  currency: Type.Union([Type.Literal('RUB'), Type.Literal('USD'), Type.Literal('EUR')]),
  recipient: Type.String({ description: 'masked: ****1234' }),
  comment: Nullable(Type.String()),
  status: Status,
  attempts: Type.Integer({ minimum: 0 }),
  last_error: Nullable(Type.String()),
  idempotency_key: Nullable(Type.String()),
  created_at: DateTime(),
  updated_at: DateTime(),
  processed_at: Nullable(DateTime()),
};
const Payout = Type.Object(payoutProps, { additionalProperties: false });
const Event = Type.Object(
  { id: Type.String(), from: Nullable(Type.String()), to: Type.String(), at: DateTime(), worker: Nullable(Type.String()), detail: Nullable(Type.String()) },
  { additionalProperties: false },
);
const PayoutWithEvents = Type.Object({ ...payoutProps, events: Type.Array(Event) }, { additionalProperties: false });
const AmountIn = Type.Union([Type.String(), Type.Number()], { description: 'at least 0.01, at most 1000000000000, at most 2 decimal places' });
const PayoutCreate = Type.Object(
  {
    amount: AmountIn,
    currency: Type.String({ description: 'RUB, USD or EUR (case-insensitive)' }),
    recipient: Type.String({ minLength: 1, maxLength: 255 }),
    comment: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  },
  { additionalProperties: false, 'x-mp-service-validates': true },
);
const PayoutPatch = Type.Object(
  {
    amount: Type.Optional(AmountIn),
    recipient: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    comment: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
    status: Type.Optional(Type.Literal('CANCELLED', { description: 'alone: cancels a NEW payout' })),
  },
  { additionalProperties: false, minProperties: 1, 'x-mp-service-validates': true },
);
const IdParams = Type.Object({ id: Type.String({ description: 'payout id (UUID)' }) });

/** The payouts the token's user may see (theirs, and those from before users), recipients sealed with the key. */
async function access(deps: ApiDeps, user: string, userId?: string): Promise<PayoutAccess> {
  return { db: deps.db, key: await deps.secretKey(), user, userId };
}

export function payoutRoutes(o: { maxBodyBytes: number }) {
  // Concurrent POSTs share one INSERT and one commit per batch (one batcher per database).
  const batchers = new WeakMap<Kysely<Database>, ReturnType<typeof createInsertBatcher>>();
  const batcher = (db: Kysely<Database>) => {
    let b = batchers.get(db);
    if (!b) batchers.set(db, (b = createInsertBatcher(db)));
    return b;
  };
  return [
    route({
      method: 'POST',
      path: '/api/payouts',
      operationId: 'createPayout',
      summary: 'Enqueue a payout',
      tag: 'payouts',
      scope: 'payouts',
      headers: [
        {
          name: 'Idempotency-Key',
          description: 'The same key with the same body returns the existing payout (200); with another body, 409.',
          schema: { type: 'string', maxLength: 255 },
        },
      ],
      body: PayoutCreate,
      maxBodyBytes: o.maxBodyBytes,
      errors: {
        400: 'The body is not a JSON object, or the database refused a field (PAYOUT_REJECTED)',
        409: 'The Idempotency-Key was used with a different body, or by a payout since deleted',
        422: 'Invalid fields (PAYOUT_INVALID, see fields)',
      },
      responses: {
        201: { description: 'Created (status NEW)', schema: Payout, headers: { Location: { description: 'the payout', schema: { type: 'string' } } } },
        200: { description: 'Replayed: the payout created earlier with this Idempotency-Key and body', schema: Payout },
      },
      async handler({ raw, body, deps, user, token }) {
        const key = raw.headers['idempotency-key'];
        const { payout, created } = await createPayout(
          await access(deps, user, token.user_id),
          body as Record<string, unknown>,
          Array.isArray(key) ? key[0] : key,
          batcher(deps.db),
        );
        return {
          status: created ? 201 : 200,
          body: payout,
          headers: (created ? { location: `/api/payouts/${payout.id}` } : { 'idempotent-replayed': 'true' }) as Record<string, string>,
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/payouts',
      operationId: 'listPayouts',
      summary: 'List payouts, newest first (cursor pagination)',
      tag: 'payouts',
      scope: 'payouts',
      // Checked by the payouts service, which names every bad parameter at once (PAYOUT_BAD_QUERY).
      query: Type.Object({
        status: Type.Optional(Type.String({ description: 'NEW, PROCESSING, COMPLETED, FAILED or CANCELLED' })),
        since: Type.Optional(Type.String({ description: 'created since: 7d, 12h, or a date/time (UTC)' })),
        limit: Type.Optional(Type.String({ description: '1–1000, default 50' })),
        cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
      }),
      badInputCode: 'PAYOUT_BAD_QUERY',
      responses: {
        200: {
          description: 'A page of payouts',
          schema: Type.Object({ items: Type.Array(Payout), next_cursor: Nullable(Type.String()) }, { additionalProperties: false }),
        },
      },
      async handler({ query, deps, user }) {
        const fields: Record<string, string> = {};
        let since: Date | undefined;
        if (query.since) {
          try {
            since = parseSince(query.since, deps.clock.now());
          } catch {
            fields.since = 'must be a duration like 7d or 12h, or a date like 2026-11-01';
          }
        }
        const limitText = query.limit;
        const pageSize = limitText === undefined ? undefined : /^\d{1,4}$/.test(limitText) ? Number(limitText) : Number.NaN;
        const q = { status: query.status, since, limit: pageSize, cursor: query.cursor };
        const all = { ...fields, ...listQueryErrors(q) };
        if (Object.keys(all).length) throw badListQuery(all);
        return { status: 200, body: await listPayouts(await access(deps, user), q) };
      },
    }),
    route({
      method: 'GET',
      path: '/api/payouts/{id}',
      operationId: 'getPayout',
      summary: 'One payout with its events',
      tag: 'payouts',
      scope: 'payouts',
      params: IdParams,
      errors: { 404: 'No such payout (PAYOUT_NOT_FOUND)' },
      responses: { 200: { description: 'The payout', schema: PayoutWithEvents } },
      async handler({ params, deps, user }) {
        const { payout, events } = await getPayout(await access(deps, user), params.id);
        return { status: 200, body: { ...payout, events } };
      },
    }),
    route({
      method: 'PATCH',
      path: '/api/payouts/{id}',
      operationId: 'updatePayout',
      summary: 'Change a NEW payout, or cancel it with {"status": "CANCELLED"}',
      tag: 'payouts',
      scope: 'payouts',
      params: IdParams,
      body: PayoutPatch,
      errors: { 404: 'No such payout', 409: 'The payout is no longer NEW', 422: 'Invalid fields' },
      responses: { 200: { description: 'The changed payout', schema: Payout } },
      async handler({ params, body, deps, user }) {
        const b = body as Record<string, unknown>;
        if (b.status === undefined) return { status: 200, body: await updatePayout(await access(deps, user), params.id, b) };
        // PATCH {"status": "CANCELLED"} is the cancel operation, on its own.
        const checked = validateUpdate(b, ['status']);
        const fields: Record<string, string> = checked.ok ? {} : { ...checked.errors };
        if (b.status !== 'CANCELLED') fields.status = 'can only be set to CANCELLED';
        else if (Object.keys(b).length > 1) fields.status = 'cannot be combined with other changes';
        if (Object.keys(fields).length) throw new HttpProblem(422, 'PAYOUT_INVALID', 'invalid payout change', fields);
        return { status: 200, body: await cancelPayout(await access(deps, user), params.id) };
      },
    }),
    route({
      method: 'DELETE',
      path: '/api/payouts/{id}',
      operationId: 'deletePayout',
      summary: 'Delete a NEW or CANCELLED payout (its events are kept)',
      tag: 'payouts',
      scope: 'payouts',
      params: IdParams,
      errors: { 404: 'No such payout', 409: 'The payout is PROCESSING, COMPLETED or FAILED' },
      responses: { 204: { description: 'Deleted' } },
      async handler({ params, deps, user }) {
        await deletePayout(await access(deps, user), params.id);
        return { status: 204 };
      },
    }),
  ];
}
