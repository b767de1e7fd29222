// `npm run bench -- http [requests=3000] [concurrency=32]`: what the HTTP client costs over bare
// undici.request against a local fake server (same process), and how exactly a rate limit is held.
import { Agent, request } from 'undici';
import { HttpClient } from '../src/http/client.js';
import { startFakeServer } from '../test/support/fake-server.js';
import { figure } from './_util.js';

const total = Number(process.argv[2] ?? 3000);
const concurrency = Number(process.argv[3] ?? 32);
const offers = Array.from({ length: 10 }, (_, i) => ({ merchantId: `m${i}`, merchantName: `Shop ${i}`, price: 100_000 + i * 10, rating: 4.8 }));
const server = await startFakeServer((s) => s.route('POST', '/yml/offer-view/offers/:id', () => ({ body: { offers, total: offers.length } })));

/** Runs `total` calls of `one` with `concurrency` in flight; returns requests per second. */
async function throughput(one: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

const agent = new Agent({ keepAliveTimeout: 10_000 });
const bare = async (i: number) => {
  const res = await request(`${server.url}/yml/offer-view/offers/${i}`, { method: 'POST', dispatcher: agent });
  return res.body.json();
};
const client = new HttpClient({ baseUrl: server.url, service: 'Bench' });
const ours = (i: number) => client.request({ method: 'POST', path: `/yml/offer-view/offers/${i}` });

await throughput(bare); // warm-up
await throughput(ours);
const bareRate = await throughput(bare);
const oursRate = await throughput(ours);
figure('http undici.request', Math.round(bareRate), 'req/s');
figure('http HttpClient', Math.round(oursRate), 'req/s');
figure('http HttpClient / undici.request', oursRate / bareRate);

// 50/s burst 5 for 2 s: the client should deliver 5 + 50·t requests, no more.
const limited = new HttpClient({ baseUrl: server.url, service: 'Bench', rateLimit: { perSecond: 50, burst: 5 } });
server.requests.length = 0;
const started = Date.now();
await Promise.all(Array.from({ length: 105 }, (_, i) => limited.request({ method: 'POST', path: `/yml/offer-view/offers/${i}` })));
const seconds = (Date.now() - started) / 1000;
figure('http rate limit 50/s burst 5, 105 requests', seconds.toFixed(2), 's (ideal 2.00)');

await Promise.all([client.close(), limited.close(), agent.destroy()]);
await server.stop();
