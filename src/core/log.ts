import { colorEnabled, painter, type Stream } from './terminal.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Messages for people, always on stderr: plain lines on a terminal, JSON lines otherwise. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Whether messages are JSON lines (stderr is not a terminal). */
  readonly structured: boolean;
}

export interface LoggerOptions {
  stream?: Stream;
  quiet?: boolean;
  verbose?: boolean;
  /** Force JSON lines (true) or plain text (false); default: JSON when the stream is not a TTY. */
  structured?: boolean;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}

/** Keys whose values must never reach a log line. */
const SECRET_KEY = /token|secret|password|session|cookie|authorization/i;

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const structured = options.structured ?? !stream.isTTY;
  const min: LogLevel = options.verbose ? 'debug' : options.quiet ? 'warn' : 'info';
  const paint = painter(colorEnabled(stream, options.env));
  const now = options.now ?? (() => new Date());

  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (rank[level] < rank[min]) return;
    if (structured) {
      const record: Record<string, unknown> = { time: now().toISOString(), level, msg };
      if (fields) {
        for (const [k, v] of Object.entries(fields)) record[k] = SECRET_KEY.test(k) ? '[redacted]' : v;
      }
      stream.write(`${JSON.stringify(record)}\n`);
      return;
    }
    const prefix = level === 'error' ? paint.red('error: ') : level === 'warn' ? paint.yellow('warning: ') : level === 'debug' ? paint.gray('debug: ') : '';
    const extra = fields && level === 'debug' ? ` ${paint.gray(JSON.stringify(fields))}` : '';
    stream.write(`${prefix}${msg}${extra}\n`);
  };

  return {
    structured,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
