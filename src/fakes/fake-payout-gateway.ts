// A fake payout provider for the http gateway: verifies the HMAC signature, remembers each
// Idempotency-Key (a repeated key gets the first answer again, as real providers do), and lets a
// test script answers per payout id.
import { signPayload } from '../payouts/gateways/http.js';
import { type FakeResponse, type FakeServer, startFakeServer } from './fake-server.js';

export interface FakePayoutGateway {
  server: FakeServer;
  url: string;
  /** Payout ids paid (each at most once, thanks to the idempotency key). */
  paid: Set<string>;
  /** Next answers for a payout id (consumed in order); default 200 paid. */
  script: Map<string, FakeResponse[]>;
  badSignatures: number;
  stop(): Promise<void>;
  /** Fails (throws) on a request no route answered or an injected fault not used up: for a test's afterEach. */
  verify(): void;
}

export async function startFakePayoutGateway(secret: string): Promise<FakePayoutGateway> {
  const paid = new Set<string>();
  const script = new Map<string, FakeResponse[]>();
  const answered = new Map<string, FakeResponse>();
  const state = { badSignatures: 0 };
  const server = await startFakeServer((s) =>
    s.route('POST', '/v1/payouts', (req) => {
      const header = String(req.headers['x-mp-signature'] ?? '');
      const t = Number(/t=(\d+)/.exec(header)?.[1]);
      if (header !== signPayload(secret, t, req.body)) {
        state.badSignatures++;
        return { status: 401, body: { error: 'bad signature' } };
      }
      const key = String(req.headers['idempotency-key'] ?? '');
      const previous = answered.get(key);
      if (previous) return previous;
      const next = script.get(key)?.shift() ?? { status: 200, body: { reference: `ref-${key.slice(0, 8)}` } };
      const status = next.status ?? 200;
      if (status >= 200 && status < 300) paid.add(key);
      // Only final answers are remembered (a 5xx may be retried with the same key); a slow answer
      // that the client gave up on still happened, and its retry gets it at once.
      if (status < 500) answered.set(key, { ...next, delayMs: undefined });
      return next;
    }),
  );
  return {
    server,
    url: `${server.url}/v1/payouts`,
    paid,
    script,
    get badSignatures() {
      return state.badSignatures;
    },
    stop: () => server.stop(),
    verify: () => server.verify(),
  };
}
