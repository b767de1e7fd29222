// Turns RequestOptions into a URL, headers and a body undici can send (and send again on a retry).

export type Query = Record<string, string | number | boolean | undefined>;

/** `path` relative to `baseUrl` keeps the base's path prefix (`https://h/api` + `/v1/x` = `https://h/api/v1/x`). */
export function buildUrl(baseUrl: string, path: string, query: Query | undefined): URL {
  const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(`${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.append(key, String(value));
  return url;
}

/** Header names in lower case, so defaults and per-request headers merge without duplicates. */
export function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/**
 * Strings and Buffers go as they are; URLSearchParams as a form; any other object as JSON. The
 * content type is set unless the caller set one. `headers` (lower-case keys) is updated in place.
 */
export function encodeBody(body: string | Buffer | object | undefined, headers: Record<string, string>): string | Buffer | undefined {
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    return body.toString();
  }
  headers['content-type'] ??= 'application/json';
  return JSON.stringify(body);
}
