// Webhook channel: POST the notification as JSON, signed with the recipient's secret.
// `X-MP-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`: the signature covers
// the time of sending as well as the body, so a receiver that refuses a `t` older than the tolerance
// (SIGNATURE_TOLERANCE_SEC, 5 minutes) cannot be fed a captured request again later.
// `X-MP-Timestamp` repeats `t` for receivers that log it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpClient } from '../http/client.js';
import { isHttpError } from '../http/http-error.js';
import { type Marketplace, type NotificationPayload, payloadMarketplace } from './types.js';

export interface WebhookBody {
  id: string;
  type: string;
  marketplace: Marketplace;
  /** The WB cabinet (WB notifications) … */
  cabinet?: { id: string; name?: string | null };
  /** … or the Kaspi store (Kaspi notifications). */
  store?: { id: string; name?: string | null; merchant_id?: string | null };
  occurred_at: string;
  data: Record<string, unknown>;
}

/** The JSON a webhook receives; `id` is stable across retries, so receivers can drop repeats. */
export function webhookBody(id: string, p: NotificationPayload): WebhookBody {
  const first = p.events[0];
  const data =
    p.events.length === 1 && !p.digest
      ? { key: first!.key, ...first!.data }
      : { events: p.events.map((e) => ({ key: e.key, occurred_at: e.occurred_at, ...e.data })) };
  const marketplace = payloadMarketplace(p);
  return {
    id,
    type: p.type,
    marketplace,
    ...(marketplace === 'kaspi' ? { store: p.store } : { cabinet: p.cabinet }),
    occurred_at: first?.occurred_at ?? new Date(0).toISOString(),
    data,
  };
}

/** How old a signature's `t` a receiver should accept (and how far in the future, for clock skew). */
export const SIGNATURE_TOLERANCE_SEC = 300;

/** The `X-MP-Signature` value for a body sent at `unixSec`: `t=<unixSec>,v1=<hex HMAC of "t.body">`. */
export function signBody(body: string, secret: string, unixSec: number): string {
  return `t=${unixSec},v1=${createHmac('sha256', secret).update(`${unixSec}.${body}`).digest('hex')}`;
}

/**
 * Checks a received `X-MP-Signature` against the raw body (what a receiver does; tests use it too):
 * the HMAC of `t.body` must match one `v1` and `t` must be within `toleranceSec` of `now`, so a
 * replayed request is refused once the tolerance has passed.
 */
export function verifySignature(body: string, header: string | undefined, secret: string, o: { now?: Date; toleranceSec?: number } = {}): boolean {
  if (!header) return false;
  const fields = header.split(',').map((f) => f.trim().split('='));
  const t = fields.find(([k]) => k === 't')?.[1];
  if (!t || !/^\d{1,12}$/.test(t)) return false;
  const age = Math.abs((o.now ?? new Date()).getTime() / 1000 - Number(t));
  if (age > (o.toleranceSec ?? SIGNATURE_TOLERANCE_SEC)) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  return fields.some(([k, v]) => {
    if (k !== 'v1' || !v) return false;
    const given = Buffer.from(v);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export type WebhookResult = { ok: true } | { ok: false; error: string; retryAfterMs?: number };

/** Sends one webhook; never throws (a failure is a result to schedule a retry from). */
export async function postWebhook(url: string, body: WebhookBody, secret: string, now: Date, timeoutMs = 15_000): Promise<WebhookResult> {
  const text = JSON.stringify(body);
  const t = Math.floor(now.getTime() / 1000);
  const client = new HttpClient({ baseUrl: url, service: 'webhook', retries: 0, timeoutMs });
  try {
    await client.request({
      method: 'POST',
      path: url,
      body: text,
      headers: {
        'content-type': 'application/json',
        'x-mp-signature': signBody(text, secret, t),
        'x-mp-timestamp': String(t),
        'user-agent': 'mp-notify',
      },
      expect: 'buffer',
      retry: false,
    });
    return { ok: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: message, retryAfterMs: isHttpError(error) ? error.retryAfterMs : undefined };
  } finally {
    await client.close();
  }
}
