// FakeServer.verify(): a test fails on a request its fake did not expect (no route answered it) or
// on a fault it injected and never exercised; the record is cleared for the next test.
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from '../../src/fakes/fake-server.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const start = async () => {
  server = await startFakeServer((s) => s.route('GET', '/items/:id', (req) => ({ body: { id: req.params.id } })));
  return server;
};

describe('FakeServer.verify', () => {
  it('passes when every request had a route and every fault was used', async () => {
    const s = await start();
    s.fault('/items/:id', { status: 503, times: 2 });
    expect((await fetch(`${s.url}/items/1`)).status).toBe(503);
    expect((await fetch(`${s.url}/items/1`)).status).toBe(503);
    expect((await fetch(`${s.url}/items/1`)).status).toBe(200);
    expect(() => s.verify()).not.toThrow();
  });

  it('fails on a request no route answered (404 or 405), naming it, then starts afresh', async () => {
    const s = await start();
    await fetch(`${s.url}/nothing?x=1`);
    await fetch(`${s.url}/items/1`, { method: 'DELETE' });
    expect(() => s.verify()).toThrow(/unexpected request GET \/nothing\?x=1; unexpected request DELETE \/items\/1/);
    expect(() => s.verify()).not.toThrow();
  });

  it('fails on a fault not used up, and on an every-request fault never hit', async () => {
    const s = await start();
    s.fault('/items/:id', { status: 429, times: 2 }, 'GET');
    await fetch(`${s.url}/items/1`);
    expect(() => s.verify()).toThrow(/fault for GET \/items\/:id not used \(1 left\)/);
    s.fault('/items/:id', { status: 500, times: Number.POSITIVE_INFINITY });
    expect(() => s.verify()).toThrow(/fault for \* \/items\/:id not used/);
    s.fault('/items/:id', { status: 500, times: Number.POSITIVE_INFINITY });
    await fetch(`${s.url}/items/2`);
    expect(() => s.verify()).not.toThrow();
  });
});
