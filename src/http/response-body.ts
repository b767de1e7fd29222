// Turns the bytes of an answer into what the caller expects (JSON, text or bytes), and tells an HTML
// anti-bot page or a cut-off JSON document apart from a real answer.
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';

export type Expect = 'json' | 'text' | 'buffer';

export type Decoded = { ok: true; value: unknown } | { ok: false; problem: 'not-json' | 'bad-json'; detail: string };

const decompressors: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** Undoes Content-Encoding (gzip, deflate, br): undici's `request` hands over the raw bytes. */
export async function decompress(body: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  if (!contentEncoding || body.length === 0) return body;
  let out = body;
  // Encodings are listed in the order they were applied.
  for (const coding of contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .reverse()) {
    if (coding === '' || coding === 'identity') continue;
    const undo = decompressors[coding];
    if (!undo) throw new Error(`unsupported content encoding ${coding}`);
    out = await undo(out);
  }
  return out;
}

/** The body as text in the charset the content type names (UTF-8 when it names none or an unknown one). */
export function decodeText(body: Buffer, contentType: string | undefined): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1];
  if (charset) {
    try {
      return new TextDecoder(charset).decode(body);
    } catch {
      // Unknown label: fall through to UTF-8.
    }
  }
  return body.toString('utf8');
}

export function isJsonContentType(contentType: string): boolean {
  return /^[^;]*[/+]json\s*(;|$)/i.test(contentType.trim());
}

/** Decodes a complete body. An empty body (204, HEAD) is `null` for JSON. */
export function decodeBody(body: Buffer, contentType: string | undefined, expect: Expect): Decoded {
  if (expect === 'buffer') return { ok: true, value: body };
  const text = decodeText(body, contentType);
  if (expect === 'text') return { ok: true, value: text };
  if (text.trim() === '') return { ok: true, value: null };
  // Anti-bot pages sometimes come labelled as JSON: a body that opens with a tag is a page either way.
  if ((contentType && !isJsonContentType(contentType)) || text.trimStart().startsWith('<')) {
    return { ok: false, problem: 'not-json', detail: contentType ?? 'no content type' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: 'bad-json', detail: (error as Error).message };
  }
}
