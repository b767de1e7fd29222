// A REST route is data: method, path template, the scope it needs, TypeBox schemas for its path
// parameters, query and body (which validate the request AND make the OpenAPI document, openapi.ts),
// its answers' schemas, and a handler that calls the same service or operation as the command line.
import type { IncomingMessage } from 'node:http';
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { Kysely } from 'kysely';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { Clock } from '../core/time.js';
import type { DbHandle } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import type { ApiTokenOwner } from './api-tokens.repository.js';
import type { Scope } from './api-tokens.service.js';
import { HttpProblem } from './problem.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What every handler may use besides its request: the server's database and settings. */
export interface ApiDeps {
  db: Kysely<Database>;
  /** The handle (locks need it) when the server has one. */
  handle?: DbHandle;
  config?: Config;
  log?: Logger;
  clock: Clock;
  secretKey(): Promise<Buffer>;
  /** Work a request started that goes on after its answer (a sync): graceful shutdown waits for it. */
  track?(work: Promise<unknown>): void;
  /** WB client overrides (tests: retries, waits). */
  wbClient?: { retries?: number; maxRetryWaitMs?: number; statisticsIntervalMs?: number };
}

export interface ApiRequest<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  params: P;
  query: Q;
  body: B;
  /** The token the request came with (undefined only on public routes). */
  token: ApiTokenOwner;
  /** The mp user the token acts for: every lookup is scoped to that user, as MP_USER scopes the CLI. */
  user: string;
  raw: IncomingMessage;
  deps: ApiDeps;
  /** Admits the request's token for a scope (for public routes that take a token when given). */
  admit(scope: Scope): Promise<ApiTokenOwner>;
}

export interface ApiAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ResponseSpec {
  description: string;
  /** The body's schema (none for 204). */
  schema?: TSchema;
  /** The body's media type (default application/json). */
  contentType?: string;
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

export interface RouteSpec<P extends TObject | undefined = any, Q extends TObject | undefined = any, B extends TSchema | undefined = any> {
  method: Method;
  /** `/api/v1/wb/cabinets/{cabinet}` */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** The scope a token needs; null: public (no token). */
  scope: Scope | null;
  params?: P;
  query?: Q;
  body?: B;
  /** Headers the route reads, for the document. */
  headers?: { name: string; description: string; schema: Record<string, unknown> }[];
  /** Problem statuses the route answers besides those every authenticated route has. */
  errors?: Record<number, string>;
  responses: Record<number, ResponseSpec>;
  /** Code of a request the schemas refuse, unless the failing field names its own (`x-mp-code`). */
  badInputCode?: string;
  /** Largest body, bytes (default: the server's). */
  maxBodyBytes?: number;
  handler(
    req: ApiRequest<
      P extends TObject ? Static<P> : Record<string, never>,
      Q extends TObject ? Static<Q> : Record<string, never>,
      B extends TSchema ? Static<B> : undefined
    >,
  ): Promise<ApiAnswer>;
}

/** Declares a route (keeps the handler's request typed by the schemas). */
export function route<P extends TObject | undefined = undefined, Q extends TObject | undefined = undefined, B extends TSchema | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec<P, Q, B> {
  return spec;
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();
function checker(schema: TSchema): TypeCheck<TSchema> {
  let c = compiled.get(schema);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    compiled.set(schema, c);
  }
  return c;
}

/**
 * Checks a value against a route's schema: returns the typed value (query strings converted to the
 * numbers and booleans the schema asks for), or throws 400 naming every refused field with the code
 * of the first (`x-mp-code` on the field, else the route's, else BAD_INPUT).
 */
export function validated<T>(schema: TSchema, value: unknown, fallbackCode: string | undefined, where: 'query' | 'body' | 'path'): T {
  const c = checker(schema);
  const converted = where === 'body' ? value : Value.Convert(schema, value);
  if (c.Check(converted)) return converted as T;
  const fields: Record<string, string> = {};
  let code: string | undefined;
  for (const e of c.Errors(converted)) {
    const field = e.path.replace(/^\//, '').replace(/\//g, '.') || where;
    if (fields[field]) continue;
    const own = fieldSchema(schema, e.path);
    fields[field] = reasonFor(own ?? e.schema, e.message, e.value);
    code ??= (own?.['x-mp-code'] as string | undefined) ?? undefined;
  }
  const names = Object.keys(fields);
  const detail = names.map((n) => `${n} ${fields[n]}`).join('; ');
  throw new HttpProblem(400, code ?? fallbackCode ?? 'BAD_INPUT', detail, fields);
}

/** The schema of the property at a JSON pointer (top-level and nested object properties). */
function fieldSchema(schema: TSchema, pointer: string): Record<string, unknown> | undefined {
  let s: any = schema;
  for (const part of pointer.split('/').filter(Boolean)) {
    if (s?.properties?.[part]) s = s.properties[part];
    else if (s?.items && /^\d+$/.test(part)) s = s.items;
    else return undefined;
  }
  return s === schema ? undefined : s;
}

/** A reason in the words the CLI uses ("must be …"), from the schema that refused the value. */
function reasonFor(s: Record<string, any>, fallback: string, value: unknown): string {
  if (value === undefined) return 'is required';
  if (s.description && /^must /.test(s.description)) return s.description;
  if (s.enum) return `must be one of ${s.enum.join(', ')}`;
  if (s.anyOf?.every((a: any) => a.const !== undefined)) return `must be one of ${s.anyOf.map((a: any) => a.const).join(', ')}`;
  if (s.type === 'integer' || s.type === 'number') {
    const kind = s.type === 'integer' ? 'a whole number' : 'a number';
    if (s.minimum !== undefined && s.maximum !== undefined) return `must be ${kind} from ${s.minimum} to ${s.maximum}`;
    if (s.minimum !== undefined) return `must be ${kind} of at least ${s.minimum}`;
    return `must be ${kind}`;
  }
  if (s.type === 'string') {
    if (s.pattern) return `must match ${s.pattern}`;
    if (s.maxLength !== undefined && typeof value === 'string' && value.length > s.maxLength) return `must be at most ${s.maxLength} characters`;
    if (s.minLength !== undefined && typeof value === 'string' && value.length < s.minLength) return 'must not be empty';
    return 'must be text';
  }
  if (s.type === 'boolean') return 'must be true or false';
  if (s.type === 'array') return s.maxItems !== undefined ? `must be a list of at most ${s.maxItems}` : 'must be a list';
  if (s.type === 'object') return /Unexpected property|additional/i.test(fallback) ? 'is not a known field' : 'must be an object';
  return fallback.toLowerCase();
}

/** A query string read into the shape of its schema: repeated keys become arrays where the schema says so. */
export function queryObject(schema: TObject | undefined, params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const prop = schema?.properties[key] as Record<string, unknown> | undefined;
    out[key] = prop?.type === 'array' ? params.getAll(key).flatMap((v) => v.split(',')) : params.get(key);
  }
  return out;
}
