// A payout provider over HTTP: POST the payout as JSON with `Idempotency-Key: <payout id>` (a
// retried or re-claimed payout can never be paid twice) and a Stripe-style HMAC signature.
// 2xx completed; 4xx failed for good (except 408/429); 5xx, 408, 429, timeouts and network errors are transient.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'undici';
import type { ClaimedPayout } from '../payouts-queue.repository.js';
import type { GatewayResult, PayoutGateway } from './gateway.js';

export interface HttpGatewayOptions {
  url: string;
  /** HMAC-SHA256 key; the header is `X-Mp-Signature: t=<unix seconds>,v1=<hex>` over `<t>.<body>`. */
  secret: string;
  timeoutMs?: number;
  /** Connections to the provider (default 32). */
  connections?: number;
  now?: () => Date;
}

/** The signature header value for a body sent at `unixSeconds` (providers verify it the same way). */
export function signPayload(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export function httpGateway(options: HttpGatewayOptions): PayoutGateway {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({ connections: options.connections ?? 32, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const now = options.now ?? (() => new Date());
  return {
    name: 'http',
    async send(payout: ClaimedPayout, signal?: AbortSignal): Promise<GatewayResult> {
      const body = JSON.stringify({
        id: payout.id,
        amount: payout.amount,
        currency: payout.currency,
        recipient: payout.recipient,
        comment: payout.comment,
        attempt: payout.attempts,
      });
      const t = Math.floor(now().getTime() / 1000);
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        const res = await request(options.url, {
          method: 'POST',
          dispatcher: agent,
          body,
          headers: { 'content-type': 'application/json', 'idempotency-key': payout.id, 'x-mp-signature': signPayload(options.secret, t, body) },
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        const text = await res.body.text();
        const snippet = text.slice(0, 200).replace(/\s+/g, ' ');
        if (res.statusCode >= 200 && res.statusCode < 300) return { outcome: 'completed', reference: referenceOf(text) };
        const reason = `provider answered HTTP ${res.statusCode}${snippet ? `: ${snippet}` : ''}`;
        if (res.statusCode >= 500 || res.statusCode === 408 || res.statusCode === 429) return { outcome: 'transient', reason };
        return { outcome: 'failed', reason };
      } catch (error) {
        const e = error as { name?: string; code?: string; message?: string };
        const what = e.name === 'TimeoutError' || /timeout/i.test(e.code ?? '') ? `timed out after ${timeoutMs} ms` : (e.code ?? e.message ?? String(error));
        return { outcome: 'transient', reason: `provider unreachable: ${what}` };
      }
    },
    async close() {
      await agent.close();
    },
  };
}

function referenceOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { reference?: unknown; id?: unknown };
    const ref = parsed.reference ?? parsed.id;
    return typeof ref === 'string' ? ref : undefined;
  } catch {
    return undefined;
  }
}
