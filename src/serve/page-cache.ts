// An in-process LRU of rendered answers, bounded in entries and bytes. It never decides validity:
// whoever reads an entry checks it against the database's version of the data (and any deadline it
// stored) before serving it, so a hit is exactly what the statement would answer now.
export interface CachedPage {
  /** Rendered text (its size counts against the byte bound). */
  text: string;
  bytes: number;
}

export class PageCache<V extends CachedPage> {
  private readonly entries = new Map<string, V>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 256,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.delete(key);
    if (value.bytes > this.maxBytes) return;
    this.entries.set(key, value);
    this.bytes += value.bytes;
    for (const [k, v] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.bytes;
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= old.bytes;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
