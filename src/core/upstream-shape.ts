// Upstream answers are checked by shape before anything is stored: a 200 whose body is an HTML page,
// empty, `{}` or of the wrong types is a coded error (never an empty success), so no cursor moves and
// nothing is recorded as fact. These helpers describe such a body in a message and build the error.
import { UserError } from './errors.js';

/** What a body is, in a few words: `an empty body`, `an HTML page`, `a JSON object with keys a, b`. */
export function describeBody(body: unknown): string {
  if (body === undefined || body === null) return 'an empty body';
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    const text = (Buffer.isBuffer(body) ? body.subarray(0, 2048).toString('utf8') : body.slice(0, 2048)).trim();
    if (text === '') return 'an empty body';
    if (text.startsWith('<')) return 'an HTML page';
    try {
      return describeBody(JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body));
    } catch {
      return text.startsWith('[') || text.startsWith('{') ? 'JSON that does not parse' : 'text that is not JSON';
    }
  }
  if (Array.isArray(body)) return body.length === 0 ? 'an empty JSON array' : `a JSON array of ${body.length} item(s)`;
  if (typeof body === 'object') {
    const keys = Object.keys(body);
    return keys.length === 0 ? 'an empty JSON object {}' : `a JSON object with keys ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}`;
  }
  return `a JSON ${typeof body}`;
}

/**
 * The error for an answer of the wrong shape: `<what> answered <description> instead of <expected>`,
 * with code `<SERVICE>_BAD_RESPONSE` (WB_BAD_RESPONSE for "Wildberries …").
 */
export function unexpectedAnswer(what: string, body: unknown, expected: string, code = codeFor(what)): UserError {
  return new UserError(code, `${what} answered ${describeBody(body)} instead of ${expected}: nothing was stored; try again later`, {
    details: { expected, got: describeBody(body) },
  });
}

function codeFor(what: string): string {
  if (/Wildberries/i.test(what)) return 'WB_BAD_RESPONSE';
  if (/Telegram/i.test(what)) return 'TELEGRAM_BAD_RESPONSE';
  if (/Kaspi/i.test(what)) return 'KASPI_BAD_RESPONSE';
  return 'BAD_RESPONSE';
}

/** A field of an upstream row that must be a number (or a numeric string): its decimal text, else the error. */
export function upstreamDecimal(value: unknown, field: string, what: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const text = String(value);
    return text.includes('e') ? value.toFixed(6).replace(/\.?0+$/, '') : text;
  }
  if (typeof value === 'string' && /^-?\d{1,15}(\.\d{1,10})?$/.test(value.trim())) return value.trim();
  throw new UserError(
    codeFor(what),
    `${what} has ${field} ${value === undefined ? 'missing' : `= ${JSON.stringify(value)?.slice(0, 40)}`}, not a number: nothing was stored; try again later`,
    { details: { field, got: value === undefined ? 'missing' : JSON.stringify(value)?.slice(0, 40) } },
  );
}
