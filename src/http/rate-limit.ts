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
  /** Waiting callers queued so far (the newest one's number). */
  private issued = 0;
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
    const ticket = ++this.issued;
    const waitMs = Math.ceil((-this.tokens / this.limit.perSecond) * 1000);
    try {
      await this.sleep(waitMs, signal);
    } catch (error) {
      // Only the last caller in the queue may give its token back: those behind it sleep until slots
      // counted with its token spent, so a returned token would let a newcomer share one of their slots.
      if (ticket === this.issued) this.tokens += 1;
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

/**
 * Buckets by key (host + exit), created on first use with the same limit, and pauses by key: when a
 * service answers 429 with a wait, every request through that key waits until then, not just the one
 * that was refused. Without a limit there are no buckets, only pauses.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  /** Key → end of its pause (ms on the limiter's clock). */
  private readonly pauses = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: Sleep;

  constructor(
    readonly limit: RateLimit | undefined,
    private readonly clock: ClockOptions = {},
  ) {
    this.now = clock.now ?? Date.now;
    this.sleep = clock.sleep ?? realSleep;
  }

  bucket(key: string): TokenBucket {
    if (!this.limit) throw new Error('this rate limiter has no limit, so no buckets');
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limit, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /**
   * Holds every later `take(key)` for `ms` from now. A pause only grows: a shorter one asked later
   * never ends an existing pause early. Requests already sent are not affected. Returns the pause's end.
   */
  pause(key: string, ms: number): number {
    const until = this.now() + Math.max(0, ms);
    const current = this.pauses.get(key);
    if (current !== undefined && current >= until) return current;
    this.pauses.set(key, until);
    return until;
  }

  /** Ms left of the pause on `key` (0 when none). */
  pausedFor(key: string): number {
    const until = this.pauses.get(key);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    this.pauses.delete(key);
    return 0;
  }

  /** Resolves when a request through `key` may go: after any pause, with a token from its bucket. */
  async take(key: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      for (let left = this.pausedFor(key); left > 0; left = this.pausedFor(key)) await this.sleep(left, signal);
      if (!this.limit) return;
      const bucket = this.bucket(key);
      await bucket.take(signal);
      // A pause that began while this caller waited for its token holds it too, and it takes a new
      // token after the pause. The unused one is not given back: the callers behind it sleep until
      // slots counted with it spent, so a token returned now would let a later caller share a slot.
      if (this.pausedFor(key) === 0) return;
    }
  }
}
