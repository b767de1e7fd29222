// Proxies: round-robin, a failing proxy benched for a while, the soonest-free one used when all are
// benched, one rate-limit bucket per exit, and proxy passwords kept out of messages and logs.
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { Logger } from '../../src/core/log.js';
import { type FakeProxy, startFakeProxy } from '../../src/fakes/fake-proxy.js';
import { startFakeServer } from '../../src/fakes/fake-server.js';
import { HttpClient, type HttpClientOptions, HttpError } from '../../src/http/client.js';
import { ProxyPool } from '../../src/http/proxies.js';

// `connection: close` makes every request open a new CONNECT tunnel, so the proxies see each one.
const server = await startFakeServer((s) => s.route('GET', '/offers/:id', (req) => ({ headers: { connection: 'close' }, body: { id: req.params.id } })));
afterAll(() => server.stop());

describe('ProxyPool', () => {
  test('round-robin, benching, and the soonest-free proxy when all are benched', () => {
    let now = 0;
    const pool = new ProxyPool(['a', 'b', 'c'], { benchMs: 60_000, now: () => now });
    expect([pool.next(), pool.next(), pool.next(), pool.next()]).toEqual(['a', 'b', 'c', 'a']);
    pool.bench('c');
    expect([pool.next(), pool.next(), pool.next()]).toEqual(['b', 'a', 'b']);
    expect(pool.isBenched('c')).toBe(true);
    now = 10;
    pool.bench('a');
    now = 20;
    pool.bench('b');
    // All benched: c frees first (at 60 000), then a, then b.
    expect(pool.next()).toBe('c');
    expect(pool.next()).toBe('c');
    now = 60_005;
    expect(pool.isBenched('c')).toBe(false);
    expect([pool.next(), pool.next()]).toEqual(['c', 'c']);
    now = 60_015;
    expect([pool.next(), pool.next()]).toEqual(['a', 'c']);
  });

  test('an empty list is refused', () => {
    expect(() => new ProxyPool([])).toThrow(RangeError);
  });
});

describe('HttpClient through proxies', () => {
  const proxies: FakeProxy[] = [];
  const clients: HttpClient[] = [];
  let a: FakeProxy;
  let b: FakeProxy;
  let c: FakeProxy;
  const lines: string[] = [];
  const record = (msg: string, fields?: Record<string, unknown>) => lines.push(msg + JSON.stringify(fields ?? {}));
  const log: Logger = { debug: record, info: record, warn: record, error: record, structured: true };

  async function setup(options: Partial<HttpClientOptions> = {}): Promise<HttpClient> {
    [a, b, c] = await Promise.all([startFakeProxy(), startFakeProxy(), startFakeProxy()]);
    proxies.push(a, b, c);
    const client = new HttpClient({
      baseUrl: server.url,
      service: 'Kaspi',
      proxies: [a.urlWithAuth('user', 'PROXY-PASSWORD'), b.url, c.url],
      sleep: async () => {},
      log,
      ...options,
    });
    clients.push(client);
    return client;
  }
  // By arrival order, not time: several arrivals share a millisecond when retries do not sleep.
  const order = () =>
    [...a.hits.map((h) => ({ p: 'a', seq: h.seq })), ...b.hits.map((h) => ({ p: 'b', seq: h.seq })), ...c.hits.map((h) => ({ p: 'c', seq: h.seq }))]
      .sort((x, y) => x.seq - y.seq)
      .map((h) => h.p)
      .join('');
  const get = (client: HttpClient, id: number) => client.request<{ id: string }>({ path: `/offers/${id}` });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
    server.requests.length = 0;
    lines.length = 0;
    server.verify();
  });

  test('requests go round-robin, with the credentials from the proxy URL', async () => {
    const client = await setup();
    for (let i = 0; i < 6; i++) expect((await get(client, i)).body).toEqual({ id: String(i) });
    expect(order()).toBe('abcabc');
    expect(a.hits[0]!.target).toBe(new URL(server.url).host);
    expect(a.hits[0]!.auth).toBe(`Basic ${Buffer.from('user:PROXY-PASSWORD').toString('base64')}`);
    expect(b.hits[0]!.auth).toBeUndefined();
  });

  test('a proxy that drops connections is benched: the retry and later requests use the others', async () => {
    const client = await setup();
    b.mode = 'drop';
    await get(client, 1); // a
    expect((await get(client, 2)).attempts).toBe(2); // b fails, retried through c
    for (let i = 3; i < 7; i++) await get(client, i);
    expect(order()).toBe('abcacac');
    expect(server.requests).toHaveLength(6);
    expect(lines.join('\n')).toMatch(/proxy 127\.0\.0\.1:\d+ network; benched for 60 s/);
  });

  test('a proxy refused by the site (403) is benched', async () => {
    const client = await setup();
    server.fault('/offers/:id', { status: 403, body: 'Forbidden' });
    // Kaspi bans IPs with 403: a caller that wants another exit retries 403.
    expect((await client.request({ path: '/offers/1', retryStatuses: [403] })).attempts).toBe(2);
    for (let i = 2; i < 5; i++) await get(client, i);
    expect(order()).toBe('abcbc');
  });

  test('a 403 from the site through one proxy is retried at once through the next, and succeeds', async () => {
    const client = await setup({ sleep: async () => expect.fail('no backoff wait when another proxy is free') });
    a.mode = 'banned';
    const res = await get(client, 1);
    expect(res.body).toEqual({ id: '1' });
    expect(res.attempts).toBe(2);
    expect(order()).toBe('ab');
    expect(server.requests).toHaveLength(1);
    // a is benched: the next requests go through b and c.
    await get(client, 2);
    await get(client, 3);
    expect(order()).toBe('abcb');
    expect(lines.join('\n')).toMatch(/proxy 127\.0\.0\.1:\d+ answered 403; benched/);
  });

  test('a 403 through every proxy: each tried once, then the 403 is the answer', async () => {
    const client = await setup();
    a.mode = 'banned';
    b.mode = 'banned';
    c.mode = 'banned';
    const error = (await get(client, 1).catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(403);
    expect(order()).toBe('abc');
  });

  test('a request that must not be repeated is not retried through another proxy', async () => {
    const client = await setup();
    a.mode = 'banned';
    const error = (await client.request({ path: '/offers/1', retry: false }).catch((e: unknown) => e)) as HttpError;
    expect(error.status).toBe(403);
    expect(order()).toBe('a');
  });

  test('a proxy that refuses CONNECT is benched; the bench ends after proxyBenchMs', async () => {
    let now = 1_000_000;
    const client = await setup({ now: () => now, proxyBenchMs: 5000 });
    c.mode = 'refuse';
    for (let i = 0; i < 4; i++) await get(client, i); // a, b, c→a, b
    expect(order()).toBe('abcab');
    c.mode = 'ok';
    await get(client, 5); // a (c still benched)
    now += 5001;
    await get(client, 6); // b
    await get(client, 7); // c is back
    expect(order()).toBe('abcababc');
  });

  test('when every proxy fails: HTTP_NETWORK naming the proxy by host only', async () => {
    const client = await setup({ retries: 4 });
    a.mode = 'drop';
    b.mode = 'refuse';
    c.mode = 'drop';
    const error = (await get(client, 1).catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.code).toBe('HTTP_NETWORK');
    expect(error.attempts).toBe(5);
    // Round-robin, then (all benched) the one whose bench ends first.
    expect(order()).toBe('abcab');
    expect(error.message).toMatch(
      /^cannot reach Kaspi at 127\.0\.0\.1:\d+ via proxy 127\.0\.0\.1:\d+: .* after 5 attempts; check the network or the proxy and try again$/,
    );
    expect(JSON.stringify([error.message, error.details, error.url, lines])).not.toContain('PROXY-PASSWORD');
  });

  test('a proxy that never answers times out and is benched', async () => {
    const client = await setup({ timeoutMs: 150 });
    a.mode = 'hang';
    const res = await get(client, 1);
    expect(res.attempts).toBe(2);
    await get(client, 2);
    expect(order()).toBe('abc');
    expect(lines.join('\n')).toMatch(/proxy 127\.0\.0\.1:\d+ timeout; benched/);
  });

  test('each exit has its own rate-limit bucket', async () => {
    const client = await setup({ rateLimit: { perSecond: 1, burst: 1 } });
    const started = Date.now();
    await Promise.all([get(client, 1), get(client, 2), get(client, 3)]);
    // One request per proxy: nobody waits for a token (a shared bucket would take 2 s). A fourth waits ~1 s for proxy a.
    expect(Date.now() - started).toBeLessThan(1500);
    await get(client, 4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(order()).toBe('abca');
  });
});
