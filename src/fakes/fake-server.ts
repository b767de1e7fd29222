// A fake HTTP server for tests, benchmarks and `mp demo`: listens on 127.0.0.1:0, routes requests
// to handlers, records every request, and injects faults (status codes, headers, delays, HTML
// instead of JSON, truncated bodies, dropped connections).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** Route parameters from `:name` segments. */
  params: Record<string, string>;
  /** When the request arrived (ms since epoch). */
  at: number;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is, an array of Buffers as their concatenation (in one write); anything else as JSON. */
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Send only this many bytes of the body, then destroy the socket. */
  truncateAt?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
  /**
   * A body made while it is sent, as a big answer of a real server streams in (chunked transfer
   * encoding, no content-length): each piece is made and written in turn, waiting while the client
   * is behind. Instead of `body`; JSON content type unless `headers` say otherwise.
   */
  stream?: () => Iterable<string | Buffer>;
}

export type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface Fault extends FakeResponse {
  /** How many matching requests get this fault (default 1; Infinity for all). */
  times?: number;
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

interface PendingFault {
  method: string | undefined;
  pattern: RegExp;
  keys: string[];
  fault: Fault;
  left: number;
  /** `METHOD path` as given, for verify()'s message. */
  label: string;
  used: number;
}

export class FakeServer {
  readonly requests: FakeRequest[] = [];
  /** Requests no route answered (404 "no route", 405): a client asking for what a test did not expect. */
  readonly unexpected: FakeRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly faults: PendingFault[] = [];
  private readonly hooks: { pattern: RegExp; hook: (req: FakeRequest) => Promise<void> | void }[] = [];
  private server?: Server;
  private port = 0;

  /** Adds a route: `path` may hold `:name` segments and a trailing `*`. */
  route(method: string, path: string, handler: Handler): this {
    const { pattern, keys } = compile(path);
    this.routes.push({ method: method.toUpperCase(), pattern, keys, handler });
    return this;
  }

  /** The next `times` requests matching `path` (and `method`, when given) get this response instead. */
  fault(path: string, fault: Fault, method?: string): this {
    const { pattern, keys } = compile(path);
    this.faults.push({
      method: method?.toUpperCase(),
      pattern,
      keys,
      fault,
      left: fault.times ?? 1,
      label: `${method?.toUpperCase() ?? '*'} ${path}`,
      used: 0,
    });
    return this;
  }

  /**
   * Throws when a request reached no route (the client asked for something the test did not expect)
   * or an injected fault was not used up (the test did not exercise what it set up; a fault for
   * every request, `times: Infinity`, must be hit once). For a test's afterEach; the record is
   * cleared, so each test answers for its own requests.
   */
  verify(): void {
    const problems: string[] = [];
    for (const r of this.unexpected) problems.push(`unexpected request ${r.method} ${r.path}${r.query.size ? `?${r.query}` : ''}`);
    for (const f of this.faults) {
      const unused = f.left === Number.POSITIVE_INFINITY ? f.used === 0 : f.left > 0;
      if (unused) problems.push(`fault for ${f.label} not used${Number.isFinite(f.left) ? ` (${f.left} left)` : ''}`);
    }
    this.unexpected.length = 0;
    this.faults.length = 0;
    if (problems.length) throw new Error(`fake server at ${this.url}: ${problems.join('; ')}`);
  }

  /**
   * Runs `hook` before answering each request to `path` (the real answer follows): for tests that
   * must act at a precise point of a client's run, e.g. restart a database between two pages.
   */
  before(path: string, hook: (req: FakeRequest) => Promise<void> | void): this {
    const { pattern } = compile(path);
    this.hooks.push({ pattern, hook });
    return this;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Requests recorded so far whose path matches (all when no path is given). */
  requestsTo(path?: string, method?: string): FakeRequest[] {
    if (!path) return this.requests;
    const { pattern } = compile(path);
    return this.requests.filter((r) => pattern.test(r.path) && (!method || r.method === method.toUpperCase()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake server error: ${(error as Error).message}`);
      });
    });
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const request: FakeRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      params: {},
      at: Date.now(),
    };
    this.requests.push(request);
    for (const h of this.hooks) if (h.pattern.test(request.path)) await h.hook(request);

    const fault = this.faults.find((f) => f.left > 0 && (!f.method || f.method === method) && f.pattern.test(request.path));
    if (fault) {
      fault.left--;
      fault.used++;
      await this.send(res, fault.fault);
      return;
    }
    let methodMismatch = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      if (route.method !== method && route.method !== '*') {
        methodMismatch = true;
        continue;
      }
      route.keys.forEach((key, i) => {
        request.params[key] = decodeURIComponent(match[i + 1] ?? '');
      });
      await this.send(res, await route.handler(request));
      return;
    }
    this.unexpected.push(request);
    await this.send(
      res,
      methodMismatch ? { status: 405, body: { error: 'method not allowed' } } : { status: 404, body: { error: `no route for ${method} ${request.path}` } },
    );
  }

  private async send(res: ServerResponse, response: FakeResponse): Promise<void> {
    if (response.delayMs) await new Promise((r) => setTimeout(r, response.delayMs));
    if (response.drop) {
      res.socket?.destroy();
      return;
    }
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    if (response.stream) {
      headers['content-type'] ??= 'application/json; charset=utf-8';
      res.writeHead(response.status ?? 200, headers);
      for (const piece of response.stream()) {
        if (res.destroyed) return; // the client went away
        if (!res.write(piece))
          await new Promise((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
      }
      res.end();
      return;
    }
    if (Array.isArray(response.body) && response.body.length > 0 && response.body.every((b) => Buffer.isBuffer(b)) && response.truncateAt === undefined) {
      // Pieces of one body (a page template around an id): written together, never copied into one Buffer.
      const pieces = response.body as Buffer[];
      headers['content-type'] ??= 'application/octet-stream';
      headers['content-length'] = String(pieces.reduce((n, b) => n + b.length, 0));
      res.writeHead(response.status ?? 200, headers);
      res.cork();
      for (const piece of pieces) res.write(piece);
      res.end();
      res.uncork();
      return;
    }
    let body: Buffer;
    if (typeof response.body === 'string') {
      body = Buffer.from(response.body);
      headers['content-type'] ??= 'text/plain; charset=utf-8';
    } else if (Buffer.isBuffer(response.body)) {
      body = response.body;
      headers['content-type'] ??= 'application/octet-stream';
    } else if (response.body === undefined) {
      body = Buffer.alloc(0);
    } else {
      body = Buffer.from(JSON.stringify(response.body));
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    headers['content-length'] = String(body.length);
    res.writeHead(response.status ?? 200, headers);
    if (response.truncateAt !== undefined) {
      res.write(body.subarray(0, response.truncateAt));
      // Let the partial body go out, then cut the connection.
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    res.end(body);
  }
}

function compile(path: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      return segment.replace(/:([A-Za-z_]\w*)|([.+?^${}()|[\]\\])/g, (_m, key: string | undefined, special: string | undefined) => {
        if (key) {
          keys.push(key);
          return '([^/]+)';
        }
        return `\\${special}`;
      });
    })
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`), keys };
}

/** Starts a fake server with the given routes. */
export async function startFakeServer(setup: (server: FakeServer) => void = () => {}): Promise<FakeServer> {
  const server = new FakeServer();
  setup(server);
  return server.start();
}
