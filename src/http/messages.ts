// Builds the HttpErrors people read: each names the service and says what to do next. Nothing here
// may print a credential: URLs and headers arrive already redacted.
import { HttpError, humanDuration } from './http-error.js';
import { bodySnippet, scrub } from './redact.js';

export interface Failure {
  service: string;
  method: string;
  /** Redacted URL. */
  url: string;
  attempts: number;
  /** Secrets to mask in body snippets (servers echo paths, and tokens with them). */
  secrets?: readonly string[];
}

/** Body snippets pass through here so a token echoed by the server is masked like the URL. */
function snippetOf(f: Failure, body: Buffer | string): string {
  return scrub(bodySnippet(body), f.secrets);
}

function target(f: Failure): string {
  let path = f.url;
  try {
    path = new URL(f.url).pathname;
  } catch {}
  return `${f.method} ${path}`;
}

const tries = (n: number) => (n === 1 ? '1 attempt' : `${n} attempts`);

export interface StatusInit {
  status: number;
  body: Buffer | string;
  headers: Record<string, string>;
  retryAfterMs?: number;
  /** The wait the service asked for is longer than we wait inline. */
  waitTooLong?: boolean;
}

/** A non-2xx answer we do not accept: HTTP_RATE_LIMITED for 429 or a too-long asked wait, else HTTP_STATUS. */
export function statusError(f: Failure, s: StatusInit): HttpError {
  const snippet = snippetOf(f, s.body);
  const init = { url: f.url, status: s.status, retryAfterMs: s.retryAfterMs, bodySnippet: snippet, headers: s.headers, attempts: f.attempts };
  if (s.status === 429 || s.waitTooLong) {
    const when = s.retryAfterMs !== undefined ? `it asks to wait ${humanDuration(s.retryAfterMs)}` : `after ${tries(f.attempts)}`;
    const next = s.retryAfterMs !== undefined ? `try again in ${humanDuration(s.retryAfterMs)}` : 'slow down and try again later';
    return new HttpError('HTTP_RATE_LIMITED', `${f.service} is limiting requests (${s.status} to ${target(f)}, ${when}): ${next}`, init);
  }
  return new HttpError('HTTP_STATUS', `${f.service} answered ${s.status} to ${target(f)} after ${tries(f.attempts)}: ${advice(s.status, snippet)}`, init);
}

function advice(status: number, snippet: string): string {
  const said = snippet ? ` (it said: ${bodySnippet(snippet, 80)})` : '';
  if (status >= 500) return 'the service is having trouble, try again later';
  if (status === 401) return 'the credentials (token or session) were refused, renew them';
  if (status === 403) return `access denied${said}: check the credentials, or slow down or change IP/proxy if blocked`;
  if (status === 404) return 'not found, check the id or address';
  if (status === 408) return 'the service gave up waiting, try again later';
  if (status >= 400) return `the request was rejected${said}, check its parameters`;
  return `unexpected answer${said}`;
}

/** A 2xx answer that is an HTML page (or anything but JSON) where JSON was expected. */
export function notJsonError(f: Failure, status: number, contentType: string, body: Buffer | string, headers: Record<string, string>): HttpError {
  const snippet = snippetOf(f, body);
  return new HttpError(
    'HTTP_NOT_JSON',
    `${f.service} answered ${status} with ${contentType} instead of JSON to ${target(f)} (an anti-bot or error page?): "${bodySnippet(snippet, 80)}"; slow down or change IP/proxy, then try again later`,
    { url: f.url, status, bodySnippet: snippet, headers, attempts: f.attempts },
  );
}

/** JSON that does not parse, or an answer cut off mid-body when JSON was expected. */
export function badJsonError(f: Failure, detail: string, body: Buffer | string, status?: number, cause?: unknown): HttpError {
  return new HttpError('HTTP_BAD_JSON', `${f.service} sent broken JSON to ${target(f)} after ${tries(f.attempts)} (${detail}): try again later`, {
    url: f.url,
    status,
    bodySnippet: snippetOf(f, body),
    attempts: f.attempts,
    cause,
  });
}

export function timeoutError(f: Failure, timeoutMs: number, cause?: unknown): HttpError {
  return new HttpError(
    'HTTP_TIMEOUT',
    `${f.service} did not answer ${target(f)} within ${humanDuration(timeoutMs)} (${tries(f.attempts)}): check the network or proxy, or try again later`,
    { url: f.url, attempts: f.attempts, cause },
  );
}

export function networkError(f: Failure, error: unknown, via?: string): HttpError {
  const code = (error as { code?: string })?.code;
  const what = describeNetworkError(error);
  let host = f.url;
  try {
    host = new URL(f.url).host;
  } catch {}
  return new HttpError(
    'HTTP_NETWORK',
    `cannot reach ${f.service} at ${host}${via ? ` via proxy ${via}` : ''}: ${what}${code ? ` (${code})` : ''} after ${tries(f.attempts)}; check the network${via ? ' or the proxy' : ''} and try again`,
    { url: f.url, attempts: f.attempts, cause: error },
  );
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: string })?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'the connection closed unexpectedly';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connecting timed out';
    default:
      return ((error as Error)?.message ?? String(error)).split('\n')[0]!;
  }
}
