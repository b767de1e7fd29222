// `npm run bench -- http [requests=3000] [concurrency=32] [rounds=5] [--json]`: what the HTTP client
// costs over bare undici.request against a local fake server (same process), and how exactly a rate
// limit is held. The two run in turn, round after round, and the ratio is the median of the rounds'
// ratios, so a machine whose speed drifts (other work) moves both sides of each pair alike.
import { Agent, request } from 'undici';
import { startFakeServer } from '../src/fakes/fake-server.js';
import { HttpClient } from '../src/http/client.js';
import { benchArgs, figure, finish, median } from './_util.js';

const total = Number(benchArgs[0] ?? 3000);
const concurrency = Number(benchArgs[1] ?? 32);
const rounds = Number(benchArgs[2] ?? 5);
const offers = Array.from({ length: 10 }, (_, i) => ({ merchantId: `m${i}`, merchantName: `Shop ${i}`, price: 100_000 + i * 10, rating: 4.8 }));
const server = await startFakeServer((s) => s.route('POST', '/yml/offer-view/offers/:id', () => ({ body: { offers, total: offers.length } })));

/** Runs `total` calls of `one` with `concurrency` in flight: requests per second, and CPU µs per request (client and server). */
async function throughput(one: (i: number) => Promise<unknown>): Promise<{ rate: number; cpuUs: number }> {
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { rate: total / ((performance.now() - started) / 1000), cpuUs: (used.user + used.system) / total };
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
const bareRuns: { rate: number; cpuUs: number }[] = [];
const ourRuns: { rate: number; cpuUs: number }[] = [];
for (let r = 0; r < rounds; r++) {
  bareRuns.push(await throughput(bare));
  ourRuns.push(await throughput(ours));
}
figure('undici_req_s', 'http undici.request', Math.round(median(bareRuns.map((r) => r.rate))), 'req/s (median of the rounds)');
figure('client_req_s', 'http HttpClient', Math.round(median(ourRuns.map((r) => r.rate))), 'req/s');
figure('ratio', 'http HttpClient / undici.request', median(ourRuns.map((r, i) => r.rate / bareRuns[i]!.rate)), '(median of the rounds; target ≥ 0.85)');
// CPU of this process per request, the fake server's share included (the same on both sides).
figure('undici_cpu_us_per_request', 'http undici.request CPU', median(bareRuns.map((r) => r.cpuUs)), 'µs/request (client + server)');
figure('client_cpu_us_per_request', 'http HttpClient CPU', median(ourRuns.map((r) => r.cpuUs)), 'µs/request (client + server)');

// 50/s burst 5 for 2 s: the client should deliver 5 + 50·t requests, no more.
const limited = new HttpClient({ baseUrl: server.url, service: 'Bench', rateLimit: { perSecond: 50, burst: 5 } });
server.requests.length = 0;
const started = Date.now();
await Promise.all(Array.from({ length: 105 }, (_, i) => limited.request({ method: 'POST', path: `/yml/offer-view/offers/${i}` })));
const seconds = (Date.now() - started) / 1000;
figure('rate_limit_seconds', 'http rate limit 50/s burst 5, 105 requests', seconds, 's (ideal 2.00)');
figure('requests', 'requests per round', total);
figure('concurrency', 'in flight', concurrency);
figure('rounds', 'rounds', rounds);

await Promise.all([client.close(), limited.close(), agent.destroy()]);
await server.stop();
finish();
