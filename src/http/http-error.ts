// The one error type of the HTTP layer. Domain clients (Kaspi, Wildberries…) catch it and wrap it in
// their own codes (KASPI_BLOCKED, WB_UNAUTHORIZED…); anything left unwrapped still reads well.
import { EXIT, UserError } from '../core/errors.js';

export type HttpErrorCode = 'HTTP_STATUS' | 'HTTP_RATE_LIMITED' | 'HTTP_NOT_JSON' | 'HTTP_BAD_JSON' | 'HTTP_TIMEOUT' | 'HTTP_NETWORK';

export interface HttpErrorInit {
  url: string;
  status?: number;
  retryAfterMs?: number;
  bodySnippet?: string;
  /** Response headers, already stripped of credential-looking names. */
  headers?: Record<string, string>;
  attempts?: number;
  cause?: unknown;
}

export class HttpError extends UserError {
  declare readonly code: HttpErrorCode;
  readonly status?: number;
  /** The URL without credentials. */
  readonly url: string;
  /** How long the service asked us to wait (Retry-After, X-Ratelimit-Retry…), when it said. */
  readonly retryAfterMs?: number;
  readonly bodySnippet?: string;
  readonly headers?: Record<string, string>;
  readonly attempts: number;
  /** 5 for a service that asked mp to wait longer than it waits in place, else 1 (`mp help exit-codes`). */
  override readonly exitCode: number;

  constructor(code: HttpErrorCode, message: string, init: HttpErrorInit) {
    const details: Record<string, unknown> = { url: init.url, attempts: init.attempts ?? 1 };
    if (init.status !== undefined) details.status = init.status;
    if (init.retryAfterMs !== undefined) details.retryAfterMs = init.retryAfterMs;
    if (init.bodySnippet) details.body = init.bodySnippet;
    super(code, message, { cause: init.cause, details });
    this.status = init.status;
    this.url = init.url;
    this.retryAfterMs = init.retryAfterMs;
    this.bodySnippet = init.bodySnippet;
    this.headers = init.headers;
    this.attempts = init.attempts ?? 1;
    this.exitCode = code === 'HTTP_RATE_LIMITED' ? EXIT.rateLimited : EXIT.failure;
  }
}

export function isHttpError(error: unknown, code?: HttpErrorCode): error is HttpError {
  return error instanceof HttpError && (code === undefined || error.code === code);
}

/** "300 ms", "2 s", "90 s", "30 min", "2 h": how long to wait, for messages. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 120) return `${min} min`;
  return `${Math.round((min / 60) * 10) / 10} h`;
}
