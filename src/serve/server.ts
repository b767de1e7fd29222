// The REST API of `mp serve` on node:http: payouts CRUD, /healthz and /openapi.json, one JSON access
// log line per request on stderr. Creating a payout only enqueues it; `mp payouts process` works it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Kysely, sql } from 'kysely';
import { parseSince } from '../core/time.js';
import type { Database } from '../db/schema.js';
import { createInsertBatcher } from '../payouts/insert-batcher.js';
import { validateUpdate } from '../payouts/payout.validation.js';
import { badListQuery, cancelPayout, createPayout, deletePayout, getPayout, listPayouts, listQueryErrors, updatePayout } from '../payouts/payouts.service.js';
import { HttpProblem, problemOf, readJsonObject, sendEmpty, sendJson } from './http-json.js';
import { openApiDocument } from './openapi.js';

export interface ApiOptions {
  /** The secret key: payout recipients are sealed with it at rest. */
  secretKey: Buffer;
  /** The user (MP_USER) the API acts for until API tokens exist: its payouts only. */
  user?: string;
  /** Largest accepted request body in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Where access log lines go (default stderr); null turns the log off. */
  accessLog?: NodeJS.WritableStream | null;
  /** Where internal errors are reported. */
  onInternalError?: (error: unknown) => void;
  /** Where a client that went away mid-request is reported (not an error of ours: debug level). */
  onClientGone?: (info: { method?: string; path: string; error: string }) => void;
  now?: () => Date;
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL, id?: string) => Promise<void>;

/** Builds the API server (not yet listening). */
export function createApiServer(db: Kysely<Database>, options: ApiOptions): Server {
  const access = { db, key: options.secretKey, user: options.user };
  const limit = options.maxBodyBytes ?? 64 * 1024;
  const log = options.accessLog === undefined ? process.stderr : options.accessLog;
  const now = options.now ?? (() => new Date());
  const openapi = JSON.stringify(openApiDocument());
  // Concurrent POSTs share one INSERT and one commit per batch.
  const insert = createInsertBatcher(db);

  const collection: Record<string, Route> = {
    async POST(req, res) {
      const body = await readJsonObject(req, limit);
      const key = req.headers['idempotency-key'];
      const { payout, created } = await createPayout(access, body, Array.isArray(key) ? key[0] : key, insert);
      sendJson(res, created ? 201 : 200, payout, created ? { location: `/api/payouts/${payout.id}` } : { 'idempotent-replayed': 'true' });
    },
    async GET(_req, res, url) {
      const q = url.searchParams;
      const fields: Record<string, string> = {};
      let since: Date | undefined;
      const sinceText = q.get('since');
      if (sinceText) {
        try {
          since = parseSince(sinceText, now());
        } catch {
          fields.since = 'must be a duration like 7d or 12h, or a date like 2026-11-01';
        }
      }
      const limitText = q.get('limit');
      const pageSize = limitText === null ? undefined : /^\d{1,4}$/.test(limitText) ? Number(limitText) : Number.NaN;
      const query = { status: q.get('status') ?? undefined, since, limit: pageSize, cursor: q.get('cursor') ?? undefined };
      // Every bad parameter is named at once.
      const all = { ...fields, ...listQueryErrors(query) };
      if (Object.keys(all).length) throw badListQuery(all);
      sendJson(res, 200, await listPayouts(access, query));
    },
  };

  const item: Record<string, Route> = {
    async GET(_req, res, _url, id) {
      const { payout, events } = await getPayout(access, id!);
      sendJson(res, 200, { ...payout, events });
    },
    async PATCH(req, res, _url, id) {
      const body = await readJsonObject(req, limit);
      if (body.status === undefined) {
        sendJson(res, 200, await updatePayout(access, id!, body));
        return;
      }
      // PATCH {"status": "CANCELLED"} is the cancel operation, on its own.
      const checked = validateUpdate(body, ['status']);
      const fields: Record<string, string> = checked.ok ? {} : { ...checked.errors };
      if (body.status !== 'CANCELLED') fields.status = 'can only be set to CANCELLED';
      else if (Object.keys(body).length > 1) fields.status = 'cannot be combined with other changes';
      if (Object.keys(fields).length) throw new HttpProblem(422, 'PAYOUT_INVALID', 'invalid payout change', fields);
      sendJson(res, 200, await cancelPayout(access, id!));
    },
    async DELETE(_req, res, _url, id) {
      await deletePayout(access, id!);
      sendEmpty(res, 204);
    },
  };

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (path === '/healthz') {
      if (method !== 'GET') throw notAllowed(['GET']);
      await sql`select 1`.execute(db);
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/openapi.json') {
      if (method !== 'GET') throw notAllowed(['GET']);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(openapi) });
      res.end(openapi);
      return;
    }
    if (path === '/api/payouts') return dispatch(collection, req, res, url);
    const m = /^\/api\/payouts\/([^/]+)$/.exec(path);
    if (m) return dispatch(item, req, res, url, safeDecode(m[1]!));
    throw new HttpProblem(404, 'NOT_FOUND', `no route ${method} ${path}; see /openapi.json`);
  }

  function dispatch(routes: Record<string, Route>, req: IncomingMessage, res: ServerResponse, url: URL, id?: string): Promise<void> {
    const handler = routes[req.method ?? 'GET'];
    if (!handler) throw notAllowed(Object.keys(routes));
    return handler(req, res, url, id);
  }

  return createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.on('finish', () => {
      if (!log) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = {
        time: new Date().toISOString(),
        level: 'info',
        msg: 'request',
        method: req.method,
        path: url.pathname,
        status: res.statusCode,
        ms: Math.round(ms * 100) / 100,
      };
      log.write(`${JSON.stringify(line)}\n`);
    });
    route(req, res, url).catch((error) => {
      // The client closed the connection (an aborted upload, a timeout on its side): nothing to
      // answer and nothing wrong here; it was logged as an internal error.
      if (clientGone(req, res, error)) {
        options.onClientGone?.({ method: req.method, path: url.pathname, error: (error as Error)?.message ?? String(error) });
        if (!res.destroyed) res.destroy();
        return;
      }
      const problem = problemOf(error);
      if (problem.internal) options.onInternalError?.(error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const headers: Record<string, string> = error instanceof MethodNotAllowed ? { allow: error.allow.join(', ') } : {};
      if (problem.status === 413) headers.connection = 'close';
      sendJson(res, problem.status, problem.body, headers);
    });
  });
}

/** Whether a handler failed because the client went away (reading its body, or before the answer). */
function clientGone(req: IncomingMessage, res: ServerResponse, error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
  if ((error as Error | undefined)?.message === 'aborted') return true;
  return (req.destroyed && !req.complete) || (res.destroyed && !res.writableFinished && !res.headersSent);
}

class MethodNotAllowed extends HttpProblem {
  constructor(readonly allow: string[]) {
    super(405, 'METHOD_NOT_ALLOWED', `method not allowed here; use ${allow.join(', ')}`);
  }
}

function notAllowed(allow: string[]): MethodNotAllowed {
  return new MethodNotAllowed(allow);
}

/** A path segment decoded; malformed escapes stay as they are (and then match no payout: 404). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
