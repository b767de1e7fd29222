// One HTTP attempt: send, read the whole body under one timer, and say what happened (an answer, a
// timeout, a connection that failed, or one that closed mid-body) without deciding about retries.
//
// It talks to the dispatcher directly (undici's handler interface) rather than through
// `undici.request`: the body is wanted whole, so the Readable stream, the AbortController and the
// promise race a `request` would need cost CPU for nothing (a fifth of the client's time per request).
import { pipeline, Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { decoderStreams, decompress } from './response-body.js';

export type Outcome =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: Buffer }
  | { kind: 'timeout' }
  /** `truncated`: headers arrived but the body did not finish (a "premature close"). */
  | { kind: 'network' | 'truncated'; error: unknown }
  /**
   * A 2xx answer in stream mode: the body (decompressed) as it arrives. `broken()` says whether it
   * failed on the way (cut off, stalled, undecodable) rather than being stopped by its reader.
   */
  | { kind: 'stream'; status: number; headers: Record<string, string>; body: Readable; broken(): BodyFailure | undefined };

export type BodyFailure = { kind: 'timeout' } | { kind: 'truncated'; error: unknown };

export interface AttemptInput {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  dispatcher: Dispatcher;
  /** Covers the headers and the whole body; in stream mode the headers, then every wait for more of the body. */
  timeoutMs: number;
  /** The caller's signal: an abort rejects with its reason instead of returning an outcome. */
  signal?: AbortSignal;
  /**
   * Hand a 2xx body over as a stream instead of keeping it whole: memory stays flat however large
   * the answer. Undici stops reading the socket while the stream's reader is behind (and its body
   * timer waits too), so the reader's own pace never counts as the server's silence.
   */
  stream?: boolean;
}

/** How much of a streamed body may wait for its reader before the socket is no longer read. */
const STREAM_HIGH_WATER = 256 * 1024;

const EMPTY = Buffer.alloc(0);

export function attempt(input: AttemptInput): Promise<Outcome> {
  const { signal, timeoutMs, url } = input;
  return new Promise<Outcome>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let abortReason: Error | undefined;
    let status = 0;
    let headers: Record<string, string> | undefined;
    const chunks: Buffer[] = [];
    /** Stream mode, once a 2xx answer's headers are in. */
    let streamed: Readable | undefined;
    let ended = false;
    let broken: BodyFailure | undefined;

    // Settles once; an attempt that is given up (timeout, caller's abort) also stops undici's side,
    // and settles even if undici never would (it has hung on broken proxies before, see proxy-agent.ts).
    const settle = (outcome: Outcome | { reject: unknown }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if ('reject' in outcome) reject(outcome.reject);
      else resolve(outcome);
    };
    const giveUp = (reason: Error, outcome: Outcome | { reject: unknown }) => {
      settle(outcome);
      abortReason = reason;
      controller?.abort(reason);
    };
    const timer = setTimeout(() => giveUp(new Error(`timed out after ${timeoutMs} ms`), { kind: 'timeout' }), timeoutMs);
    const onAbort = () => giveUp(signal!.reason, { reject: signal!.reason });
    signal?.addEventListener('abort', onAbort, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (abortReason) c.abort(abortReason);
      },
      onResponseStart(c, statusCode, raw) {
        // 1xx informational answers come before the real one.
        if (statusCode < 200) return;
        status = statusCode;
        headers = flattenHeaders(raw);
        if (input.stream && statusCode < 300) startStream(c, headers);
      },
      onResponseData(c, chunk) {
        if (!streamed) chunks.push(chunk);
        else if (!streamed.push(chunk)) c.pause();
      },
      onResponseEnd() {
        if (streamed) {
          ended = true;
          streamed.push(null);
          return;
        }
        if (settled) return;
        const received = headers!;
        const raw = chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks);
        const encoding = received['content-encoding'];
        if (!encoding) return settle({ kind: 'response', status, headers: received, body: raw });
        decompress(raw, encoding).then(
          (body) => settle({ kind: 'response', status, headers: received, body }),
          (error) => settle({ kind: 'truncated', error }),
        );
      },
      onResponseError(_c, error) {
        if (streamed) {
          if (!streamed.destroyed) {
            broken = (error as { code?: string })?.code === 'UND_ERR_BODY_TIMEOUT' ? { kind: 'timeout' } : { kind: 'truncated', error };
            streamed.destroy(error);
          }
          return;
        }
        // A bad argument is a bug in the caller, not a network problem.
        if ((error as { code?: string })?.code === 'UND_ERR_INVALID_ARG') return settle({ reject: error });
        settle({ kind: headers ? 'truncated' : 'network', error });
      },
    };
    input.dispatcher.dispatch(
      {
        origin: url.origin,
        path: url.search ? `${url.pathname}${url.search}` : url.pathname,
        method: input.method as Dispatcher.HttpMethod,
        headers: input.headers,
        body: input.body,
        // Our own timer covers headers and body together; undici's must never fire first. In stream
        // mode ours ends with the headers and undici's body timer (which waits while paused) takes over.
        headersTimeout: timeoutMs + 1000,
        bodyTimeout: input.stream ? timeoutMs : timeoutMs + 1000,
      },
      handler,
    );

    /** Stream mode: the body goes to a Readable (decompressed on the way) and the attempt settles now. */
    function startStream(c: Dispatcher.DispatchController, received: Record<string, string>): void {
      const raw = new Readable({
        highWaterMark: STREAM_HIGH_WATER,
        read: () => c.resume(),
        destroy(error, callback) {
          signal?.removeEventListener('abort', onBodyAbort);
          // Stopped before its end (by the reader, or a failure): the connection cannot be reused.
          if (!ended) c.abort(error ?? new Error('the answer was not read to its end'));
          callback(error);
        },
      });
      streamed = raw;
      const decoders = decoderStreams(received['content-encoding']);
      let body: Readable = raw;
      if (decoders.length > 0) {
        body = pipeline([raw, ...decoders], (error) => {
          // A body that does not decompress is broken like one cut off; a reader that stops is not.
          if (error && !broken && !signal?.aborted && (error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') broken = { kind: 'truncated', error };
        }) as unknown as Readable;
      }
      const onBodyAbort = () => body.destroy(signal!.reason);
      signal?.addEventListener('abort', onBodyAbort, { once: true });
      settle({ kind: 'stream', status, headers: received, body, broken: () => broken });
    }
  });
}

/** Header names in lower case (undici gives them so), repeated headers joined with ", ". */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
