// What every request passes before its route: the Host header is one of the names the server is
// reached by (a DNS-rebinding page sends its own name), a browser Origin is one configured, and the
// bearer token is live, has the scope and has not spent its rate.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ApiTokenOwner } from './api-tokens.repository.js';
import { touchToken } from './api-tokens.repository.js';
import { allows, authenticate, hashToken, type Scope } from './api-tokens.service.js';
import { HttpProblem } from './problem.js';

export interface HostRules {
  /** Host names (no port) the Host header may carry; loopback names are always allowed. */
  hosts: readonly string[];
  /** Browser origins (`https://admin.example`) allowed to call the API. */
  origins: readonly string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The host part of a Host header (`example.com:8080` → `example.com`, `[::1]:80` → `[::1]`), lower case. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** Refuses a Host the server is not known by (421) and a browser Origin not configured (403). */
export function checkHostAndOrigin(req: IncomingMessage, rules: HostRules): void {
  const host = hostName(req.headers.host ?? '');
  const known = LOOPBACK.has(host) || rules.hosts.includes(host) || rules.hosts.includes('*');
  // An IP literal cannot be rebound by DNS: a client that names the address itself is accepted.
  if (!known && !(host && isIP(host.replace(/^\[|\]$/g, '')))) {
    throw new HttpProblem(
      421,
      'HOST_NOT_ALLOWED',
      `this server is not reached as "${host || '(no Host header)'}": add the name with --allowed-host (MP_SERVE_HOSTS)`,
    );
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !rules.origins.includes(origin)) {
    throw new HttpProblem(
      403,
      'ORIGIN_NOT_ALLOWED',
      `requests from web pages of ${origin} are refused: allow the origin with --allowed-origin (MP_SERVE_ORIGINS)`,
    );
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

export interface TokenGateOptions {
  /** Requests per second of a token without its own rate (burst: twice that). */
  defaultRate: number;
  /** How long a checked token is trusted before the database is asked again (revocation delay). */
  cacheMs?: number;
  now?: () => number;
}

/** Authenticates bearer tokens (cached briefly), checks scopes, and rate-limits per token. */
export function createTokenGate(db: Kysely<Database>, o: TokenGateOptions) {
  const cacheMs = o.cacheMs ?? 5000;
  const now = o.now ?? Date.now;
  const cache = new Map<string, { token: ApiTokenOwner; until: number }>();
  const buckets = new Map<string, Bucket>();
  const touched = new Map<string, number>();
  const inFlight = new Map<string, Promise<ApiTokenOwner | undefined>>();

  // Requests with the same token share one lookup (cached `cacheMs`): concurrent requests go on in
  // the order they came, and a burst costs one query.
  async function lookup(bearer: string): Promise<ApiTokenOwner | undefined> {
    const key = hashToken(bearer);
    const t = now();
    const hit = cache.get(key);
    if (hit && hit.until > t) return hit.token;
    const pending = inFlight.get(key);
    if (pending) return pending;
    const query = authenticate(db, bearer).finally(() => inFlight.delete(key));
    inFlight.set(key, query);
    const token = await query;
    if (!token) {
      cache.delete(key);
      return undefined;
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { token, until: now() + cacheMs });
    return token;
  }

  function spend(token: ApiTokenOwner): void {
    const rate = token.rate_per_s ?? o.defaultRate;
    const burst = rate * 2;
    const t = now();
    const b = buckets.get(token.id) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * rate);
    b.at = t;
    if (b.tokens < 1) {
      buckets.set(token.id, b);
      const wait = Math.ceil((1 - b.tokens) / rate);
      throw new HttpProblem(
        429,
        'RATE_LIMITED',
        `this token may make ${rate} requests a second: wait and retry`,
        {},
        { 'retry-after': String(Math.max(1, wait)) },
      );
    }
    b.tokens -= 1;
    buckets.set(token.id, b);
  }

  return {
    /** The token of a request allowed `scope`; throws 401, 403 or 429. */
    async admit(req: IncomingMessage, scope: Scope): Promise<ApiTokenOwner> {
      const header = req.headers.authorization;
      const m = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
      const challenge = { 'www-authenticate': 'Bearer realm="mp"' };
      if (!m)
        throw new HttpProblem(401, 'UNAUTHORIZED', 'send an API token: Authorization: Bearer <token> (create one with `mp serve token create`)', {}, challenge);
      const token = await lookup(m[1]!);
      if (!token) throw new HttpProblem(401, 'UNAUTHORIZED', 'the API token is unknown or revoked: see `mp serve token list`', {}, challenge);
      if (!allows(token.scopes, scope))
        throw new HttpProblem(
          403,
          'FORBIDDEN_SCOPE',
          `this token's scopes (${token.scopes.join(', ')}) do not include ${scope}: create one with --scope ${scope}`,
        );
      spend(token);
      const t = now();
      if ((touched.get(token.id) ?? 0) + 60_000 < t) {
        touched.set(token.id, t);
        touchToken(db, token.id, new Date(t)).catch(() => {});
      }
      return token;
    },
  };
}
