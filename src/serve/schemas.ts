// Schemas shared by the routes (TypeBox: each is a JSON Schema 2020-12 object, as OpenAPI 3.1 uses).
import { type TObject, type TProperties, type TSchema, Type } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
export const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });
/** A decimal amount as text (exact: never a float), e.g. "1250.50". */
export const Decimal = (description = 'decimal as text') => Type.String({ pattern: '^-?\\d+(\\.\\d+)?$', description });
/** A bigint id as text. */
export const Id = (description = 'id') => Type.String({ pattern: '^\\d+$', description });

/** Pagination of the v1 lists: `limit` (1–500, default 50) and `offset`. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'items per page (1–500, default 50)', 'x-mp-code': 'BAD_LIMIT' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0, description: 'items to skip (default 0)', 'x-mp-code': 'BAD_OFFSET' })),
};

export const PageMeta = Type.Object(
  {
    limit: Type.Integer({ minimum: 1 }),
    offset: Type.Integer({ minimum: 0 }),
    total: Type.Integer({ minimum: 0, description: 'items matching the filters, all pages' }),
    returned: Type.Integer({ minimum: 0 }),
    next_offset: Nullable(Type.Integer({ minimum: 0, description: 'offset of the next page; null on the last' })),
  },
  { additionalProperties: false },
);

/** `{ meta, items }`: a page of `item`. */
export function Page<T extends TSchema>(item: T, extra: TProperties = {}): TObject {
  return Type.Object({ meta: PageMeta, ...extra, items: Type.Array(item) }, { additionalProperties: false });
}

/** Cuts a page out of all the rows a service returned, with its metadata. */
export function paginate<T>(rows: readonly T[], q: { limit?: number; offset?: number }) {
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  const items = rows.slice(offset, offset + limit);
  const next = offset + items.length < rows.length ? offset + items.length : null;
  return { meta: { limit, offset, total: rows.length, returned: items.length, next_offset: next }, items };
}

/** The metadata of a page read with LIMIT/OFFSET and a separate count. */
export function pageMeta(total: number, returned: number, q: { limit?: number; offset?: number }) {
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  return { limit, offset, total, returned, next_offset: offset + returned < total ? offset + returned : null };
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'the stable code the command line prints for the same failure' }),
    fields: Type.Record(Type.String(), Type.String(), { description: 'each refused input and what is wrong with it' }),
    error: Type.Object(
      { code: Type.String(), message: Type.String(), fields: Type.Record(Type.String(), Type.String()) },
      { additionalProperties: false, description: 'the same, as the payouts API answered before problem+json' },
    ),
  },
  { additionalProperties: false },
);

/** A JSON round trip: dates become ISO strings, as the client will see them. */
export function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}
