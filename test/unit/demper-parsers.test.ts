import { describe, expect, it } from 'vitest';
import { parseShard } from '../../src/commands/demper/options.js';
import { parseCsv, toTable } from '../../src/core/table-file.js';
import { inShard, stableHash } from '../../src/demper/plan.service.js';
import { parseProductRecord, parseStrategy } from '../../src/demper/product-settings.js';
import { buildKaspiFeed, feedGuard } from '../../src/demper/xml-feed.js';
import { CookieJar, formatKaspiPhone } from '../../src/kaspi/merchant/mc-login.js';
import { parseOffersPage } from '../../src/kaspi/offers.parser.js';
import { parsePreorderRecord } from '../../src/preorders/preorder-file.js';

describe('kaspi_catalog XML', () => {
  it('uses the exact element names, attribute case and order, and escapes text', () => {
    const xml = buildKaspiFeed({
      company: 'ТОО "Shop" & Co',
      merchantId: '30067228',
      date: new Date('2026-09-21T05:00:00Z'),
      offers: [
        {
          sku: '232130213',
          model: 'iphone 5s <white> 32gb',
          brand: 'Apple',
          availabilities: [{ storeId: 'PP1', available: 'yes', preOrder: 3, stockCount: 234 }],
          price: 6418,
          cityPrices: [{ cityId: '750000000', price: 193000 }],
        },
      ],
    });
    expect(xml).toBe(
      [
        `<?xml version='1.0' encoding='utf-8'?>`,
        '<kaspi_catalog date="2026-09-21T10:00:00+05:00" xmlns="kaspiShopping" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="kaspiShopping http://kaspi.kz/kaspishopping.xsd">',
        '  <company>ТОО &quot;Shop&quot; &amp; Co</company>',
        '  <merchantid>30067228</merchantid>',
        '  <offers>',
        '    <offer sku="232130213">',
        '      <model>iphone 5s &lt;white&gt; 32gb</model>',
        '      <brand>Apple</brand>',
        '      <availabilities>',
        '        <availability available="yes" storeId="PP1" preOrder="3" stockCount="234"/>',
        '      </availabilities>',
        '      <price>6418</price>',
        '      <cityprices>',
        '        <cityprice cityId="750000000">193000</cityprice>',
        '      </cityprices>',
        '    </offer>',
        '  </offers>',
        '</kaspi_catalog>',
        '',
      ].join('\n'),
    );
  });

  it('refuses an empty list and one that dropped more than 20%', () => {
    expect(feedGuard(0, undefined)).toMatch(/empty/);
    expect(feedGuard(79, 100)).toMatch(/21% fewer.*more than 20% dropped/);
    expect(feedGuard(80, 100)).toBeUndefined();
    expect(feedGuard(5, undefined)).toBeUndefined();
  });
});

describe('spreadsheet reading', () => {
  it('parses RFC 4180 CSV with quotes, doubled quotes, newlines, BOM and ; separators', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","he said ""hi"""\n"multi\nline",2')).toEqual([
      ['a', 'b'],
      ['x, y', 'he said "hi"'],
      ['multi\nline', '2'],
    ]);
    expect(parseCsv('sku;price\nA;100\n')).toEqual([
      ['sku', 'price'],
      ['A', '100'],
    ]);
  });

  it('keys records by lower-cased header, skips blank rows and numbers rows from the header', () => {
    const t = toTable([
      ['SKU', ' Price '],
      ['A', '1'],
      ['', ''],
      ['B', '2'],
    ]);
    expect(t.records).toEqual([
      { row: 2, values: { sku: 'A', price: '1' } },
      { row: 4, values: { sku: 'B', price: '2' } },
    ]);
  });
});

describe('product settings', () => {
  it('accepts whole tenge (1500.0 from a spreadsheet too) and defaults step and strategy', () => {
    expect(parseProductRecord({ sku: 'A', product_id: '1', min_price: '1500.0', max_price: '2000' }).input).toEqual({
      sku: 'A',
      productId: '1',
      name: '',
      price: null,
      minPrice: 1500,
      maxPrice: 2000,
      step: 1,
      strategy: 'undercut',
      topN: null,
    });
  });

  it('reports every problem of a row', () => {
    const { problems } = parseProductRecord({ sku: 'A', product_id: '1', price: '5', min_price: '20', max_price: '10', step: '0', strategy: 'cheap' });
    expect(problems).toEqual([
      'price must be at least 10 tenge, got 5',
      'step must be a whole number ≥ 1, got "0"',
      'strategy must be undercut, match, hold, top-n or top-<N>, got "cheap"',
      'min_price 20 is above max_price 10',
    ]);
  });

  it('parses strategies', () => {
    expect(parseStrategy('TOP-5')).toEqual({ strategy: 'top-n', topN: 5 });
    expect(parseStrategy('top-n')).toEqual({ strategy: 'top-n', topN: 3 });
    expect(parseStrategy('match')).toEqual({ strategy: 'match', topN: null });
    expect(parseStrategy('top-')).toBeUndefined();
  });
});

describe('preorder rows', () => {
  it('takes stock numbers or yes/no in PP cells and days 0–30 in preorder', () => {
    expect(parsePreorderRecord({ sku: 'A', model: 'M', brand: 'B', price: '100', pp1: '5', pp2: 'YES', pp3: '', preorder: '30' }).input).toEqual({
      sku: 'A',
      model: 'M',
      brand: 'B',
      price: 100,
      pp: ['5', 'yes', null, null, null],
      preorderDays: 30,
    });
    expect(parsePreorderRecord({ sku: 'A', model: 'M', price: '100', preorder: '-1' }).problems).toEqual(['preorder must be days 0–30, got "-1"']);
  });
});

describe('login helpers', () => {
  it('formats phones exactly as idmc expects', () => {
    expect(formatKaspiPhone('+7 701 234 56 78')).toBe('+7 (701) 234-56-78');
    expect(formatKaspiPhone('87012345678')).toBe('+7 (701) 234-56-78');
    expect(formatKaspiPhone('7012345678')).toBe('+7 (701) 234-56-78');
    expect(() => formatKaspiPhone('12345')).toThrow(/not a Kazakhstan mobile number/);
  });

  it('keeps cookies per host from joined Set-Cookie headers, Expires dates included', () => {
    const jar = new CookieJar();
    jar.store('https://mc.example/x', 'mc-session=abc; Path=/; Expires=Thu, 01 Jan 2027 00:00:00 GMT; HttpOnly, mc-sid=def; Path=/');
    jar.store('https://idmc.example/y', 'MS_AUTH_SSO=zzz; Path=/');
    expect(jar.header('https://mc.example/s/m')).toBe('mc-session=abc; mc-sid=def');
    expect(jar.get('https://idmc.example/', 'MS_AUTH_SSO')).toBe('zzz');
    jar.store('https://mc.example/x', 'mc-sid=; Max-Age=0');
    expect(jar.header('https://mc.example/')).toBe('mc-session=abc');
  });
});

describe('shards', () => {
  it('parses i/n and hashes stably', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    expect(() => parseShard('3/3')).toThrow(/0 ≤ i < n/);
    expect(stableHash('102298404')).toBe(stableHash('102298404'));
    const ids = Array.from({ length: 1000 }, (_, i) => String(100000 + i));
    const counts = [0, 1, 2].map((index) => ids.filter((id) => inShard(id, { index, count: 3 })).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
    for (const c of counts) expect(c).toBeGreaterThan(250);
  });
});

describe('offers for the same-city filter', () => {
  it('reads deliveryOptions.*.interCity: intercity only when every stated option is', () => {
    const page = parseOffersPage({
      offers: [
        { merchantId: 'A', price: 100, deliveryOptions: { TO_DOOR: { deliveryDays: 3, interCity: true }, PICKUP: { interCity: true } } },
        { merchantId: 'B', price: 100, deliveryOptions: { TO_DOOR: { interCity: true }, PICKUP: { interCity: false } } },
        { merchantId: 'C', price: 100, deliveryOptions: { TO_DOOR: { deliveryDays: 1 } } },
        { merchantId: 'D', price: 100 },
      ],
    });
    expect(page.offers.map((o) => [o.merchantId, o.interCity])).toEqual([
      ['A', true],
      ['B', false],
      ['C', undefined],
      ['D', undefined],
    ]);
  });
});
