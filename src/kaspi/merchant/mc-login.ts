// Signing in to the merchant cabinet without a browser (reference kaspi.md §3.1): the idmc JSON login
// (phone + SMS code, or e-mail + password + MFA code), then the OAuth2 redirects that end at the
// cabinet setting `mc-session` and `mc-sid`. Redirects are followed by hand so cookies are kept per host.
import { UserError } from '../../core/errors.js';
import type { HttpClient } from '../../http/client.js';

export type LoginMethod = { kind: 'phone'; phone: string } | { kind: 'email'; email: string; password: string };

/** Asks the user for the code Kaspi sent (SMS or MFA). */
export type AskCode = (what: string) => Promise<string>;

/** Cookies per host, from Set-Cookie headers (undici joins several with ", "). */
export class CookieJar {
  private readonly hosts = new Map<string, Map<string, string>>();

  store(url: string, setCookie: string | undefined): void {
    if (!setCookie) return;
    const host = new URL(url).host;
    const jar = this.hosts.get(host) ?? new Map<string, string>();
    this.hosts.set(host, jar);
    // Split on commas that start a new cookie, not the ones inside Expires dates.
    for (const part of setCookie.split(/,\s*(?=[^;,=\s]+=)/)) {
      const [pair = ''] = part.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(part)) jar.delete(name);
      else jar.set(name, value);
    }
  }

  header(url: string): string {
    const jar = this.hosts.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  get(url: string, name: string): string | undefined {
    return this.hosts.get(new URL(url).host)?.get(name);
  }
}

/** `+7 (701) 234-56-78`, the exact form the idmc login expects. */
export function formatKaspiPhone(input: string): string {
  let digits = input.replace(/\D/g, '');
  if (digits.length === 11 && (digits.startsWith('8') || digits.startsWith('7'))) digits = digits.slice(1);
  if (digits.length !== 10) throw new UserError('KASPI_LOGIN_PHONE', `"${input}" is not a Kazakhstan mobile number like +7 701 234 56 78`);
  return `+7 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6, 8)}-${digits.slice(8)}`;
}

interface LoginAnswer {
  redirectUrl?: string;
  error?: string;
  errorCode?: string;
  message?: string;
  errorData?: { breakTimeSeconds?: number };
}

/**
 * Runs the whole login and returns the cabinet cookie header (`mc-session=…; mc-sid=…`).
 * Flood errors (too many codes sent) are reported with Kaspi's wait time.
 */
export async function loginToCabinet(
  clients: { idmc: HttpClient; mc: HttpClient; idmcBase: string; mcBase: string },
  method: LoginMethod,
  askCode: AskCode,
): Promise<string> {
  const { idmc, mc, idmcBase, mcBase } = clients;
  const jar = new CookieJar();
  const post = async (body: object) => {
    const res = await idmc.request<LoginAnswer>({
      method: 'POST',
      path: '/api/p/login',
      body,
      headers: { cookie: jar.header(idmcBase) },
      retry: false,
      acceptStatuses: [400, 401, 403, 429],
    });
    jar.store(res.url, res.headers['set-cookie']);
    checkAnswer(res.status, res.body);
    return res.body;
  };

  if (method.kind === 'phone') {
    await post({ _ph: formatKaspiPhone(method.phone) });
    const code = (await askCode('the code from the SMS Kaspi sent')).trim();
    await post({ _c: code });
  } else {
    await post({ _u: method.email, _p: method.password, _r_d: false });
    const code = (await askCode('the confirmation code Kaspi sent')).trim();
    await post({ _u: method.email, _m_c: code, _r_d: true });
  }

  // OAuth2 code + PKCE: the cabinet redirects to idmc, which (now signed in) redirects back with a code.
  let url = `${mcBase.replace(/\/+$/, '')}/oauth2/authorization/1?redirectUrl=${encodeURIComponent('https://kaspi.kz/mc/')}`;
  for (let hop = 0; hop < 8; hop++) {
    const client = new URL(url).host === new URL(mcBase).host ? mc : idmc;
    const res = await client.request<string>({
      path: url,
      headers: { cookie: jar.header(url) },
      expect: 'text',
      retry: false,
      acceptStatuses: [301, 302, 303, 307, 308],
    });
    jar.store(url, res.headers['set-cookie']);
    const location = res.headers.location;
    if (!location || res.status < 300) break;
    url = new URL(location, url).toString();
    // Past the cabinet's own callback, the browser would land on the SPA: nothing more to collect.
    if (jar.get(mcBase, 'mc-session') && !new URL(url).pathname.startsWith('/login/oauth2')) break;
  }
  const session = jar.get(mcBase, 'mc-session');
  const sid = jar.get(mcBase, 'mc-sid');
  if (!session)
    throw new UserError(
      'KASPI_LOGIN_FAILED',
      'Kaspi accepted the code but the cabinet did not open a session; try again in a minute, or use `mp demper store add --session-stdin`',
    );
  return sid ? `mc-session=${session}; mc-sid=${sid}` : `mc-session=${session}`;
}

function checkAnswer(status: number, body: LoginAnswer | undefined): void {
  const code = body?.error ?? body?.errorCode;
  if (code && /FLOOD|TOO_MANY/i.test(code)) {
    const wait = body?.errorData?.breakTimeSeconds;
    throw new UserError(
      'KASPI_LOGIN_FLOOD',
      `Kaspi refused to send another code (${code})${wait ? `: wait ${formatWait(wait)} and try again` : ': wait a few minutes and try again'}`,
      {
        details: { breakTimeSeconds: wait },
      },
    );
  }
  if (code || status >= 400) {
    throw new UserError(
      'KASPI_LOGIN_REJECTED',
      `Kaspi rejected the login (${code ?? `HTTP ${status}`}${body?.message ? `: ${body.message}` : ''}): check the phone, e-mail, password or code and try again`,
    );
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  return `${Math.ceil(seconds / 60)} min`;
}
