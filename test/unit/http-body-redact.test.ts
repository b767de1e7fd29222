// The HTTP layer's hot helpers were made cheaper (decoders and content-type facts cached, no copy of
// the URL when there is nothing to remove): they must answer exactly as the plain versions did. The
// plain versions are kept here as the reference, and compared on generated and chosen inputs.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isSecretName, safeUrl, scrub } from '../../src/http/redact.js';
import { type Decoded, decodeBody, decodeText, type Expect } from '../../src/http/response-body.js';

function referenceSafeUrl(url: string | URL, secrets: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return String(url);
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) if (isSecretName(name)) parsed.searchParams.set(name, '***');
  return scrub(parsed.toString(), secrets);
}

function referenceDecodeText(body: Buffer, contentType: string | undefined): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1];
  if (charset) {
    try {
      return new TextDecoder(charset).decode(body);
    } catch {}
  }
  return body.toString('utf8');
}

function referenceDecodeBody(body: Buffer, contentType: string | undefined, expect: Expect): Decoded {
  if (expect === 'buffer') return { ok: true, value: body };
  const text = referenceDecodeText(body, contentType);
  if (expect === 'text') return { ok: true, value: text };
  if (text.trim() === '') return { ok: true, value: null };
  if ((contentType && !/^[^;]*[/+]json\s*(;|$)/i.test(contentType.trim())) || text.trimStart().startsWith('<')) {
    return { ok: false, problem: 'not-json', detail: contentType ?? 'no content type' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: 'bad-json', detail: (error as Error).message };
  }
}

const URLS = [
  'https://kaspi.kz/yml/offer-view/offers/100200300',
  'https://user:pa%20ss@api.example.com/v1/x?token=abc&id=7',
  'https://api.example.com/v1/x?%74oken=abc&id=7',
  'https://api.example.com/v1/x?a=b+c&d=e%20f&API-KEY=1',
  'https://api.example.com/v1/x?a=b c&session_id=9#frag',
  'https://api.telegram.org/bot123456:AAHsecretsecretsecretsecretsecret12/sendMessage?chat_id=1',
  'https://h.example/?',
  'https://h.example/p?x=%zz&token=1',
  'http://127.0.0.1:4000/api/SECRET-PATH-KEY/orders?from=2026-01-01T00:00:00',
  'not a url',
];

describe('safeUrl answers as before', () => {
  test.each(URLS)('%s', (url) => {
    for (const secrets of [[], ['SECRET-PATH-KEY'], ['abc']]) {
      expect(safeUrl(url, secrets)).toBe(referenceSafeUrl(url, secrets));
      if (url !== 'not a url') expect(safeUrl(new URL(url), secrets)).toBe(referenceSafeUrl(new URL(url), secrets));
    }
  });

  test('never changes the URL object it is given', () => {
    const url = new URL('https://u:p@h.example/x?token=1');
    safeUrl(url);
    expect(url.href).toBe('https://u:p@h.example/x?token=1');
  });

  test('on generated queries and user info', () => {
    const part = fc.stringMatching(/^[a-zA-Z0-9%+_.~ -]{0,12}$/);
    const name = fc.oneof(part, fc.constantFrom('token', 'Auth', 'x%2Dapi-key', 'sessionid', 'id', '%74oken', 'pass%77ord'));
    fc.assert(
      fc.property(fc.array(fc.tuple(name, part), { maxLength: 4 }), fc.boolean(), fc.stringMatching(/^[a-z0-9/:-]{0,20}$/), (pairs, creds, path) => {
        const query = pairs.map(([k, v]) => `${k}=${v}`).join('&');
        const url = `https://${creds ? 'me:pw@' : ''}h.example/${path}${query ? `?${query}` : ''}`;
        expect(safeUrl(url)).toBe(referenceSafeUrl(url));
      }),
    );
  });
});

describe('decodeBody and decodeText answer as before', () => {
  const CONTENT_TYPES = [
    undefined,
    '',
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;Charset="UTF-8"',
    'application/problem+json',
    'text/html; charset=utf-8',
    'text/plain; charset=windows-1251',
    'application/json; charset=windows-1251',
    'application/json; charset=no-such-charset',
    'application/jsonx',
  ];
  const BODIES = [
    '',
    '   \n\t ',
    '{"a":1}',
    '  [1,2]  ',
    '\ufeff{"bom":true}',
    '\u00a0\u2028{"nbsp":1}',
    '<!DOCTYPE html><p>verify you are human</p>',
    ' \n <html>',
    '{"cut":',
    '"Кружка"',
    'null',
  ];

  test('on chosen bodies and content types', () => {
    for (const contentType of CONTENT_TYPES) {
      for (const text of BODIES) {
        for (const encoding of ['utf8', 'latin1'] as const) {
          const body = Buffer.from(text, encoding);
          for (const mode of ['json', 'text', 'buffer'] as const) {
            expect(decodeBody(body, contentType, mode)).toEqual(referenceDecodeBody(body, contentType, mode));
          }
          expect(decodeText(body, contentType)).toBe(referenceDecodeText(body, contentType));
        }
      }
    }
  });

  test('windows-1251 text is decoded by its charset', () => {
    const cp1251 = Buffer.from([0xca, 0xf0, 0xf3, 0xe6, 0xea, 0xe0]); // "Кружка"
    expect(decodeText(cp1251, 'text/plain; charset=windows-1251')).toBe('Кружка');
  });

  test('on generated bodies (whitespace, BOM, tags and JSON)', () => {
    const piece = fc.constantFrom(' ', '\n', '\t', '\ufeff', '\u00a0', '\u3000', '<', '{', '}', '[', ']', '"', 'a', '1', ',', ':', 'Ж');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.constantFrom(...CONTENT_TYPES), (pieces, contentType) => {
        const body = Buffer.from(pieces.join(''), 'utf8');
        expect(decodeBody(body, contentType, 'json')).toEqual(referenceDecodeBody(body, contentType, 'json'));
      }),
    );
  });
});
