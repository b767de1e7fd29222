import { EXIT, errorMessage, isMpError, UsageError } from './errors.js';
import { createLogger } from './log.js';

/**
 * Prints a failure to stderr and returns the exit code: expected errors as one line (their code
 * and details only with --verbose), anything else as a bug with its stack and a request to report it.
 */
export function reportError(error: unknown, options: { verbose?: boolean; stream?: NodeJS.WritableStream & { isTTY?: boolean } } = {}): number {
  const stream = options.stream ?? process.stderr;
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
  const stack = error instanceof Error ? error.stack : String(error);
  if (log.structured) log.error(`internal error: ${errorMessage(error)}`, { code: isMpError(error) ? error.code : 'INTERNAL', stack });
  else {
    log.error(`internal error: ${errorMessage(error)}`);
    stream.write(`${stack ?? ''}\n`);
  }
  stream.write('This is a bug in mp. Please report it with the command you ran and the output above.\n');
  return EXIT.internal;
}
