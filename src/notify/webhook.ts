// Webhook channel: POST the notification as JSON, signed with the recipient's secret.
// `X-MP-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, `X-MP-Timestamp: <unix seconds>`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpClient } from '../http/client.js';
import { isHttpError } from '../http/http-error.js';
import type { NotificationPayload } from './types.js';

export interface WebhookBody {
  id: string;
  type: string;
  cabinet: { id: string; name?: string | null };
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
  return { id, type: p.type, cabinet: p.cabinet, occurred_at: first?.occurred_at ?? new Date(0).toISOString(), data };
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Checks a received signature header against the body (for receivers and tests). */
export function verifySignature(body: string, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export type WebhookResult = { ok: true } | { ok: false; error: string; retryAfterMs?: number };

/** Sends one webhook; never throws (a failure is a result to schedule a retry from). */
export async function postWebhook(url: string, body: WebhookBody, secret: string, now: Date, timeoutMs = 15_000): Promise<WebhookResult> {
  const text = JSON.stringify(body);
  const client = new HttpClient({ baseUrl: url, service: 'webhook', retries: 0, timeoutMs });
  try {
    await client.request({
      method: 'POST',
      path: url,
      body: text,
      headers: {
        'content-type': 'application/json',
        'x-mp-signature': signBody(text, secret),
        'x-mp-timestamp': String(Math.floor(now.getTime() / 1000)),
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
