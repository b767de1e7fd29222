// The REST API of `mp serve` on node:http. Each request: Host and Origin checked (guard.ts), its route
// found in the table (routes/*.ts), its token admitted (scope, rate), its parameters and body checked
// against the route's schemas, the handler run (it calls the CLI's own services and operations), the
// answer sent; every error is application/problem+json (problem.ts). One JSON access log line per
// request on stderr and the request in /metrics. Hardened for an exposed port: body size limit, a
// deadline for a slow body or slow headers, a connection cap, and a graceful stop.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TObject } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { type Clock, systemClock } from '../core/time.js';
import type { Database } from '../db/schema.js';
import type { Scope } from './api-tokens.service.js';
import { checkHostAndOrigin, createTokenGate } from './guard.js';
import { readJson, sendEmpty, sendJson, sendProblem } from './http-json.js';
import { createMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { PRICE_LIST_PREFIX, type PriceListRouteOptions, priceListRoutes, redactPriceListPath } from './price-lists.js';
import { HttpProblem, problemBody, problemOf } from './problem.js';
import { type ApiDeps, type Method, queryObject, type RouteSpec, validated } from './route.js';
import { kaspiRoutes } from './routes/kaspi.js';
import { payoutRoutes } from './routes/payouts.js';
import { systemRoutes } from './routes/system.js';
import { wbRoutes } from './routes/wb.js';

export interface ApiOptions {
  /** The secret key: payout recipients and WB tokens are sealed with it at rest. */
  secretKey?: Buffer;
  /** Largest accepted request body in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Where access log lines go (default stderr); null turns the log off. */
  accessLog?: NodeJS.WritableStream | null;
  /** Where internal errors are reported. */
  onInternalError?: (error: unknown) => void;
  /** Where a client that went away mid-request is reported (not an error of ours: debug level). */
  onClientGone?: (info: { method?: string; path: string; error: string }) => void;
  now?: () => Date;
  /** Host names clients may use besides loopback ones and IP literals (`*`: any). */
  allowedHosts?: readonly string[];
  /** Browser origins allowed (CORS); any other Origin header is refused. */
  allowedOrigins?: readonly string[];
  /** Requests per second of a token without its own rate (default 50; burst twice that). */
  tokenRate?: number;
  /** How long a checked token is trusted before the database is asked again (default 5 s). */
  tokenCacheMs?: number;
  /** Deadline for a whole request, body included (default 15 s): a slow body gets 408. */
  requestTimeoutMs?: number;
  /** Deadline for the request headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Most open connections (default 512); more are refused at once. */
  maxConnections?: number;
  /** What the WB and Kaspi routes need besides the database (secrets, settings, locks). */
  deps?: Partial<Omit<ApiDeps, 'db'>>;
  /** mp's version, for the document. */
  version?: string;
  /** Kaspi price lists for Kaspi's loader (src/serve/price-lists.ts: basic auth or a secret path, not API tokens); default: not served. */
  priceLists?: PriceListRouteOptions;
}

export interface ApiServer extends Server {
  /** The route table (the OpenAPI document is made from it). */
  readonly routes: readonly RouteSpec[];
  /** Stops accepting, lets requests in flight finish (at most `graceMs`, default 10 s), then closes. */
  shutdown(graceMs?: number): Promise<void>;
}

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  names: string[];
}

function compile(spec: RouteSpec): CompiledRoute {
  const names: string[] = [];
  const source = spec.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a, b) => {
    names.push(a ?? b);
    return '([^/]+)';
  });
  return { spec, pattern: new RegExp(`^${source}$`), names };
}

/** Builds the API server (not yet listening). */
export function createApiServer(db: Kysely<Database>, options: ApiOptions = {}): ApiServer {
  const limit = options.maxBodyBytes ?? 64 * 1024;
  const log = options.accessLog === undefined ? process.stderr : options.accessLog;
  const clock: Clock = options.deps?.clock ?? (options.now ? { now: options.now } : systemClock);
  const inFlight = new Set<Promise<unknown>>();
  const deps: ApiDeps = {
    db,
    clock,
    secretKey:
      options.deps?.secretKey ?? (options.secretKey ? async () => options.secretKey! : () => Promise.reject(new Error('this server has no secret key'))),
    handle: options.deps?.handle,
    config: options.deps?.config,
    log: options.deps?.log,
    wbClient: options.deps?.wbClient,
    track(work) {
      inFlight.add(work);
      work.finally(() => inFlight.delete(work)).catch(() => {});
    },
  };
  const metrics = createMetrics(db, () => clock.now());
  const gate = createTokenGate(db, { defaultRate: options.tokenRate ?? 50, cacheMs: options.tokenCacheMs });
  const rules = { hosts: (options.allowedHosts ?? []).map((h) => h.toLowerCase()), origins: options.allowedOrigins ?? [] };

  let document: string | undefined;
  const all: RouteSpec[] = [];
  const system = systemRoutes({
    openapi: () => (document ??= JSON.stringify(openApiDocument(all, { version: options.version ?? '1' }))),
    metrics,
  });
  all.push(...payoutRoutes({ maxBodyBytes: limit }), ...wbRoutes(), ...kaspiRoutes(), ...system);
  // Literal segments before parameters: /wb/cabinets/sync would otherwise be cabinet "sync".
  const table = all.map(compile).sort((a, b) => a.names.length - b.names.length);

  let stopping = false;
  const priceLists = priceListRoutes(db, { now: () => clock.now(), ...options.priceLists });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, matched: { route?: string }): Promise<void> {
    checkHostAndOrigin(req, rules);
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
    }
    // Kaspi's loader cannot send an API token: the price lists have their own credentials (their module).
    if (url.pathname.startsWith(PRICE_LIST_PREFIX)) {
      matched.route = url.pathname.startsWith(`${PRICE_LIST_PREFIX}s/`) ? `${PRICE_LIST_PREFIX}s/{token}.xml` : `${PRICE_LIST_PREFIX}{merchant}.xml`;
      return priceLists.handle(req, res, url);
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const candidates = table.filter((r) => r.pattern.test(path));
    if (candidates.length === 0) throw new HttpProblem(404, 'NOT_FOUND', `no route ${method} ${path}; see /openapi.json`);
    if (method === 'OPTIONS' && origin) {
      sendEmpty(res, 204, {
        'access-control-allow-methods': candidates.map((c) => c.spec.method).join(', '),
        'access-control-allow-headers': 'authorization, content-type, idempotency-key',
        'access-control-max-age': '600',
      });
      return;
    }
    const found = candidates.find((c) => c.spec.method === method);
    if (!found)
      throw new HttpProblem(
        405,
        'METHOD_NOT_ALLOWED',
        `method not allowed here; use ${candidates.map((c) => c.spec.method).join(', ')}`,
        {},
        { allow: candidates.map((c) => c.spec.method).join(', ') },
      );
    const spec = found.spec;
    matched.route = spec.path;
    const token = spec.scope ? await gate.admit(req, spec.scope) : undefined;
    const m = found.pattern.exec(path)!;
    const rawParams = Object.fromEntries(found.names.map((n, i) => [n, safeDecode(m[i + 1]!)]));
    const params = spec.params ? validated(spec.params, rawParams, spec.badInputCode, 'path') : rawParams;
    const query = spec.query ? validated(spec.query as TObject, queryObject(spec.query, url.searchParams), spec.badInputCode, 'query') : {};
    let body: unknown;
    if (spec.body) {
      body = await readJson(req, spec.maxBodyBytes ?? limit, (spec.body as { type?: string }).type !== 'object');
      if (!(spec.body as { 'x-mp-service-validates'?: boolean })['x-mp-service-validates']) body = validated(spec.body, body, spec.badInputCode, 'body');
    }
    const answer = await spec.handler({
      params,
      query,
      body,
      token: token!,
      user: token?.user_name ?? '',
      raw: req,
      deps,
      admit: (scope: Scope) => gate.admit(req, scope),
    } as never);
    const headers = { ...(answer.headers ?? {}), ...(stopping ? { connection: 'close' } : {}) };
    if (answer.body === undefined) sendEmpty(res, answer.status, headers);
    else if (typeof answer.body === 'string') {
      res.writeHead(answer.status, { 'content-length': Buffer.byteLength(answer.body), ...headers });
      res.end(answer.body);
    } else sendJson(res, answer.status, answer.body, headers);
  }

  const server = createServer(
    {
      keepAliveTimeout: 10_000,
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 15_000,
      // How often Node checks those deadlines (its default, 30 s, would let a slow body live 45 s).
      connectionsCheckingInterval: Math.min(1000, options.requestTimeoutMs ?? 1000),
    },
    (req, res) => {
      const started = process.hrtime.bigint();
      const url = new URL(req.url ?? '/', 'http://localhost');
      // A price list's secret path is a credential: never in a log line.
      const logPath = redactPriceListPath(url.pathname);
      const matched: { route?: string } = {};
      res.on('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.observeRequest(req.method ?? 'GET', matched.route ?? 'unmatched', res.statusCode, seconds);
        if (!log) return;
        const line = {
          time: new Date().toISOString(),
          level: 'info',
          msg: 'request',
          method: req.method,
          path: logPath,
          status: res.statusCode,
          ms: Math.round(seconds * 1e5) / 100,
        };
        log.write(`${JSON.stringify(line)}\n`);
      });
      handle(req, res, url, matched).catch((error) => {
        // The client closed the connection (an aborted upload, a timeout on its side): nothing to
        // answer and nothing wrong here.
        if (clientGone(req, res, error)) {
          options.onClientGone?.({ method: req.method, path: logPath, error: (error as Error)?.message ?? String(error) });
          if (!res.destroyed) res.destroy();
          return;
        }
        const problem = problemOf(error);
        if (problem.internal) options.onInternalError?.(error);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        sendProblem(res, problem, stopping ? { connection: 'close' } : {});
      });
    },
  );
  server.maxConnections = options.maxConnections ?? 512;
  // A request that missed its deadline (slow headers or body) or was malformed: a problem answer,
  // then the connection closes.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = timeout ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify(
      problemBody(
        status,
        timeout ? 'REQUEST_TIMEOUT' : 'BAD_REQUEST',
        timeout ? 'the request (headers and body) took too long to arrive' : 'malformed HTTP request',
      ),
    );
    socket.end(
      `HTTP/1.1 ${status} ${timeout ? 'Request Timeout' : 'Bad Request'}\r\nconnection: close\r\ncontent-type: application/problem+json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  server.on('close', () => metrics.close());

  return Object.assign(server, {
    routes: all,
    shutdown(graceMs = 10_000): Promise<void> {
      stopping = true;
      const closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), graceMs).unref();
      });
      // Syncs started through the API finish too (each stream is its own transaction), within the grace.
      const work = Promise.allSettled([...inFlight]).then(() => undefined);
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      return Promise.all([closed, Promise.race([work, grace])]).then(() => undefined);
    },
  });
}

/** Whether a handler failed because the client went away (reading its body, or before the answer). */
function clientGone(req: IncomingMessage, res: ServerResponse, error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
  if ((error as Error | undefined)?.message === 'aborted') return true;
  return (req.destroyed && !req.complete) || (res.destroyed && !res.writableFinished && !res.headersSent);
}

/** A path segment decoded; malformed escapes stay as they are (and then match nothing: 404). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export type { Method };
