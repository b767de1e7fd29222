import { EXIT, errorMessage, InternalError, isMpError, UsageError } from './errors.js';
import { createLogger } from './log.js';

/**
 * Prints a failure to stderr and returns the exit code: expected errors as one line (their code
 * and details only with --verbose), anything else as a bug (exit 70): one line asking for a report,
 * its stack only with --verbose.
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
  // A bug: one line that says so (a cron mail or a terminal is no place for a stack); --verbose adds
  // the stack, for the report.
  const code = isMpError(error) ? error.code : 'INTERNAL';
  if (!options.verbose) {
    const line = `internal error: ${oneLine(errorMessage(error))} (${REPORT_SHORT})`;
    if (log.structured) log.error(line, { code });
    else log.error(line);
    return EXIT.internal;
  }
  const stack = stackOf(error);
  if (log.structured) log.error(`internal error: ${errorMessage(error)}`, { code, stack });
  else {
    log.error(`internal error: ${errorMessage(error)}`);
    stream.write(`${stack ?? ''}\n`);
  }
  stream.write(`${REPORT}\n`);
  return EXIT.internal;
}

const REPORT = 'This is a bug in mp. Please report it with the command you ran and the output above.';
const REPORT_SHORT = 'a bug in mp: run it again with --verbose for the stack trace and please report it';

/** A message on one line (a bug's message may carry line breaks: a SQL statement, a nested error). */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
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
 * a bug adds the request to report it (and `"stack"` with --verbose).
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
    if (verbose) body.stack = stackOf(error);
    body.report = verbose ? REPORT : REPORT_SHORT;
  } else if (verbose && error instanceof Error) body.stack = error.stack;
  stream.write(`${JSON.stringify({ error: body })}\n`);
  return exit;
}
