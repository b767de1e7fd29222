// The Telegram Bot API over the shared HTTP client: `POST <base>/bot<token>/<method>` with JSON.
// Retries are the caller's business (the outbox has its own backoff), so the client never retries
// by itself; it turns Telegram's `{ok:false,…}` answers into TelegramError with a kind to act on.
import { EXIT, UserError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { describeBody } from '../../core/upstream-shape.js';
import { HttpClient } from '../../http/client.js';
import { isHttpError } from '../../http/http-error.js';

export const DEFAULT_TELEGRAM_URL = 'https://api.telegram.org';

/** What the caller should do about a failed call. */
export type TelegramErrorKind =
  | 'rate_limited' // 429: wait retryAfterSec, then try again
  | 'blocked' // 403: the user blocked the bot / never started it / the chat is gone: stop sending there
  | 'bad_request' // 400: the request itself is wrong (too long, bad HTML, bad photo URL)
  | 'unauthorized' // 401/404 on the token: the bot token is wrong
  | 'conflict' // 409: another getUpdates poller or a webhook
  | 'unknown' // no answer in time, or the connection broke after the request left: it may well have reached Telegram
  | 'transient'; // 5xx, network: try again later

export class TelegramError extends UserError {
  constructor(
    readonly kind: TelegramErrorKind,
    message: string,
    readonly status?: number,
    readonly retryAfterSec?: number,
    cause?: unknown,
    code?: string,
  ) {
    super(code ?? (kind === 'unauthorized' ? 'TELEGRAM_UNAUTHORIZED' : kind === 'rate_limited' ? 'TELEGRAM_RATE_LIMITED' : 'TELEGRAM_ERROR'), message, {
      cause,
    });
    this.exitCode = kind === 'unauthorized' ? EXIT.auth : kind === 'rate_limited' ? EXIT.rateLimited : EXIT.failure;
  }
  override readonly exitCode: number;
}

interface TelegramAnswer<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface TelegramMessage {
  message_id: number;
  chat: { id: number; type?: string };
  from?: { id: number; username?: string; first_name?: string; language_code?: string };
  text?: string;
  date?: number;
}

export interface TelegramUpdate {
  update_id: number;
  message?: TelegramMessage;
  callback_query?: { id: string; from: { id: number; language_code?: string }; message?: TelegramMessage; data?: string };
}

export interface InlineButton {
  text: string;
  callback_data: string;
}

export interface TelegramClientOptions {
  baseUrl: string;
  token: string;
  log?: Logger;
  timeoutMs?: number;
}

export class TelegramClient {
  private readonly http: HttpClient;
  private readonly token: string;

  constructor(options: TelegramClientOptions) {
    this.token = options.token;
    this.http = new HttpClient({ baseUrl: options.baseUrl, service: 'Telegram', retries: 0, timeoutMs: options.timeoutMs ?? 30_000, log: options.log });
  }

  /** Calls a Bot API method and returns its `result`; throws TelegramError (the token never appears in it). */
  async call<T>(method: string, params: Record<string, unknown> = {}, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
    let answer: TelegramAnswer<T>;
    let status: number;
    try {
      const res = await this.http.request<TelegramAnswer<T>>({
        method: 'POST',
        path: `/bot${this.token}/${method}`,
        body: params,
        retry: false,
        acceptStatuses: [400, 401, 403, 404, 409, 429, 500, 502, 503, 504],
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
      });
      answer = res.body;
      status = res.status;
    } catch (error) {
      const text = this.redact(error instanceof Error ? error.message : String(error));
      const st = isHttpError(error) ? error.status : undefined;
      // A 2xx whose body is not JSON (an HTML page from a proxy, a cut-off body): Telegram (or
      // something on the way) took the request, so a send may have happened: unknown, not transient.
      const badBody = (isHttpError(error, 'HTTP_NOT_JSON') || isHttpError(error, 'HTTP_BAD_JSON')) && st !== undefined && st >= 200 && st < 300;
      const kind = st === 401 || st === 404 ? 'unauthorized' : badBody || outcomeUnknown(error) ? 'unknown' : 'transient';
      throw new TelegramError(kind, `Telegram ${method} failed: ${text}`, st, undefined, error, badBody ? 'TELEGRAM_BAD_RESPONSE' : undefined);
    }
    if (!answer || typeof answer !== 'object' || typeof answer.ok !== 'boolean' || (answer.ok && !resultFits(method, answer.result))) {
      // A 200 that is not a Bot API answer ({}, an empty body, a result of the wrong shape) is never
      // a success: whether a send happened is unknown, so it is not repeated blindly either.
      const ok = status >= 200 && status < 300;
      throw new TelegramError(
        ok ? 'unknown' : 'transient',
        `Telegram ${method} answered ${status} with ${describeBody(answer)}, not a Bot API answer`,
        status,
        undefined,
        undefined,
        'TELEGRAM_BAD_RESPONSE',
      );
    }
    if (answer.ok) return answer.result as T;
    const code = answer?.error_code ?? status;
    const description = this.redact(answer?.description ?? `HTTP ${status}`);
    throw new TelegramError(classify(code, description), `Telegram ${method}: ${description}`, code, answer?.parameters?.retry_after);
  }

  getMe(): Promise<{ id: number; username?: string; first_name?: string }> {
    return this.call('getMe');
  }

  sendMessage(chatId: string, text: string, extra: Record<string, unknown> = {}): Promise<TelegramMessage> {
    return this.call('sendMessage', { chat_id: chatId, text, parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...extra });
  }

  sendPhoto(chatId: string, photo: string, caption: string): Promise<TelegramMessage> {
    return this.call('sendPhoto', { chat_id: chatId, photo, caption, parse_mode: 'HTML' });
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private redact(text: string): string {
    return this.token ? text.split(this.token).join('<token>') : text;
  }
}

/** Failures before a connection existed: the request never left, so sending it again is safe. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Whether Telegram may have got the request: no answer in time, or a network failure other than
 * failing to connect (a reset or a close after the request was written, an answer cut off).
 */
function outcomeUnknown(error: unknown): boolean {
  if (isHttpError(error, 'HTTP_TIMEOUT')) return true;
  if (!isHttpError(error, 'HTTP_NETWORK')) return false;
  const code = (error.cause as { code?: string } | undefined)?.code;
  return !(code && (NOT_SENT.has(code) || code.startsWith('ERR_TLS') || code.includes('CERT')));
}

/** Whether a successful answer's `result` has the shape its method returns. */
function resultFits(method: string, result: unknown): boolean {
  if (result === undefined) return false;
  if (method === 'getUpdates') return Array.isArray(result) && result.every((u) => typeof (u as TelegramUpdate)?.update_id === 'number');
  if (method === 'sendMessage' || method === 'sendPhoto') return typeof (result as TelegramMessage | null)?.message_id === 'number';
  if (method === 'getMe') return typeof (result as { id?: unknown } | null)?.id === 'number';
  return true;
}

function classify(code: number, description: string): TelegramErrorKind {
  if (code === 429) return 'rate_limited';
  if (code === 403) return 'blocked';
  if (code === 401 || code === 404) return 'unauthorized';
  if (code === 409) return 'conflict';
  if (code === 400 && /chat not found|user is deactivated|bot was kicked/i.test(description)) return 'blocked';
  if (code >= 400 && code < 500) return 'bad_request';
  return 'transient';
}
