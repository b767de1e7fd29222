// JSON in and out for the REST API on node:http: a size-limited body reader, responses, and the one
// error shape `{"error": {"code", "message", "fields"}}` with the status derived from the error code.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMpError } from '../core/errors.js';

/** An error answered with a given status (routing, body parsing). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** HTTP status for each domain error code the services throw. */
const STATUS_BY_CODE: Record<string, number> = {
  // src/core/validate.ts InputError: a refused field (details.fields names it).
  BAD_INPUT: 400,
  BAD_SINCE: 400,
  PAYOUT_INVALID: 422,
  PAYOUT_BAD_QUERY: 400,
  // A row the database refused in a batched insert (its neighbours were written).
  PAYOUT_REJECTED: 400,
  PAYOUT_NOT_FOUND: 404,
  PAYOUT_NOT_EDITABLE: 409,
  PAYOUT_NOT_CANCELLABLE: 409,
  PAYOUT_NOT_DELETABLE: 409,
  PAYOUT_IDEMPOTENCY_CONFLICT: 409,
  PAYOUT_IDEMPOTENCY_KEY_DELETED: 409,
};

export interface ErrorBody {
  error: { code: string; message: string; fields: Record<string, string> };
}

/** The status and body for anything thrown by a handler; `internal` is true for bugs (500). */
export function problemOf(error: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (error instanceof HttpProblem)
    return { status: error.status, body: { error: { code: error.code, message: error.message, fields: error.fields } }, internal: false };
  if (isMpError(error) && STATUS_BY_CODE[error.code]) {
    const fields = (error.details?.fields as Record<string, string> | undefined) ?? {};
    return { status: STATUS_BY_CODE[error.code]!, body: { error: { code: error.code, message: error.message, fields } }, internal: false };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error; it was logged', fields: {} } }, internal: true };
}

/** Reads a JSON object body of at most `limit` bytes (413 beyond, 400 when it is not a JSON object). */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw new HttpProblem(413, 'BODY_TOO_LARGE', `the body must be at most ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new HttpProblem(413, 'BODY_TOO_LARGE', `the body must be at most ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new HttpProblem(400, 'BAD_JSON', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HttpProblem(400, 'BAD_JSON', 'the body must be a JSON object');
  return parsed as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
