// When to try again and how long to wait: exponential backoff with full jitter, and the waits that
// services ask for in their headers.

export interface BackoffOptions {
  /** First retry waits up to this long (default 500 ms). */
  baseMs?: number;
  /** No single wait is longer than this (default 20 s). */
  capMs?: number;
}

export const DEFAULT_RETRY_STATUSES: readonly number[] = [429, 500, 502, 503, 504];

/**
 * "Full jitter" (AWS architecture blog): a uniformly random wait in [0, min(cap, base·2^(retry−1))).
 * Random waits spread retries from many clients instead of synchronising them into bursts.
 * `retry` counts from 1.
 */
export function backoffDelayMs(retry: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 20_000;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * How long the server asked us to wait, in ms, or undefined when it did not say:
 * `Retry-After` (seconds or an HTTP date), then Wildberries' `X-Ratelimit-Retry` (seconds), then
 * `X-Ratelimit-Reset` (seconds until the bucket refills, or a Unix time when the number is that large).
 * Header names must be lower case (as undici gives them).
 */
export function serverRetryDelayMs(headers: Record<string, string>, nowMs: number): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const ms = parseRetryAfter(retryAfter, nowMs);
    if (ms !== undefined) return ms;
  }
  const wbRetry = parseSeconds(headers['x-ratelimit-retry']);
  if (wbRetry !== undefined) return wbRetry;
  const reset = headers['x-ratelimit-reset'];
  if (reset !== undefined) {
    const seconds = Number(reset.trim());
    if (reset.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) {
      // Some APIs (GitHub) send the reset moment as Unix seconds rather than a delay.
      if (seconds > 1e9) return Math.max(0, Math.ceil(seconds * 1000 - nowMs));
      return Math.ceil(seconds * 1000);
    }
  }
  return undefined;
}

/** `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT` → ms from now (never negative). */
export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const seconds = parseSeconds(value);
  if (seconds !== undefined) return seconds;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

function parseSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Math.ceil(Number(text) * 1000);
}
