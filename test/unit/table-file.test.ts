// Reading import files as spreadsheet programs save them: the encoding (UTF-8 with or without BOM,
// UTF-16 with BOM, cp1251) and the delimiter (, ; tab) are detected; --encoding overrides.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, parseCsv, readTableFile } from '../../src/core/table-file.js';
import { decodeText, parseTextEncoding } from '../../src/core/text-decode.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/imports/${name}`, import.meta.url));

describe('import files: encoding and delimiter', () => {
  it('a cp1251 CSV from Russian-locale Excel reads with its Cyrillic intact', async () => {
    const bytes = readFileSync(fixture('costs-excel-ru.cp1251.csv'));
    expect(bytes.includes(Buffer.from('Платье', 'utf8'))).toBe(false); // really cp1251 bytes
    expect(decodeText(bytes).encoding).toBe('cp1251');
    const table = await readTableFile(fixture('costs-excel-ru.cp1251.csv'));
    expect(table.headers).toEqual(['marketplace', 'product', 'cost', 'commission_pct', 'delivery', 'valid_from', 'currency']);
    expect(table.records.map((r) => [r.values.product, r.values.cost, r.values.commission_pct])).toEqual([
      ['Платье-синее-42', '1234,50', ''],
      ['Чайник «Ёлка» №5', '25000', '10,9'],
    ]);
  });

  it('UTF-8 with a BOM, and UTF-16 LE tab-separated "Unicode text"', async () => {
    const products = await readTableFile(fixture('products-utf8-bom.csv'));
    expect(products.headers[0]).toBe('sku');
    expect(products.records[0]!.values.name).toBe('Смартфон Apple iPhone 15, 128 ГБ');
    const preorders = await readTableFile(fixture('preorders-unicode-text.utf16le.txt'));
    expect(preorders.headers).toEqual(['sku', 'model', 'brand', 'price', 'pp1', 'pp2', 'pp3', 'pp4', 'pp5', 'preorder']);
    expect(preorders.records[0]!.values).toMatchObject({ sku: 'ЛМП-1', model: 'Лампа настольная', brand: 'Свет', pp1: '2', preorder: '10' });
  });

  it('--encoding overrides the guess: cp1251 read as cp1251 even when the bytes happen to be valid UTF-8; utf8 refuses cp1251 bytes', async () => {
    const utf8 = Buffer.from('sku,name\r\nA,Ёж\r\n', 'utf8');
    expect(decodeText(utf8).text).toContain('Ёж');
    expect(decodeText(utf8, 'cp1251').text).not.toContain('Ёж');
    const cp1251 = readFileSync(fixture('costs-excel-ru.cp1251.csv'));
    expect(() => decodeText(cp1251, 'utf8', 'costs.csv')).toThrow(/costs.csv is not UTF-8 text; .* --encoding cp1251/);
    await expect(readTableFile(fixture('costs-excel-ru.cp1251.csv'), { encoding: 'utf8' })).rejects.toMatchObject({ code: 'FILE_NOT_UTF8' });
    expect(parseTextEncoding('Windows-1251')).toBe('cp1251');
    expect(parseTextEncoding('UTF-8')).toBe('utf8');
    expect(parseTextEncoding(undefined)).toBe('auto');
    expect(() => parseTextEncoding('latin1')).toThrow(/--encoding must be auto, utf8 or cp1251/);
  });

  it('the delimiter is the header line’s most frequent of , ; and tab, outside quotes', () => {
    expect(detectDelimiter('a,b;c,d\r\n1,2')).toBe(',');
    expect(detectDelimiter('a;b;c\r\n1,5;2;3')).toBe(';');
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
    expect(detectDelimiter('"x;y;z",b\r\n')).toBe(',');
    expect(detectDelimiter('only')).toBe(',');
    expect(parseCsv('sku\tname\r\nA\t"Ламп\ta"\r\n')).toEqual([
      ['sku', 'name'],
      ['A', 'Ламп\ta'],
    ]);
  });
});
