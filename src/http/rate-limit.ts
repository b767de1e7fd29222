// Token buckets: `burst` requests may go at once, then `perSecond` on average. One bucket per
// host + exit (direct or a proxy), because marketplaces count requests per IP.

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface ClockOptions {
  now?: () => number;
  sleep?: Sleep;
}

/**
 * A token bucket that hands out reservations: each `take()` removes a token at once, letting the
 * count go negative, and waits until its token would have refilled. Concurrent callers are therefore
 * served in arrival order without polling, and no more than `burst + perSecond·t` calls return in any
 * window of t seconds.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;

  constructor(
    readonly limit: RateLimit,
    clock: ClockOptions = {},
  ) {
    if (!(limit.perSecond > 0)) throw new RangeError(`rate limit must be above 0 per second, got ${limit.perSecond}`);
    if (!(limit.burst >= 1)) throw new RangeError(`rate limit burst must be at least 1, got ${limit.burst}`);
    this.now = clock.now ?? Date.now;
    this.sleep = clock.sleep ?? realSleep;
    this.tokens = limit.burst;
    this.updatedAt = this.now();
  }

  /** Resolves when a request may go; rejects (and gives the token back) if `signal` aborts first. */
  async take(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const waitMs = Math.ceil((-this.tokens / this.limit.perSecond) * 1000);
    try {
      await this.sleep(waitMs, signal);
    } catch (error) {
      this.tokens += 1;
      throw error;
    }
  }

  /** Tokens available right now (negative while callers are queued). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = now;
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed / 1000) * this.limit.perSecond);
  }
}

/** Buckets by key (host + exit), created on first use with the same limit. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly limit: RateLimit,
    private readonly clock: ClockOptions = {},
  ) {}

  bucket(key: string): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limit, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  take(key: string, signal?: AbortSignal): Promise<void> {
    return this.bucket(key).take(signal);
  }
}
