// A round-robin proxy list. A proxy that fails (network error, timeout, 403 from the site) is benched
// for a while so the next requests go through the others; when every proxy is benched we use the one
// that comes back soonest rather than stopping.

export interface ProxyPoolOptions {
  /** How long a failing proxy sits out (default 60 s). */
  benchMs?: number;
  now?: () => number;
}

export class ProxyPool {
  private readonly benchedUntil = new Map<string, number>();
  private cursor = 0;
  private readonly benchMs: number;
  private readonly now: () => number;

  constructor(
    readonly proxies: readonly string[],
    options: ProxyPoolOptions = {},
  ) {
    if (proxies.length === 0) throw new RangeError('a proxy pool needs at least one proxy');
    this.benchMs = options.benchMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The next proxy in turn that is not benched, or the one whose bench ends first. */
  next(): string {
    const now = this.now();
    const n = this.proxies.length;
    for (let i = 0; i < n; i++) {
      const proxy = this.proxies[(this.cursor + i) % n]!;
      if ((this.benchedUntil.get(proxy) ?? 0) <= now) {
        this.cursor = (this.cursor + i + 1) % n;
        return proxy;
      }
    }
    let best = this.proxies[0]!;
    for (const proxy of this.proxies) if (this.benchedUntil.get(proxy)! < this.benchedUntil.get(best)!) best = proxy;
    return best;
  }

  /** Takes `proxy` out of rotation for the bench time. */
  bench(proxy: string): void {
    this.benchedUntil.set(proxy, this.now() + this.benchMs);
  }

  /** Whether some proxy other than `proxy` is not benched right now (a failed request can go there). */
  hasOtherThan(proxy: string): boolean {
    const now = this.now();
    return this.proxies.some((p) => p !== proxy && (this.benchedUntil.get(p) ?? 0) <= now);
  }

  /** Whether `proxy` is benched right now. */
  isBenched(proxy: string): boolean {
    return (this.benchedUntil.get(proxy) ?? 0) > this.now();
  }
}
