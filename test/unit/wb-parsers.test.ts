import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { parseCardsPage, parseFeedbacksPage, parseStocksReport } from '../../src/wb/content-parser.js';
import { type BodySample, streamJsonArrayChunks } from '../../src/wb/json-array.js';
import { parseOrdersPage, parseSalesPage } from '../../src/wb/statistics-parser.js';
import { categoryMask, decodeWbToken } from '../../src/wb/token.js';
import { wbHosts } from '../../src/wb/wb-client.js';
import { parseWbTime, toWbDateFrom } from '../../src/wb/wb-time.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/wb/${name}`, import.meta.url), 'utf8');

describe('WB statistics parsers', () => {
  it('orders: srid identity, Moscow time → UTC, cancellation, decimals', () => {
    const page = parseOrdersPage(JSON.parse(fixture('orders.json')));
    expect(page.rows).toHaveLength(2);
    const [a, b] = page.rows;
    // Two items of one cart (same gNumber) are two orders.
    expect(a!.g_number).toBe(b!.g_number);
    expect(a!.srid).not.toBe(b!.srid);
    expect(a!.order_date.toISOString()).toBe('2026-11-10T15:08:31.000Z');
    expect(a!.is_cancel).toBe(false);
    expect(a!.cancel_date).toBeNull(); // 0001-01-01 means never
    expect(b!.is_cancel).toBe(true);
    expect(b!.cancel_date!.toISOString()).toBe('2026-11-11T06:00:00.000Z');
    expect(b!.finished_price).toBe('787.11');
    expect(b!.spp).toBe('12.5');
    expect(page.nextDateFrom).toBe('2026-11-10T18:10:08');
  });

  it('sales: S is a buyout, R a return with negative amounts', () => {
    const page = parseSalesPage(JSON.parse(fixture('sales.json')));
    expect(page.rows.map((r) => [r.sale_id, r.kind, r.for_pay])).toEqual([
      ['S9993700024', 'buyout', '1284.01'],
      ['R9993700031', 'return', '-1284.01'],
    ]);
    expect(page.rows[1]!.srid).toBe(page.rows[0]!.srid);
  });

  it('rejects rows it cannot identify and non-array bodies', () => {
    expect(() => parseOrdersPage([{ nmId: 1, lastChangeDate: '2026-01-01', date: '2026-01-01' }])).toThrow(/no srid/);
    expect(() => parseSalesPage({ errors: ['x'] })).toThrow(/not a JSON array/);
  });
});

describe('WB time', () => {
  it('reads offset-less timestamps as Moscow time and keeps explicit offsets', () => {
    expect(parseWbTime('2026-11-01T00:00:00').toISOString()).toBe('2026-10-31T21:00:00.000Z');
    expect(parseWbTime('2026-11-01T00:00:00.5').toISOString()).toBe('2026-10-31T21:00:00.500Z');
    expect(parseWbTime('2026-03-01 02:59:59').toISOString()).toBe('2026-02-28T23:59:59.000Z');
    expect(parseWbTime('2026-11-01T00:00:00+05:00').toISOString()).toBe('2026-10-31T19:00:00.000Z');
    expect(parseWbTime('2024-09-26T10:20:48+03:00').toISOString()).toBe('2024-09-26T07:20:48.000Z');
    expect(parseWbTime('2023-12-06T11:17:00.96577Z').toISOString()).toBe('2023-12-06T11:17:00.965Z');
    expect(toWbDateFrom(new Date('2026-10-31T21:00:00Z'))).toBe('2026-11-01T00:00:00');
  });
});

describe('WB feedbacks, cards and stocks parsers', () => {
  it('feedbacks: rating from productValuation, answer state', () => {
    const [r] = parseFeedbacksPage(JSON.parse(fixture('feedbacks.json')), false);
    expect(r).toMatchObject({
      review_id: 'YX52RZEBhH9mrcYdEJuD',
      nm_id: '987654321',
      rating: 5,
      is_answered: true,
      answer_text: 'Пожалуйста. Ждём вас снова!',
    });
    expect(r!.created_date.toISOString()).toBe('2024-09-26T07:20:48.000Z');
  });

  it('cards: first photo (big), sizes with chrtID, cursor', () => {
    const page = parseCardsPage(JSON.parse(fixture('cards.json')));
    expect(page.cards[0]).toMatchObject({
      nm_id: '12345678',
      vendor_code: 'wb7f6mumjr1',
      photo_url: 'https://basket-10.wbbasket.ru/vol1592/part159206/159206280/images/big/1.webp',
    });
    expect(page.cards[0]!.sizes).toEqual([{ chrtID: 316399238, techSize: '0', skus: ['987456321654'] }]);
    expect(page.cursor).toEqual({ updatedAt: '2023-12-06T11:17:00.96577Z', nmID: 12345678, total: 1 });
  });

  it('stocks report rows', () => {
    expect(parseStocksReport(JSON.parse(fixture('stocks-report.json')))).toEqual([
      {
        nm_id: '47254354',
        chrt_id: '91663228',
        warehouse_id: '-999999',
        warehouse_name: 'Склад WB',
        region_name: 'Склад WB',
        quantity: 43,
        in_way_to_client: 14,
        in_way_from_client: 11,
      },
    ]);
  });
});

describe('JSON array items from a streamed body', () => {
  /** The body in pieces of `size` bytes (cut anywhere, inside a character too), as a response streams it. */
  async function* pieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
    for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
  }
  const sample = (): BodySample => ({ bytes: Buffer.alloc(0), total: 0 });
  const notArray = (s: BodySample) => new Error(`not an array: ${s.bytes.toString('utf8')} (${s.total} bytes)`);
  async function chunks(buf: Buffer | string, size: number, piece = 5): Promise<unknown[][]> {
    const out: unknown[][] = [];
    for await (const c of streamJsonArrayChunks(pieces(Buffer.from(buf), piece), 'test', size, sample(), notArray)) out.push(c);
    return out;
  }

  it('yields each object, respecting strings with brackets and escapes', async () => {
    const buf = ' [ {"a":"}]\\"{","b":[1,{"c":2}]} ,{"a":"ж"}]';
    for (const piece of [1, 2, 3, 7, 100]) {
      expect((await chunks(buf, 1, piece)).flat()).toEqual([{ a: '}]"{', b: [1, { c: 2 }] }, { a: 'ж' }]);
    }
    expect(await chunks(' [ ]\n', 3)).toEqual([]);
  });

  it('parses chunks of items with one JSON.parse each; a string ending in an escaped backslash ends there', async () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ i, s: i % 2 ? 'a\\' : '"}{]', t: [i, { u: 'ж\\"' }] }));
    const buf = `[\n${items.map((x) => JSON.stringify(x)).join(' ,\n')}\n]`;
    for (const piece of [1, 4, 13, 1000]) {
      const out = await chunks(buf, 3, piece);
      expect(out.map((c) => c.length)).toEqual([3, 3, 1]);
      expect(out.flat()).toEqual(items);
    }
    await expect(chunks('[{"a":"b\\"}]', 3)).rejects.toThrow(/cut off/);
  });

  it('any array, cut into any pieces, gives its items in chunks of the size asked', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'ж', '"', '\\', '{', '}', '[', ']', ',', ' ', '😀'), maxLength: 8 });
    const item = fc.dictionary(fc.constantFrom('a', 'b', 'ц'), fc.oneof(text, fc.integer(), fc.array(text, { maxLength: 2 })), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        async (items, size, piece, spaced) => {
          const buf = spaced ? `\n[ ${items.map((x) => JSON.stringify(x, null, 1)).join(' ,\n ')} ]\n` : JSON.stringify(items);
          const out = await chunks(buf, size, piece);
          expect(out.flat()).toEqual(items);
          expect(out.slice(0, -1).every((c) => c.length === size)).toBe(true);
        },
      ),
    );
  });

  it('reports a cut-off body, a non-object item, and what came when it is not an array at all', async () => {
    await expect(chunks('[{"a":1},{"a":', 1)).rejects.toThrow(/test response is cut off/);
    await expect(chunks('[{"a":1}', 1)).rejects.toThrow(/cut off/);
    await expect(chunks('[1, 2]', 1)).rejects.toThrow(/non-object item/);
    await expect(chunks('{"title":"x"}', 1)).rejects.toThrow('not an array: {"title":"x"} (13 bytes)');
    await expect(chunks('  ', 1)).rejects.toThrow('not an array:    (2 bytes)');
    await expect(chunks('<html>'.padEnd(100_000, 'x'), 1, 4096)).rejects.toThrow(/not an array: <html>x+ \(\d+ bytes\)/);
  });
});

describe('WB token and hosts', () => {
  it('decodes expiry and categories locally', () => {
    const payload = { acc: 3, exp: 1_800_000_000, s: categoryMask(['content', 'statistics', 'feedbacks']), sid: 'abc' };
    const token = `x.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
    const info = decodeWbToken(token);
    expect(info.categories).toEqual(['content', 'statistics', 'feedbacks']);
    expect(info.expiresAt?.toISOString()).toBe('2027-01-15T08:00:00.000Z');
    expect(info.tokenType).toBe('personal');
    expect(() => decodeWbToken('abc')).toThrow(/not a JWT/);
  });

  it('MP_WB_URL replaces scheme and host of every WB host, keeping paths', () => {
    const config = resolveConfig(
      { home: '/tmp/x' },
      { MP_WB_URL: 'http://127.0.0.1:9999', MP_WB_CONTENT_URL: 'https://content-api-sandbox.wildberries.ru/base' },
    );
    expect(wbHosts(config)).toEqual({
      common: 'http://127.0.0.1:9999',
      statistics: 'http://127.0.0.1:9999',
      feedbacks: 'http://127.0.0.1:9999',
      content: 'http://127.0.0.1:9999/base',
      analytics: 'http://127.0.0.1:9999',
    });
    expect(wbHosts(resolveConfig({ home: '/tmp/x' }, {})).statistics).toBe('https://statistics-api.wildberries.ru');
  });
});
