// Write-behind batching for a stream of units that each end in a database write (the Kaspi scrape's
// products): units queue, and a batch is written in one transaction when `maxItems` are waiting,
// `maxWaitMs` after the first of them queued, or on flush(). One batch is written at a time, in
// queue order. A unit's promise settles when its batch has committed (or failed), so "written" still
// means committed: a caller reports a unit as saved only then.

export interface WriteBatcherOptions<I> {
  /** A batch is written once this many units wait. */
  maxItems: number;
  /** …or this long after the first unit of a batch queued. */
  maxWaitMs: number;
  /** Units with the same key never share a batch (the second waits for the next one). */
  key?: (item: I) => string;
}

interface Pending<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class WriteBatcher<I, R> {
  /** Sealed batches waiting their turn, then the batch being filled (last). */
  private readonly batches: { units: Pending<I, R>[]; keys: Set<string> }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing = false;
  private readonly roomWaiters: (() => void)[] = [];

  constructor(
    /** Writes one batch (in one transaction); returns each unit's result in the order given. */
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly options: WriteBatcherOptions<I>,
  ) {}

  /** Queues a unit; settles once its batch has been written. */
  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const key = this.options.key?.(item);
      let open = this.batches.at(-1);
      if (!open || this.isSealed(open) || (key !== undefined && open.keys.has(key))) {
        if (open && !this.isSealed(open)) this.seal();
        open = { units: [], keys: new Set() };
        this.batches.push(open);
      }
      open.units.push({ item, resolve, reject });
      if (key !== undefined) open.keys.add(key);
      if (open.units.length >= this.options.maxItems) this.seal();
      else this.timer ??= setTimeout(() => this.seal(), this.options.maxWaitMs);
      this.pump();
    });
  }

  /** Units queued and not taken by a write yet. */
  get pending(): number {
    let n = 0;
    for (const b of this.batches) n += b.units.length;
    return n;
  }

  /** Resolves when fewer than `limit` units are waiting (backpressure for a producer faster than the database). */
  async waitForRoom(limit = this.options.maxItems * 2): Promise<void> {
    while (this.pending >= limit) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  /** Writes what is queued now, without waiting for the batch to fill. */
  flush(): void {
    if (this.batches.length && !this.isSealed(this.batches.at(-1)!)) this.seal();
  }

  /** Writes everything queued now; resolves once no unit is queued and no batch is being written. */
  async drain(): Promise<void> {
    this.flush();
    while (this.writing || this.batches.length) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  private sealedCount = 0;

  private isSealed(batch: { units: Pending<I, R>[]; keys: Set<string> }): boolean {
    return this.batches.indexOf(batch) < this.sealedCount;
  }

  private seal(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sealedCount < this.batches.length) this.sealedCount = this.batches.length;
    this.pump();
  }

  private pump(): void {
    if (this.writing || this.sealedCount === 0) return;
    const batch = this.batches.shift()!;
    this.sealedCount -= 1;
    this.writing = true;
    const units = batch.units;
    void this.write(units.map((u) => u.item))
      .then(
        (results) => {
          for (const [i, u] of units.entries()) u.resolve(results[i]!);
        },
        (error: unknown) => {
          for (const u of units) u.reject(error);
        },
      )
      .finally(() => {
        this.writing = false;
        for (const wake of this.roomWaiters.splice(0)) wake();
        this.pump();
      });
  }
}
