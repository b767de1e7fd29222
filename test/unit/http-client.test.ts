// The HTTP client against a real local server: JSON checks, cut-off and dropped answers, timeouts,
// request building, decompression, redaction of credentials, and close().
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { Logger } from '../../src/core/log.js';
import { startFakeServer } from '../../src/fakes/fake-server.js';
import { HttpClient, type HttpClientOptions, HttpError } from '../../src/http/client.js';

const server = await startFakeServer((s) => {
  s.route('GET', '/offers', () => ({ body: { offers: [{ price: '5000' }] } }));
  s.route('POST', '/api/v1/echo', (req) => ({ body: { method: req.method, query: Object.fromEntries(req.query), body: req.body, headers: req.headers } }));
  s.route('GET', '/page', () => ({
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: '<!DOCTYPE html><html><body>Please verify you are human</body></html>',
  }));
  s.route('GET', '/bytes', () => ({ body: Buffer.from([1, 2, 3]) }));
  s.route('GET', '/gzip', () => ({ headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync('{"zipped":true}') }));
  s.route('GET', '/missing', () => ({ status: 404, body: { error: 'no such product' } }));
  s.route('DELETE', '/empty', () => ({ status: 204 }));
});
const clients: HttpClient[] = [];
function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  // No real waiting between retries: backoff timing is tested in http-retry.test.ts.
  const c = new HttpClient({ baseUrl: server.url, service: 'Kaspi', sleep: async () => {}, ...options });
  clients.push(c);
  return c;
}
afterEach(async () => {
  server.requests.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
  // No request without a route, no fault left unused (clearFaults() used to hide one).
  server.verify();
});
afterAll(() => server.stop());

function failure(promise: Promise<unknown>): Promise<HttpError> {
  return promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(HttpError);
      return error as HttpError;
    },
  );
}

describe('JSON answers', () => {
  test('a JSON answer is parsed and described', async () => {
    const res = await client().request<{ offers: { price: string }[] }>({ path: '/offers' });
    expect(res).toMatchObject({ status: 200, body: { offers: [{ price: '5000' }] }, url: `${server.url}/offers`, attempts: 1 });
    expect(res.headers['content-type']).toMatch(/json/);
  });

  test('an HTML page with status 200 is HTTP_NOT_JSON with a snippet, and is not retried', async () => {
    const error = await failure(client().request({ path: '/page' }));
    expect(error.code).toBe('HTTP_NOT_JSON');
    expect(error.status).toBe(200);
    expect(error.bodySnippet).toContain('Please verify you are human');
    expect(error.message).toMatch(/^Kaspi answered 200 with text\/html; charset=utf-8 instead of JSON to GET \/page .*verify you are human.*try again later$/);
    expect(error.exitCode).toBe(1);
    expect(server.requestsTo('/page')).toHaveLength(1);
  });

  test('an HTML page labelled as JSON, or with no content type, is HTTP_NOT_JSON too', async () => {
    server.fault('/offers', { headers: { 'content-type': 'application/json' }, body: '<html><title>Access denied</title></html>' });
    await expect(client().request({ path: '/offers' })).rejects.toMatchObject({
      code: 'HTTP_NOT_JSON',
      bodySnippet: '<html><title>Access denied</title></html>',
    });
    server.fault('/offers', { body: Buffer.from('  <!doctype html><p>captcha</p>'), headers: { 'content-type': '' } });
    await expect(client().request({ path: '/offers' })).rejects.toMatchObject({ code: 'HTTP_NOT_JSON' });
    expect(server.requestsTo('/offers')).toHaveLength(2);
  });

  test('unparsable JSON is retried twice, then HTTP_BAD_JSON', async () => {
    server.fault('/offers', { headers: { 'content-type': 'application/json' }, body: '{"offers": [', times: Infinity });
    const error = await failure(client().request({ path: '/offers' }));
    expect(error.code).toBe('HTTP_BAD_JSON');
    expect(error.bodySnippet).toBe('{"offers": [');
    expect(error.attempts).toBe(3);
    expect(server.requestsTo('/offers')).toHaveLength(3);
  });

  test('one unparsable answer, then a good one, succeeds', async () => {
    server.fault('/offers', { headers: { 'content-type': 'application/json' }, body: 'nonsense' });
    const res = await client().request({ path: '/offers' });
    expect(res.attempts).toBe(2);
  });

  test('a body cut off mid-way (premature close) is retried', async () => {
    server.fault('/offers', { body: { offers: [{ price: '1'.repeat(500) }] }, truncateAt: 20 });
    const res = await client().request({ path: '/offers' });
    expect(res).toMatchObject({ status: 200, attempts: 2, body: { offers: [{ price: '5000' }] } });
    expect(server.requestsTo('/offers')).toHaveLength(2);
  });

  test('a body cut off on every attempt is HTTP_BAD_JSON after all retries', async () => {
    server.fault('/offers', { body: { offers: [{ price: '1'.repeat(500) }] }, truncateAt: 20, times: Infinity });
    const error = await failure(client({ retries: 2 }).request({ path: '/offers' }));
    expect(error.code).toBe('HTTP_BAD_JSON');
    expect(error.message).toContain('cut off');
    expect(server.requestsTo('/offers')).toHaveLength(3);
  });

  test('a 204 with no body is null', async () => {
    const res = await client().request({ method: 'DELETE', path: '/empty' });
    expect(res).toMatchObject({ status: 204, body: null });
  });

  test('gzip answers are decompressed', async () => {
    expect((await client().request({ path: '/gzip' })).body).toEqual({ zipped: true });
  });

  test('an informational answer (103) before the real one is skipped; repeated headers are joined, names in lower case', async () => {
    const hinting = createServer((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.setHeader('X-Part', ['one', 'two']);
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      // Chunked, in pieces: the body is put together whole.
      res.write('{"parts":');
      setTimeout(() => res.end('["a","б"]}'), 20);
    });
    await new Promise<void>((resolve) => hinting.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(hinting.address() as AddressInfo).port}/hints`;
      const res = await client().request({ path: url });
      expect(res).toMatchObject({ status: 200, body: { parts: ['a', 'б'] }, attempts: 1 });
      expect(res.headers).toMatchObject({ 'x-part': 'one, two', 'content-type': 'application/json; charset=utf-8' });
      expect(res.headers).not.toHaveProperty('link');
    } finally {
      hinting.closeAllConnections();
      await new Promise((resolve) => hinting.close(resolve));
    }
  });
});

describe('stream(): a 2xx body handed over as it arrives', () => {
  /** 2,000 JSON lines of ~250 bytes: ~0.5 MB, more than the stream holds before undici stops reading. */
  const LINES = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(240) })).join('\n');

  async function readAll(body: AsyncIterable<Buffer>, eachChunk?: (n: number) => Promise<void>): Promise<{ text: string; chunks: number }> {
    const parts: Buffer[] = [];
    for await (const chunk of body) {
      parts.push(chunk);
      await eachChunk?.(parts.length);
    }
    return { text: Buffer.concat(parts).toString('utf8'), chunks: parts.length };
  }

  test('the body comes in chunks; what read returns is the result', async () => {
    server.fault('/offers', { headers: { 'content-type': 'application/x-ndjson' }, body: LINES });
    const out = await client().stream({ path: '/offers' }, async (res) => ({ status: res.status, attempts: res.attempts, ...(await readAll(res.body)) }));
    expect(out).toMatchObject({ status: 200, attempts: 1, text: LINES });
    expect(out.chunks).toBeGreaterThan(1);
  });

  test('a gzip body is decompressed on the way', async () => {
    expect(await client().stream({ path: '/gzip' }, async (res) => (await readAll(res.body)).text)).toBe('{"zipped":true}');
  });

  test('a body cut off mid-way: read fails, and the request and read are tried again', async () => {
    server.fault('/offers', { body: LINES, truncateAt: 100_000 });
    server.fault('/offers', { body: LINES });
    const seen: number[] = [];
    const out = await client().stream({ path: '/offers' }, async (res) => {
      seen.push(res.attempts);
      return (await readAll(res.body)).text;
    });
    expect(out).toBe(LINES);
    expect(seen).toEqual([1, 2]);
    expect(server.requestsTo('/offers')).toHaveLength(2);
  });

  test('cut off on every attempt: HTTP_NETWORK after the retries', async () => {
    server.fault('/offers', { body: LINES, truncateAt: 1000, times: Infinity });
    const error = await failure(client({ retries: 2 }).stream({ path: '/offers' }, (res) => readAll(res.body)));
    expect(error.code).toBe('HTTP_NETWORK');
    expect(error.attempts).toBe(3);
  });

  test('a body that stalls times out and is tried again; a reader slower than the timeout does not', async () => {
    const stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(LINES.length) });
      res.write(LINES.slice(0, 1000));
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(stalling.address() as AddressInfo).port}/slow`;
      const error = await failure(client({ retries: 1, timeoutMs: 150 }).stream({ path: url }, (res) => readAll(res.body)));
      expect(error.code).toBe('HTTP_TIMEOUT');
      expect(error.attempts).toBe(2);
    } finally {
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    }
    server.fault('/offers', { body: LINES });
    // 3 pauses of 250 ms in the reader, with a timeout of 150 ms: undici waits for the reader.
    const slow = await client({ timeoutMs: 150 }).stream({ path: '/offers' }, (res) =>
      readAll(res.body, async (n) => {
        if (n <= 3) await new Promise((resolve) => setTimeout(resolve, 250));
      }),
    );
    expect(slow.text).toBe(LINES);
    expect(server.requestsTo('/offers')).toHaveLength(1);
  });

  test("read's own error is not retried; a reader that stops early closes the connection, and the next request is fine", async () => {
    server.fault('/offers', { body: LINES });
    const c = client();
    await expect(
      c.stream({ path: '/offers' }, async (res) => {
        for await (const _chunk of res.body) throw new Error('a bad row');
      }),
    ).rejects.toThrow('a bad row');
    expect(server.requestsTo('/offers')).toHaveLength(1);
    const first = await c.stream({ path: '/offers' }, async (res) => {
      for await (const chunk of res.body) return chunk.length;
    });
    expect(first).toBeGreaterThan(0);
    expect((await c.request({ path: '/offers' })).body).toEqual({ offers: [{ price: '5000' }] });
  });

  test('statuses are handled as by request(): 503 retried, then the 200 streams; a 404 is HTTP_STATUS', async () => {
    server.fault('/offers', { status: 503 });
    let reads = 0;
    const out = await client().stream({ path: '/offers' }, async (res) => {
      reads++;
      return JSON.parse((await readAll(res.body)).text);
    });
    expect(out).toEqual({ offers: [{ price: '5000' }] });
    expect(reads).toBe(1);
    const error = await failure(client().stream({ path: '/missing' }, (res) => readAll(res.body)));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 404 });
  });

  test('the caller can abort mid-body: the abort reason comes back, nothing is retried', async () => {
    server.fault('/offers', { body: LINES });
    const controller = new AbortController();
    await expect(
      client().stream({ path: '/offers', signal: controller.signal }, (res) =>
        readAll(res.body, async (n) => {
          if (n === 1) controller.abort(new Error('stop now'));
        }),
      ),
    ).rejects.toThrow('stop now');
    expect(server.requestsTo('/offers')).toHaveLength(1);
  });
});

describe('connections and timeouts', () => {
  test('a dropped connection is retried', async () => {
    server.fault('/offers', { drop: true, times: 2 });
    const res = await client().request({ path: '/offers' });
    expect(res.attempts).toBe(3);
    expect(server.requestsTo('/offers')).toHaveLength(3);
  });

  test('connections dropped every time end in HTTP_NETWORK naming the service', async () => {
    server.fault('/offers', { drop: true, times: Infinity });
    const error = await failure(client({ retries: 1 }).request({ path: '/offers' }));
    expect(error.code).toBe('HTTP_NETWORK');
    expect(error.message).toMatch(/^cannot reach Kaspi at 127\.0\.0\.1:\d+: .* after 2 attempts; check the network and try again$/);
  });

  test('a refused connection is HTTP_NETWORK', async () => {
    const error = await failure(client({ retries: 0 }).request({ path: 'http://127.0.0.1:1/x' }));
    expect(error.code).toBe('HTTP_NETWORK');
    expect(error.message).toContain('connection refused (ECONNREFUSED)');
  });

  test('a slow answer times out on every attempt: HTTP_TIMEOUT after retries', async () => {
    server.fault('/offers', { delayMs: 2000, times: Infinity });
    const started = Date.now();
    const error = await failure(client({ retries: 2, timeoutMs: 100 }).request({ path: '/offers' }));
    expect(error.code).toBe('HTTP_TIMEOUT');
    expect(error.message).toBe('Kaspi did not answer GET /offers within 100 ms (3 attempts): check the network or proxy, or try again later');
    expect(server.requestsTo('/offers')).toHaveLength(3);
    // Three attempts of 100 ms, not the server's 2 s each.
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test('the timeout covers the body too: a body that stalls after the headers times out', async () => {
    const stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"a":');
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(stalling.address() as AddressInfo).port}/slow`;
      const error = await failure(client({ retries: 1, timeoutMs: 150 }).request({ path: url }));
      expect(error.code).toBe('HTTP_TIMEOUT');
      expect(error.attempts).toBe(2);
    } finally {
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });

  test('the caller can abort: the abort reason comes back and nothing is retried', async () => {
    server.fault('/offers', { delayMs: 300 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 50);
    await expect(client().request({ path: '/offers', signal: controller.signal })).rejects.toThrow('stop now');
    expect(server.requestsTo('/offers')).toHaveLength(1);
  });

  test('close() destroys the pools; later requests fail at once', async () => {
    const c = client();
    await c.request({ path: '/offers' });
    await c.close();
    await expect(c.request({ path: '/offers' })).rejects.toThrow('the Kaspi HTTP client is closed');
    expect(server.requestsTo('/offers')).toHaveLength(1);
  });
});

describe('requests', () => {
  test('base URL prefix, query, JSON body, default and per-request headers', async () => {
    const c = client({ baseUrl: `${server.url}/api/`, headers: { 'User-Agent': 'Mozilla/5.0 test', 'X-Default': 'a' } });
    const res = await c.request<{ method: string; query: Record<string, string>; body: string; headers: Record<string, string> }>({
      method: 'post',
      path: '/v1/echo',
      query: { limit: 64, page: 0, zone: undefined, all: true },
      headers: { 'x-default': 'b' },
      body: { cityId: '750000000' },
    });
    expect(res.body.method).toBe('POST');
    expect(res.body.query).toEqual({ limit: '64', page: '0', all: 'true' });
    expect(JSON.parse(res.body.body)).toEqual({ cityId: '750000000' });
    expect(res.body.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Mozilla/5.0 test',
      'x-default': 'b',
      accept: 'application/json',
    });
  });

  test("expect: 'text' and 'buffer' return the body as is", async () => {
    expect((await client().request<string>({ path: '/page', expect: 'text' })).body).toContain('<!DOCTYPE html>');
    expect((await client().request<Buffer>({ path: '/bytes', expect: 'buffer' })).body).toEqual(Buffer.from([1, 2, 3]));
  });

  test('a non-2xx answer is HTTP_STATUS with status, snippet and headers, unless accepted', async () => {
    const error = await failure(client().request({ path: '/missing' }));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 404, attempts: 1 });
    expect(error.bodySnippet).toBe('{"error":"no such product"}');
    expect(error.headers?.['content-type']).toMatch(/json/);
    expect(error.message).toBe('Kaspi answered 404 to GET /missing after 1 attempt: not found, check the id or address');
    expect(server.requestsTo('/missing')).toHaveLength(1);

    const res = await client().request({ path: '/missing', acceptStatuses: [404] });
    expect(res).toMatchObject({ status: 404, body: { error: 'no such product' } });
    // An accepted status with an HTML page comes back as text instead of hiding the status behind HTTP_NOT_JSON.
    server.fault('/missing', { status: 401, headers: { 'content-type': 'text/html' }, body: '<html>Log in again</html>' });
    const page = await client().request({ path: '/missing', acceptStatuses: [401, 404] });
    expect(page).toMatchObject({ status: 401, body: '<html>Log in again</html>' });
  });
});

describe('credentials never reach messages, errors or logs', () => {
  test('auth, token, cookie and session headers and query values are redacted', async () => {
    const lines: string[] = [];
    const record = (msg: string, fields?: Record<string, unknown>) => lines.push(msg + JSON.stringify(fields ?? {}));
    const log: Logger = { debug: record, info: record, warn: record, error: record, structured: true };
    server.fault('/offers', {
      status: 403,
      headers: { 'set-cookie': 'session=SECRET-COOKIE', 'x-session-id': 'SECRET-SESSION', 'x-request-id': 'r-1' },
      body: { error: 'forbidden' },
    });
    server.fault('/offers', { status: 503, headers: { 'x-auth-token': 'SECRET-ECHO' } }, 'GET');
    const c = client({ log, headers: { Authorization: 'Bearer SECRET-BEARER', 'X-Auth-Token': 'SECRET-TOKEN' } });
    const first = await failure(c.request({ path: '/offers', query: { token: 'SECRET-QUERY', id: 7 } }));
    // The 403 came first (faults are served in order), so the 503 is still pending: it is retried.
    const res = await c.request({ path: '/offers', query: { api_key: 'SECRET-KEY' } });
    expect(res.status).toBe(200);
    expect(res.url).not.toContain('SECRET');
    expect(first.status).toBe(403);
    expect(first.url).toBe(`${server.url}/offers?token=***&id=7`);
    expect(first.headers).toHaveProperty('x-request-id', 'r-1');
    const everything = JSON.stringify([first.message, first.url, first.headers, first.details, lines]);
    expect(lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain('SECRET');
    // The request itself did carry the credentials.
    expect(server.requestsTo('/offers')[0]!.headers).toMatchObject({ authorization: 'Bearer SECRET-BEARER', 'x-auth-token': 'SECRET-TOKEN' });
  });

  test('tokens in the path (Telegram bot tokens, and any given in `redact`) are masked', async () => {
    // Both answer 404 echoing the path (as an unknown route does), so the secret is in the body too.
    const notFound = (req: { method: string; path: string }) => ({ status: 404, body: { error: `nothing at ${req.method} ${req.path}` } });
    server.route('POST', '/:bot/getMe', notFound);
    server.route('GET', '/api/:key/orders', notFound);
    const telegram = await failure(client({ service: 'Telegram' }).request({ method: 'POST', path: '/bot123456:AAH-SECRET_bot_token/getMe' }));
    expect(telegram.message).toBe('Telegram answered 404 to POST /bot***/getMe after 1 attempt: not found, check the id or address');
    expect(telegram.url).toBe(`${server.url}/bot***/getMe`);
    const other = await failure(client({ redact: ['SECRET-PATH-KEY'] }).request({ path: '/api/SECRET-PATH-KEY/orders' }));
    expect(other.message).toContain('GET /api/***/orders');
    expect(JSON.stringify([telegram.details, other.details, other.url])).not.toContain('SECRET');
    expect(server.requests.map((r) => r.path)).toEqual(['/bot123456:AAH-SECRET_bot_token/getMe', '/api/SECRET-PATH-KEY/orders']);
  });
});
