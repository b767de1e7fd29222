// The few error classes of mp. Only src/cli.ts turns them into exit codes.

/** mp's exit codes (README "Exit codes"). 4 and 5 are reserved for auth and rate-limit failures. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 4,
  rateLimited: 5,
  internal: 70,
  interrupted: 130,
} as const;

export interface ErrorOptions {
  cause?: unknown;
  /** Extra structured detail, shown with --json and --verbose. */
  details?: Record<string, unknown>;
}

/** Base of every expected mp error: a stable code and a one-line message. */
export abstract class MpError extends Error {
  abstract readonly exitCode: number;
  readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/** The command line itself is wrong (unknown command, bad flag value): exit 2 with a usage hint. */
export class UsageError extends MpError {
  readonly exitCode = EXIT.usage;
  readonly hint?: string;
  constructor(code: string, message: string, options: ErrorOptions & { hint?: string } = {}) {
    super(code, message, options);
    this.hint = options.hint;
  }
}

/** An expected failure (bad data, unreachable service, nothing to do): exit 1, message only. */
export class UserError extends MpError {
  readonly exitCode: number = EXIT.failure;
}

/**
 * Another user's object (store, cabinet, payout) named by a user-scoped caller. The command line
 * says "not found", exactly as for one that does not exist (MP_USER hides other users' objects:
 * same code, message and exit 1); the REST API answers 403 FORBIDDEN with `forbidden` as its detail
 * (src/serve/problem.ts), since a token's user is told the object is not theirs.
 */
export class OtherUsersObjectError extends UserError {
  constructor(
    code: string,
    message: string,
    readonly forbidden: string,
  ) {
    super(code, message);
  }
}

/**
 * A run that did part of its work: some of its units (products, stores, streams, notifications)
 * failed while the others finished, were kept and were printed. Exit 1; the message counts what
 * failed and says where to look. Thrown by a command after it rendered what it did.
 */
export class PartialFailure extends UserError {}

/**
 * A bug in mp, caught where it is still known what was being done (a scheduled job's unexpected
 * exception): exit 70, the stack of its `cause` and a request to report it. Anything thrown that is
 * not an MpError is reported the same way.
 */
export class InternalError extends MpError {
  readonly exitCode = EXIT.internal;
}

/** Ctrl-C (SIGINT) or SIGTERM: exit 130; the message says what was saved before it. */
export class InterruptedError extends MpError {
  readonly exitCode = EXIT.interrupted;
}

export function isMpError(error: unknown): error is MpError {
  return error instanceof MpError;
}

/** The message of anything thrown, for one-line reports. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The `code` of an error when it has one (ours, Node's `ECONNREFUSED`, pg's SQLSTATE). */
export function errorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * A token or session was refused, revoked or has expired (a WB token, a Kaspi cabinet session or
 * Shop API token, the Telegram bot token): exit 4, so a cron wrapper can tell "renew the token"
 * from "bad data". The message names the command that renews it.
 */
export class AuthError extends UserError {
  override readonly exitCode: number = EXIT.auth;
}

/**
 * The marketplace asked mp to slow down or paused the account (WB 429 with a long wait, Kaspi
 * 403/429, the 30-minute price-write pause): exit 5, "run again later".
 */
export class RateLimitedError extends UserError {
  override readonly exitCode: number = EXIT.rateLimited;
}
