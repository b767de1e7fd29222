// Every error of the REST API is application/problem+json (RFC 9457) with the same stable `code` the
// command line prints for the same failure, `fields` naming each refused input, and (for clients of
// the payouts API from before) the same facts again under `error`.
import { isMpError, OtherUsersObjectError, RateLimitedError, UsageError } from '../core/errors.js';

/** An error answered with a given status (routing, authentication, body parsing). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** HTTP status of the domain error codes that are not 400 (usage) or 422 (refused by a service). */
const STATUS_BY_CODE: Record<string, number> = {
  PAYOUT_INVALID: 422,
  PAYOUT_BAD_QUERY: 400,
  // A row the database refused in a batched insert (its neighbours were written).
  PAYOUT_REJECTED: 400,
  PAYOUT_NOT_EDITABLE: 409,
  PAYOUT_NOT_CANCELLABLE: 409,
  PAYOUT_NOT_DELETABLE: 409,
  PAYOUT_IDEMPOTENCY_CONFLICT: 409,
  PAYOUT_IDEMPOTENCY_KEY_DELETED: 409,
  BUSY: 409,
  // A lock held by another mp process (a demper run of the same store and shard).
  ALREADY_RUNNING: 409,
  WB_CABINET_EXISTS: 409,
  API_TOKEN_EXISTS: 409,
  STORE_EXISTS: 409,
  WB_NO_CABINET: 404,
  STORE_NONE: 404,
  DEMPER_UNKNOWN_SKU: 404,
  WB_CABINET_AMBIGUOUS: 400,
  // Upstream answers: the marketplace refused the token in the body (422), or is unreachable (502/503).
  WB_RATE_LIMITED: 503,
  KASPI_RATE_LIMITED: 503,
  HTTP_RATE_LIMITED: 503,
  HTTP_TIMEOUT: 504,
  HTTP_NETWORK: 502,
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  fields: Record<string, string>;
  error: { code: string; message: string; fields: Record<string, string> };
}

export interface Problem {
  status: number;
  body: ProblemBody;
  headers: Record<string, string>;
  /** A bug (500): to be logged with its stack. */
  internal: boolean;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Content too large',
  415: 'Unsupported media type',
  421: 'Misdirected request',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

export function problemBody(status: number, code: string, detail: string, fields: Record<string, string> = {}): ProblemBody {
  return {
    type: `urn:mp:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    fields,
    error: { code, message: detail, fields },
  };
}

/** The status of a domain error: the table, then the code's shape, then its class. */
export function statusOfCode(code: string, usage: boolean): number {
  const known = STATUS_BY_CODE[code];
  if (known) return known;
  if (/_NOT_FOUND$/.test(code)) return 404;
  if (usage || /^BAD_|_BAD_|_INVALID$/.test(code)) return 400;
  return 422;
}

/** The answer to anything a handler threw; `internal` is true for bugs (500). */
export function problemOf(error: unknown): Problem {
  if (error instanceof HttpProblem)
    return { status: error.status, body: problemBody(error.status, error.code, error.message, error.fields), headers: error.headers, internal: false };
  // Another user's store, cabinet or payout: the command line says "not found", a token is told it is not its user's.
  if (error instanceof OtherUsersObjectError)
    return { status: 403, body: problemBody(403, 'FORBIDDEN', `${error.forbidden}: this token's user may not use it`), headers: {}, internal: false };
  if (isMpError(error) && error.exitCode !== 70) {
    // A marketplace that asked mp to slow down: the API's client should come back later too.
    const status = error instanceof RateLimitedError && !STATUS_BY_CODE[error.code] ? 503 : statusOfCode(error.code, error instanceof UsageError);
    const fields = (error.details?.fields as Record<string, string> | undefined) ?? {};
    return { status, body: problemBody(status, error.code, error.message, fields), headers: {}, internal: false };
  }
  return { status: 500, body: problemBody(500, 'INTERNAL', 'internal error; it was logged'), headers: {}, internal: true };
}
