// Turns the bytes of an answer into what the caller expects (JSON, text or bytes), and tells an HTML
// anti-bot page or a cut-off JSON document apart from a real answer.
import { Transform } from 'node:stream';
import { promisify, TextDecoder } from 'node:util';
import { brotliDecompress, createBrotliDecompress, createGunzip, createInflate, gunzip, inflate } from 'node:zlib';

export type Expect = 'json' | 'text' | 'buffer';

export type Decoded = { ok: true; value: unknown } | { ok: false; problem: 'not-json' | 'bad-json'; detail: string };

const decompressors: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

const streamingDecompressors: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** The codings of a Content-Encoding header in the order to undo them (the last applied first). */
function codings(contentEncoding: string): string[] {
  return contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .reverse()
    .filter((c) => c !== '' && c !== 'identity');
}

/**
 * decompress() for a body that streams: the transforms to pipe it through, in order (none when it
 * is not encoded). An unsupported coding is a transform that fails on the first byte.
 */
export function decoderStreams(contentEncoding: string | undefined): Transform[] {
  if (!contentEncoding) return [];
  return codings(contentEncoding).map(
    (coding) =>
      streamingDecompressors[coding]?.() ??
      new Transform({ transform: (_chunk, _encoding, callback) => callback(new Error(`unsupported content encoding ${coding}`)) }),
  );
}

/** Undoes Content-Encoding (gzip, deflate, br): undici hands over the raw bytes. */
export async function decompress(body: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  if (!contentEncoding || body.length === 0) return body;
  let out = body;
  // Encodings are listed in the order they were applied.
  for (const coding of codings(contentEncoding)) {
    const undo = decompressors[coding];
    if (!undo) throw new Error(`unsupported content encoding ${coding}`);
    out = await undo(out);
  }
  return out;
}

/** What a Content-Type says, worked out once per distinct header value (answers repeat the same few). */
interface ContentTypeInfo {
  /** A decoder for the charset it names, or undefined for UTF-8 (named, unnamed or unknown). */
  decoder: TextDecoder | undefined;
  json: boolean;
}

const contentTypes = new Map<string, ContentTypeInfo>();
const NO_CONTENT_TYPE: ContentTypeInfo = { decoder: undefined, json: false };

function contentTypeInfo(contentType: string | undefined): ContentTypeInfo {
  if (contentType === undefined) return NO_CONTENT_TYPE;
  let info = contentTypes.get(contentType);
  if (info) return info;
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1];
  let decoder: TextDecoder | undefined;
  if (charset) {
    try {
      decoder = new TextDecoder(charset);
    } catch {
      // Unknown label: UTF-8.
    }
  }
  info = { decoder, json: /^[^;]*[/+]json\s*(;|$)/i.test(contentType.trim()) };
  // A server that varies its header without end must not grow this without end.
  if (contentTypes.size >= 64) contentTypes.clear();
  contentTypes.set(contentType, info);
  return info;
}

/** The body as text in the charset the content type names (UTF-8 when it names none or an unknown one). */
export function decodeText(body: Buffer, contentType: string | undefined): string {
  const { decoder } = contentTypeInfo(contentType);
  return decoder ? decoder.decode(body) : body.toString('utf8');
}

export function isJsonContentType(contentType: string): boolean {
  return contentTypeInfo(contentType).json;
}

/** Index of the first character that is not whitespace (as String.prototype.trim counts it), or -1. */
function firstNonBlank(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Fast exit for the usual first character of a document ('{', '[', '<', a letter…).
    if (c > 0x20 && c < 0x7f) return i;
    if (!WHITESPACE.test(text[i]!)) return i;
  }
  return -1;
}

const WHITESPACE = /^\s$/;

/** Decodes a complete body. An empty body (204, HEAD) is `null` for JSON. */
export function decodeBody(body: Buffer, contentType: string | undefined, expect: Expect): Decoded {
  if (expect === 'buffer') return { ok: true, value: body };
  const info = contentTypeInfo(contentType);
  const text = info.decoder ? info.decoder.decode(body) : body.toString('utf8');
  if (expect === 'text') return { ok: true, value: text };
  const first = firstNonBlank(text);
  if (first === -1) return { ok: true, value: null };
  // Anti-bot pages sometimes come labelled as JSON: a body that opens with a tag is a page either way.
  if ((contentType && !info.json) || text.charCodeAt(first) === 0x3c /* < */) {
    return { ok: false, problem: 'not-json', detail: contentType ?? 'no content type' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: 'bad-json', detail: (error as Error).message };
  }
}
