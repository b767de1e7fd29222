import { EXIT, errorMessage, InternalError, isMpError, UsageError } from './errors.js';
import { createLogger } from './log.js';

/**
 * Prints a failure to stderr and returns the exit code: expected errors as one line (their code
 * and details only with --verbose), anything else as a bug with its stack and a request to report it.
 */
export function reportError(error: unknown, options: { verbose?: boolean; json?: boolean; stream?: NodeJS.WritableStream & { isTTY?: boolean } } = {}): number {
  const stream = options.stream ?? process.stderr;
  if (options.json) return reportJsonError(error, stream, options.verbose);
  const log = createLogger({ stream, verbose: options.verbose });
  if (isMpError(error) && error.exitCode !== EXIT.internal) {
    const fields: Record<string, unknown> = { code: error.code, ...(error.details ?? {}) };
    if (options.verbose) {
      fields.stack = error.stack;
      if (error.cause) fields.cause = error.cause instanceof Error ? error.cause.stack : String(error.cause);
    }
    const hint = error instanceof UsageError && error.hint ? ` (${error.hint})` : '';
    if (log.structured) log.error(`${error.message}${hint}`, fields);
    else {
      log.error(`${error.message}${hint}`);
      if (options.verbose) {
        stream.write(`${error.stack ?? ''}\n`);
        if (error.cause) stream.write(`caused by: ${error.cause instanceof Error ? error.cause.stack : String(error.cause)}\n`);
      }
    }
    return error.exitCode;
  }
  const stack = stackOf(error);
  if (log.structured) log.error(`internal error: ${errorMessage(error)}`, { code: isMpError(error) ? error.code : 'INTERNAL', stack });
  else {
    log.error(`internal error: ${errorMessage(error)}`);
    stream.write(`${stack ?? ''}\n`);
  }
  stream.write('This is a bug in mp. Please report it with the command you ran and the output above.\n');
  return EXIT.internal;
}

/** A bug's stack: an InternalError's is where it was caught, so its cause's (the bug's own) is shown. */
function stackOf(error: unknown): string | undefined {
  if (error instanceof InternalError && error.cause instanceof Error) return error.cause.stack;
  return error instanceof Error ? error.stack : String(error);
}

/** The exit code an error ends mp with (the table in `mp help exit-codes`). */
export function exitCodeOf(error: unknown): number {
  return isMpError(error) ? error.exitCode : EXIT.internal;
}

/**
 * With --json (or --jq) a failure is one JSON object on stderr, whatever stderr is:
 * `{"error": {"code", "message", "exit", …details}}` (the REST API's error shape, plus the exit code);
 * a bug adds `"stack"` and the request to report it.
 */
export function reportJsonError(error: unknown, stream: NodeJS.WritableStream, verbose = false): number {
  const exit = exitCodeOf(error);
  const body: Record<string, unknown> = isMpError(error)
    ? {
        code: error.code,
        message: error instanceof UsageError && error.hint ? `${error.message} (${error.hint})` : error.message,
        exit,
        ...(error.details ?? {}),
      }
    : { code: 'INTERNAL', message: `internal error: ${errorMessage(error)}`, exit };
  if (exit === EXIT.internal) {
    body.stack = stackOf(error);
    body.report = 'This is a bug in mp. Please report it with the command you ran and the output above.';
  } else if (verbose && error instanceof Error) body.stack = error.stack;
  stream.write(`${JSON.stringify({ error: body })}\n`);
  return exit;
}
