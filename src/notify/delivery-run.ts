// One delivery run: claim due rows, hold or drop what must not go out, send the rest with a few
// workers (one per chat at a time, paced), record each outcome. The exactly-once reasoning is in
// deliver.service.ts.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AuthError, UserError } from '../core/errors.js';
import { decryptSecret } from '../core/secrets.js';
import type { Database } from '../db/schema.js';
import type { DeliverOptions, DeliverStats } from './deliver.service.js';
import type { ClaimedRow } from './outbox.repository.js';
import * as outbox from './outbox.repository.js';
import { sleep } from './pacer.js';
import { quietUntil } from './quiet-hours.js';
import { disableChat } from './recipient.repository.js';
import { htmlToPlain } from './telegram/html.js';
import { type TelegramPart, telegramParts } from './telegram/parts.js';
import { TelegramError } from './telegram/telegram-client.js';
import type { NotificationPayload } from './types.js';
import { postWebhook, webhookBody } from './webhook.js';

/** Backoff after the n-th failed attempt: 30 s, 1 min, 2 min … capped at 1 h, ±20 % jitter. */
export function retryDelayMs(attempts: number, random = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.round(base * (0.8 + random() * 0.4));
}

/** How long claimed rows stay with their worker (MP_NOTIFY_LEASE); renewed when a request leaves. */
export const DEFAULT_LEASE_MS = 600_000;

export class Delivery {
  private readonly worker: string;
  private readonly leaseMs: number;
  private readonly blockedChats = new Set<string>();
  private readonly busy = new Set<string>();
  private fatal: unknown;
  private sentMarks: { id: string; parts: number }[] = [];
  private inFlightWaiters: { id: string; resolve: (held: boolean) => void; reject: (error: unknown) => void }[] = [];
  private sentMarksSince = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly o: DeliverOptions,
    private readonly stats: DeliverStats,
  ) {
    this.worker = o.worker ?? `${process.pid}-${randomBytes(3).toString('hex')}`;
    this.leaseMs = o.leaseMs ?? DEFAULT_LEASE_MS;
  }

  async run(): Promise<void> {
    for (;;) {
      const now = this.o.now();
      this.stats.unconfirmed += await outbox.resolveInDoubt(this.db, now);
      const rows = await outbox.claimDue(this.db, {
        now,
        leaseUntil: new Date(now.getTime() + this.leaseMs),
        worker: this.worker,
        limit: this.o.batchSize ?? 100,
        channel: this.o.telegram ? undefined : 'webhook',
      });
      if (rows.length === 0) return;
      const queue = await this.triage(rows, now);
      await this.drain(queue);
      if (this.fatal) throw this.fatal;
    }
  }

  /** Drops rows of disabled recipients, holds rows in quiet hours; returns the rest to send. */
  private async triage(rows: ClaimedRow[], now: Date): Promise<ClaimedRow[]> {
    const send: ClaimedRow[] = [];
    const held = new Map<number, string[]>();
    for (const row of rows) {
      if (row.recipient_disabled || (row.chat_id && this.blockedChats.has(row.chat_id))) {
        await outbox.markFailed(this.db, row.id, { error: 'the recipient is disabled', next: now, dead: true, countAttempt: false, partsSent: row.parts_sent });
        this.stats.dead++;
        continue;
      }
      const until = row.channel === 'telegram' ? quietUntil(now, { start: row.quiet_start, end: row.quiet_end, timeZone: row.time_zone }) : null;
      if (until) {
        held.set(until.getTime(), [...(held.get(until.getTime()) ?? []), row.id]);
        this.stats.held++;
        continue;
      }
      send.push(row);
    }
    for (const [at, ids] of held) await outbox.holdUntil(this.db, ids, new Date(at));
    return send;
  }

  /** Sends the queue with a few workers; a chat is served by one worker at a time, in order. */
  private async drain(queue: ClaimedRow[]): Promise<void> {
    const concurrency = Math.max(1, this.o.concurrency ?? 8);
    const key = (r: ClaimedRow) => (r.channel === 'telegram' ? `tg:${r.chat_id}` : `wh:${r.id}`);
    const next = (): ClaimedRow | undefined => {
      let best = -1;
      let bestAt = Number.POSITIVE_INFINITY;
      for (let i = 0; i < queue.length; i++) {
        const row = queue[i]!;
        if (this.busy.has(key(row))) continue;
        const at = row.channel === 'telegram' && this.o.telegram ? this.o.telegram.pacer.chatReadyAt(row.chat_id!) : 0;
        if (at < bestAt) {
          best = i;
          bestAt = at;
          if (at <= Date.now()) break;
        }
      }
      return best < 0 ? undefined : queue.splice(best, 1)[0];
    };
    const workers = Array.from({ length: concurrency }, async () => {
      while (queue.length > 0 && !this.fatal) {
        const row = next();
        if (!row) {
          await sleep(5);
          continue;
        }
        this.busy.add(key(row));
        try {
          if (row.channel === 'telegram') await this.sendTelegram(row);
          else await this.sendWebhook(row);
        } catch (error) {
          this.fatal ??= error;
        } finally {
          this.busy.delete(key(row));
        }
      }
    });
    await Promise.all(workers);
    if (!this.fatal || this.fatal instanceof UserError) await this.flushSent();
    if (this.fatal instanceof UserError && queue.length > 0) {
      // An expected stop (the bot token was rejected): give the rows nobody got to back at once
      // instead of leaving them leased until the lease ends. (Anything else is treated like a crash.)
      await outbox.holdUntil(
        this.db,
        queue.map((r) => r.id),
        this.o.now(),
      );
    }
  }

  private async sendTelegram(row: ClaimedRow): Promise<void> {
    const { client, pacer } = this.o.telegram!;
    const chat = row.chat_id!;
    const payload = row.payload as unknown as NotificationPayload;
    let parts: TelegramPart[] = telegramParts(payload, row.lang);
    let k = row.parts_sent;
    let attempts = row.attempts;
    // Message parts Telegram refused as HTML (400): sent again once as plain text.
    const plain = new Set<number>();
    while (k < parts.length) {
      if (this.blockedChats.has(chat)) {
        await this.fail(row, 'Telegram: the chat is disabled (the bot was blocked)', k, true, false);
        return;
      }
      // The chat's own gap (or a 429 pause) is waited out first, with nothing in flight; the overall
      // pace is taken after the in-flight mark, right before the request leaves, so a slow commit
      // cannot bunch requests up at Telegram.
      await pacer.chatReady(chat);
      const part = parts[k]!;
      if (!(await this.markInFlight(row.id))) return; // the lease was lost to another worker
      await pacer.acquire(chat);
      try {
        try {
          if (part.kind === 'photo') await client.sendPhoto(chat, part.photo, part.caption);
          else if (plain.has(k)) await client.sendMessage(chat, htmlToPlain(part.text), { parse_mode: undefined });
          else await client.sendMessage(chat, part.text);
        } finally {
          pacer.answered(chat);
        }
      } catch (error) {
        if (!(error instanceof TelegramError)) throw error;
        const wait = (error.retryAfterSec ?? 1) * 1000;
        if (error.kind === 'rate_limited') {
          pacer.pauseChat(chat, wait);
          if (wait <= (this.o.maxInlineWaitMs ?? 30_000)) {
            await outbox.markPartSent(this.db, row.id, k); // clears in_flight_at: the 429 proves nothing went out
            this.o.log?.info(`Telegram asked to wait ${wait / 1000} s (429); waiting`, { chat });
            continue;
          }
          await this.fail(row, error.message, k, false, false, new Date(this.o.now().getTime() + wait));
          return;
        }
        if (error.kind === 'blocked') {
          this.blockedChats.add(chat);
          const ids = await disableChat(this.db, chat, error.message, this.o.now());
          await this.fail(row, error.message, k, true, false);
          this.stats.dead += await outbox.killWaiting(this.db, ids, `the chat is disabled: ${error.message}`);
          this.o.log?.warn(`Telegram chat ${chat} blocked the bot: its notifications are stopped until /start`, { chat });
          return;
        }
        if (error.kind === 'bad_request' && part.kind === 'photo') {
          // A photo Telegram cannot fetch (too big, .webp cached badly…): send the text alone.
          await outbox.markPartSent(this.db, row.id, k);
          parts = [...parts.slice(0, k), ...telegramParts(payload, row.lang, false)];
          continue;
        }
        if (error.kind === 'bad_request') {
          // The same request would be refused again: retrying it on a schedule only delays the news.
          // First refusal (HTML Telegram cannot parse): the same words as plain text, at once; a
          // refusal of that too is final (dead, with Telegram's reason), never retried.
          await outbox.markPartSent(this.db, row.id, k); // clears in_flight_at: a 400 proves nothing went out
          if (!plain.has(k)) {
            plain.add(k);
            this.o.log?.warn(`Telegram refused notification ${row.id} as HTML (${error.message}); sending it as plain text`, { chat });
            continue;
          }
          await this.fail(row, error.message, k, true, true);
          return;
        }
        if (error.kind === 'unknown') {
          // Like a crash during the call: Telegram may have got it and has no idempotency key, so
          // this part counts as sent (flagged unconfirmed) rather than risk a duplicate.
          this.stats.unconfirmed++;
          this.o.log?.warn(`Telegram did not answer (${error.message}); not sent again to avoid a duplicate (notification ${row.id})`, { chat });
          await outbox.markUnconfirmedPart(this.db, row.id, k + 1, error.message);
          k++;
          continue;
        }
        if (error.kind === 'unauthorized') {
          await this.fail(row, error.message, k, false, false, new Date(this.o.now().getTime() + 60_000));
          throw new AuthError('TELEGRAM_UNAUTHORIZED', 'Telegram rejected the bot token: set MP_TELEGRAM_BOT_TOKEN or run `mp wb bot setup` again');
        }
        attempts++;
        const dead = attempts >= (this.o.telegramMaxAttempts ?? 8);
        await this.fail(row, error.message, k, dead, true, new Date(this.o.now().getTime() + retryDelayMs(attempts)));
        return;
      }
      await this.o.afterSend?.(row, k);
      k++;
      if (k < parts.length) await outbox.markPartSent(this.db, row.id, k);
    }
    await this.markSent(row.id, k);
  }

  private async sendWebhook(row: ClaimedRow): Promise<void> {
    const secret = decryptSecret(row.webhook_secret_sealed!, this.o.secretKey);
    const body = webhookBody(row.dedup_key, row.payload as unknown as NotificationPayload);
    if (!(await this.markInFlight(row.id))) return;
    const result = await postWebhook(row.webhook_url!, body, secret, this.o.now());
    if (result.ok) {
      await this.o.afterSend?.(row, 0);
      await this.markSent(row.id, 1);
      return;
    }
    const attempts = row.attempts + 1;
    const dead = attempts >= (this.o.webhookMaxAttempts ?? 10);
    const delay = Math.max(result.retryAfterMs ?? 0, retryDelayMs(attempts));
    await this.fail(row, result.error, 0, dead, true, new Date(this.o.now().getTime() + delay));
  }

  /** Resolves once this row's in_flight_at is committed (batched with the other workers of this tick). */
  private markInFlight(id: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.inFlightWaiters.push({ id, resolve, reject });
      if (this.inFlightWaiters.length === 1) setImmediate(() => void this.flushInFlight());
    });
  }

  private async flushInFlight(): Promise<void> {
    const waiters = this.inFlightWaiters;
    this.inFlightWaiters = [];
    try {
      const now = this.o.now();
      const held = await outbox.markInFlightMany(
        this.db,
        waiters.map((w) => w.id),
        this.worker,
        now,
        new Date(now.getTime() + this.leaseMs),
      );
      for (const w of waiters) w.resolve(held.has(w.id));
    } catch (error) {
      for (const w of waiters) w.reject(error);
    }
  }

  private async markSent(id: string, parts: number): Promise<void> {
    this.stats.sent++;
    if (this.sentMarks.length === 0) this.sentMarksSince = Date.now();
    this.sentMarks.push({ id, parts });
    if (this.sentMarks.length >= 200 || Date.now() - this.sentMarksSince >= 100) await this.flushSent();
  }

  private async flushSent(): Promise<void> {
    const marks = this.sentMarks;
    this.sentMarks = [];
    if (marks.length > 0) await outbox.markSentMany(this.db, marks, this.o.now());
  }

  private async fail(row: ClaimedRow, error: string, partsSent: number, dead: boolean, countAttempt: boolean, next = this.o.now()): Promise<void> {
    await outbox.markFailed(this.db, row.id, { error, next, dead, countAttempt, partsSent });
    if (dead) {
      this.stats.dead++;
      this.o.log?.warn(`notification ${row.id} (${row.type}) given up: ${error}`);
    } else this.stats.retried++;
  }
}
