// JSON in and out for the REST API on node:http: a size-limited body reader and the answers (JSON,
// or application/problem+json for errors, see problem.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpProblem, type Problem } from './problem.js';

export { HttpProblem, problemOf } from './problem.js';

/** Reads a JSON body of at most `limit` bytes (413 beyond, 400 when it is not JSON, or not an object unless `any`). */
export async function readJson(req: IncomingMessage, limit: number, any = false): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new HttpProblem(400, 'BAD_JSON', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (!any && (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))) throw new HttpProblem(400, 'BAD_JSON', 'the body must be a JSON object');
  return parsed;
}

/** Reads a JSON object body of at most `limit` bytes. */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  return (await readJson(req, limit)) as Record<string, unknown>;
}

function tooLarge(limit: number): HttpProblem {
  return new HttpProblem(413, 'BODY_TOO_LARGE', `the body must be at most ${limit} bytes`, {}, { connection: 'close' });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendProblem(res: ServerResponse, problem: Problem, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(problem.body);
  res.writeHead(problem.status, {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...problem.headers,
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}
