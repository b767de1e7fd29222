// Pacing for Telegram: at most `perSecond` messages overall and one message per `perChatMs` to any
// one chat (Telegram's flood limits: ~30/s across chats, ~1/s per chat). In-process: several mp
// processes delivering at once each keep their own pace.

export interface PacerOptions {
  perSecond: number;
  perChatMs: number;
  now?: () => number;
}

export class Pacer {
  private readonly interval: number;
  private readonly perChatMs: number;
  private readonly now: () => number;
  private globalNext = 0;
  private readonly chatNext = new Map<string, number>();
  /**
   * The last `windowCount` messages (a ring): when each was answered (when it was sent, until it
   * is). A message may go only once the one `windowCount` back was answered `windowMs` ago: it
   * reached Telegram before its answer, so no `windowMs` holds more than `windowCount` arrivals,
   * however late requests leave after their slot (a busy event loop, a slow commit).
   */
  private readonly recent: number[];
  private recentAt = 0;
  /** The ring slot of the message in flight to each chat (one at a time per chat). */
  private readonly slotOf = new Map<string, number>();
  private readonly windowMs: number;

  constructor(options: PacerOptions) {
    if (!(options.perSecond > 0)) throw new Error('perSecond must be positive');
    this.interval = 1000 / options.perSecond;
    this.perChatMs = Math.max(0, options.perChatMs);
    this.now = options.now ?? (() => performance.now() + performance.timeOrigin);
    const windowCount = Math.max(1, Math.floor(options.perSecond));
    this.windowMs = windowCount * this.interval;
    this.recent = new Array<number>(windowCount).fill(Number.NEGATIVE_INFINITY);
  }

  /** When `chat` may next receive a message (ms since epoch). */
  chatReadyAt(chat: string): number {
    return this.chatNext.get(chat) ?? 0;
  }

  /** Waits until `chat` may receive a message again, without taking a slot. */
  async chatReady(chat: string): Promise<void> {
    for (let wait = this.chatReadyAt(chat) - this.now(); wait > 0; wait = this.chatReadyAt(chat) - this.now()) await sleep(wait);
  }

  /** Waits until a message may go to `chat`, then takes that slot. */
  async acquire(chat: string): Promise<void> {
    for (;;) {
      const wait = this.tryTake(chat, this.now());
      if (wait <= 0) return;
      await sleep(wait);
    }
  }

  /**
   * At time `t`: takes the next slot for `chat` and returns 0, or returns how long to wait. Overall
   * slots sit on a fixed grid: a sender whose timer fired a little late (up to a quarter of a slot)
   * still gets the slot it waited for, so timer lateness does not add up to a rate below the
   * configured one; later than that (an idle spell, a blocked event loop) the grid restarts at `t`,
   * so nothing bursts to make up for lost time. Never more than the configured number of messages
   * in any one second. Per chat the gap is strict.
   */
  tryTake(chat: string, t: number): number {
    const oldest = this.recent[this.recentAt]!;
    const wait = Math.max(this.globalNext - t, this.chatReadyAt(chat) - t, oldest + this.windowMs - t);
    if (wait > 0) return wait;
    this.globalNext = (this.globalNext > t - this.interval / 4 ? this.globalNext : t) + this.interval;
    this.chatNext.set(chat, t + this.perChatMs);
    this.recent[this.recentAt] = t;
    this.slotOf.set(chat, this.recentAt);
    this.recentAt = (this.recentAt + 1) % this.recent.length;
    return 0;
  }

  /**
   * The request to `chat` was answered (or failed): the per-chat gap and the overall window count
   * from now as well, so both hold where Telegram counts them (arrival) however late it left.
   */
  answered(chat: string): void {
    const t = this.now();
    this.chatNext.set(chat, Math.max(this.chatReadyAt(chat), t + this.perChatMs));
    const slot = this.slotOf.get(chat);
    if (slot !== undefined) {
      this.recent[slot] = Math.max(this.recent[slot]!, t);
      this.slotOf.delete(chat);
    }
  }

  /** Telegram said 429 for this chat: nothing goes to it for `ms`. */
  pauseChat(chat: string, ms: number): void {
    this.chatNext.set(chat, Math.max(this.chatReadyAt(chat), this.now() + ms));
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
