// Keeps secrets out of logs and error messages: headers and query parameters whose names look like
// credentials are dropped or masked before anything leaves the HTTP layer.

/** Header or parameter names that may carry credentials (Authorization, X-Auth-Token, Cookie, session ids, API keys…). */
const SECRET_NAME = /auth|token|cookie|session|secret|password|passwd|api[-_]?key|signature|credential/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A copy of `headers` without the ones whose names look like credentials. */
export function safeHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (!isSecretName(name)) out[name] = value;
  return out;
}

/** The URL with credentials removed: user:password, and secret-looking query values replaced by `***`. */
export function safeUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return String(url);
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) if (isSecretName(name)) parsed.searchParams.set(name, '***');
  return parsed.toString();
}

/** A proxy as `host:port` only: proxy URLs often embed a password. */
export function proxyLabel(proxy: string): string {
  try {
    const url = new URL(proxy);
    return url.host;
  } catch {
    return 'proxy';
  }
}

/** The first `max` characters of a body, whitespace collapsed, for messages and error details. */
export function bodySnippet(body: Buffer | string, max = 200): string {
  const text = (typeof body === 'string' ? body : body.subarray(0, max * 4).toString('utf8')).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
