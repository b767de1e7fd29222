// One HTTP attempt: send, read the whole body under one timer, and say what happened (an answer, a
// timeout, a connection that failed, or one that closed mid-body) without deciding about retries.
import { type Dispatcher, request as undiciRequest } from 'undici';
import { decompress } from './response-body.js';

export type Outcome =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: Buffer }
  | { kind: 'timeout' }
  /** `truncated`: headers arrived but the body did not finish (a "premature close"). */
  | { kind: 'network' | 'truncated'; error: unknown };

export interface AttemptInput {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  dispatcher: Dispatcher;
  /** Covers the headers and the whole body. */
  timeoutMs: number;
  /** The caller's signal: an abort rejects with its reason instead of returning an outcome. */
  signal?: AbortSignal;
}

export async function attempt(input: AttemptInput): Promise<Outcome> {
  const { signal, timeoutMs } = input;
  signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let gotHeaders = false;
  // Settles when the attempt is aborted (timeout or caller) even if undici never settles the request
  // (it has hung on broken proxies before, see proxy-agent.ts).
  const aborted = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  const work = (async (): Promise<Outcome> => {
    const res = await undiciRequest(input.url, {
      method: input.method as Dispatcher.HttpMethod,
      headers: input.headers,
      body: input.body,
      dispatcher: input.dispatcher,
      signal: controller.signal,
      // Our own timer covers headers and body together; undici's must never fire first.
      headersTimeout: timeoutMs + 1000,
      bodyTimeout: timeoutMs + 1000,
    });
    gotHeaders = true;
    const raw = Buffer.from(await res.body.arrayBuffer());
    const headers = flattenHeaders(res.headers);
    const body = await decompress(raw, headers['content-encoding']);
    return { kind: 'response', status: res.statusCode, headers, body };
  })();
  aborted.catch(() => {});
  work.catch(() => {});
  try {
    return await Promise.race([work, aborted]);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (timedOut) return { kind: 'timeout' };
    if ((error as { code?: string })?.code === 'UND_ERR_INVALID_ARG') throw error;
    return { kind: gotHeaders ? 'truncated' : 'network', error };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
