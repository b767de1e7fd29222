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

/** A Telegram bot token in a path segment: `/bot123456:AAH…/sendMessage`. */
const BOT_TOKEN_SEGMENT = /\/bot\d+:[\w-]+/g;
/** A bare bot token (`123456789:` and 35 more characters), e.g. echoed back in an error body. */
const BARE_BOT_TOKEN = /\b\d{5,}:[\w-]{30,}/g;

/**
 * The URL with credentials removed: user:password, secret-looking query values, Telegram bot tokens
 * in the path, and any of `secrets` (tokens a caller puts in paths) replaced by `***`.
 */
export function safeUrl(url: string | URL, secrets: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return String(url);
  }
  // The usual case costs no copy: no credentials, and a query in which no name can look secret (a
  // name hidden behind %-escapes is decoded and checked below).
  const search = parsed.search;
  if (parsed.username === '' && parsed.password === '' && (search === '' || (!search.includes('%') && !SECRET_NAME.test(search)))) {
    return scrub(parsed.href, secrets);
  }
  const copy = new URL(parsed.href);
  copy.username = '';
  copy.password = '';
  for (const name of [...copy.searchParams.keys()]) if (isSecretName(name)) copy.searchParams.set(name, '***');
  return scrub(copy.toString(), secrets);
}

/** Masks Telegram bot tokens and each of `secrets` (also URL-encoded) in any text: URLs, body snippets. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(BOT_TOKEN_SEGMENT, '/bot***').replace(BARE_BOT_TOKEN, '***');
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join('***').split(encodeURIComponent(secret)).join('***');
  }
  return out;
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
