// Product references in every form, cities, and --file parsing.
import { describe, expect, it } from 'vitest';
import { resolveCity } from '../../src/kaspi/cities.js';
import { parseProductRef, refsFromText } from '../../src/kaspi/product-ref.js';
import { resolveTargets } from '../../src/kaspi/scrape-inputs.js';

describe('product references', () => {
  it.each([
    ['https://kaspi.kz/shop/p/chehol-dlja-apple-iphone-13-prozrachnyi-106185651/?c=750000000', { id: '106185651', city: '750000000' }],
    ['https://kaspi.kz/shop/p/-106185651/?c=710000000', { id: '106185651', city: '710000000' }],
    ['https://kaspi.kz/shop/p/product-106185651/', { id: '106185651' }],
    ['https://kaspi.kz/shop/p/106185651/', { id: '106185651' }],
    [
      'http://www.kaspi.kz/shop/p/smartfon-apple-iphone-15-128gb-113137790?c=511010000&ref=shared_link&utm_source=tg#reviews',
      { id: '113137790', city: '511010000' },
    ],
    ['kaspi.kz/shop/p/televizor-samsung-55-qe55-120987654/', { id: '120987654' }],
    ['/shop/p/x-120987654/?c=750000000', { id: '120987654', city: '750000000' }],
    ['https://kaspi.kz/shop/p/nabor-3-v-1-2024-11636226b/', { id: '11636226b' }],
    ['https://kaspi.kz/shop/p/x-113137790/?c=almaty', { id: '113137790' }],
    ['  113137790 ', { id: '113137790' }],
    ['11636226B', { id: '11636226b' }],
  ])('%s', (input, expected) => {
    expect(parseProductRef(input)).toEqual(expected);
  });

  it.each([
    'not-a-url',
    '',
    '12',
    'https://kaspi.kz/shop/c/smartphones/',
    'https://www.wildberries.ru/catalog/123456/detail.aspx',
    'ftp://kaspi.kz/shop/p/x-123456/',
    'abc123456',
  ])('rejects %j', (input) => {
    expect(parseProductRef(input)).toBeNull();
  });
});

describe('cities', () => {
  it('accepts ids and names in any case, Astana and Shymkent by their checked ids', () => {
    expect(resolveCity('almaty')).toBe('750000000');
    expect(resolveCity('Astana')).toBe('710000000');
    expect(resolveCity('SHYMKENT')).toBe('511010000');
    expect(resolveCity('Караганда')).toBe('351010000');
    expect(resolveCity('750000000')).toBe('750000000');
    expect(resolveCity('632810000')).toBe('632810000');
    expect(() => resolveCity('moscow')).toThrow(expect.objectContaining({ code: 'KASPI_BAD_CITY', exitCode: 2 }));
  });
});

describe('inputs → targets', () => {
  it('reads --file lines with comments and blank lines', () => {
    const text = '# my products\n113137790\n\nhttps://kaspi.kz/shop/p/x-100412340/?c=710000000#reviews  # drill\r\n  # off: 105678901\n';
    expect(refsFromText(text)).toEqual(['113137790', 'https://kaspi.kz/shop/p/x-100412340/?c=710000000#reviews']);
  });

  it('--city overrides the URL city; duplicates collapse; bad inputs are reported by name', () => {
    const urls = ['113137790', 'https://kaspi.kz/shop/p/x-113137790/?c=750000000', 'https://kaspi.kz/shop/p/x-100412340/?c=710000000', 'oops'];
    const plain = resolveTargets(urls);
    expect(plain.targets.map((t) => `${t.id}@${t.city}`)).toEqual(['113137790@750000000', '100412340@710000000']);
    expect(plain.invalid).toEqual([expect.objectContaining({ code: 'KASPI_BAD_INPUT', message: expect.stringContaining('"oops"') })]);
    const astana = resolveTargets(urls, '710000000');
    expect(astana.targets.map((t) => `${t.id}@${t.city}`)).toEqual(['113137790@710000000', '100412340@710000000']);
  });
});
