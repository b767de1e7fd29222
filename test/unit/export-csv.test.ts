import { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Dataset, defineDataset } from '../../src/export/dataset.js';
import type { Row } from '../../src/export/pages.js';
import { CsvWriter } from '../../src/export/writers/csv.js';
import { parseCsv } from '../support/read-export.js';

// Fields full of the characters that matter: separators, quotes, CR, LF, BOM, Cyrillic, spaces,
// formula starters.
const text = fc.string({
  unit: fc.constantFrom('a', 'Я', ' ', ',', ';', '"', "'", '\r', '\n', '=', '+', '-', '@', '\t', '₸', '\uFEFF', '1', '.'),
  maxLength: 12,
});
const field = fc.option(text, { nil: null, freq: 6 });

function textDataset(width: number): Dataset {
  return defineDataset({
    name: 'texts',
    description: 'text columns',
    key: 'c0',
    columns: Array.from({ length: width }, (_, i) => ({ name: `c${i}`, type: 'text' as const })),
    query: () => {
      throw new Error('not queried');
    },
  });
}

/** Runs the export's CSV writer over pages of rows and returns the file's text. */
async function writeCsv(dataset: Dataset, pages: Row[][], excel: boolean): Promise<string> {
  return (await writeCsvChunks(dataset, pages, excel)).join('');
}

/** The same, as the chunks written to the stream. */
async function writeCsvChunks(dataset: Dataset, pages: Row[][], excel: boolean): Promise<string[]> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const writer = new CsvWriter(dataset, sink, excel);
  for (const page of pages) await writer.writePage(page);
  await writer.finish();
  return chunks.map((c) => c.toString('utf8'));
}

/** What a reader of the file should get back for a field (empty for null; formulas kept as text for Excel). */
function expected(value: string | null, excel: boolean): string {
  if (value === null) return '';
  return excel && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

describe('CSV writer', () => {
  it('writes byte for byte what csv-stringify wrote with the options it had (the writer it replaced)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 4 })
          .chain((width) => fc.tuple(fc.constant(width), fc.array(fc.array(field, { minLength: width, maxLength: width }), { maxLength: 6 }))),
        fc.boolean(),
        async ([width, records], excel) => {
          const dataset = textDataset(width);
          const rows = records.map((cells) => Object.fromEntries(cells.map((v, i) => [`c${i}`, v])));
          const options = { delimiter: excel ? ';' : ',', record_delimiter: 'windows', quote_record_delimiter: true } as const;
          const reference =
            stringify([], { ...options, header: true, columns: dataset.columns.map((c) => c.name), bom: excel }) +
            stringify(
              records.map((cells) => cells.map((v) => expected(v, excel))),
              options,
            );
          expect(await writeCsv(dataset, [rows], excel)).toBe(reference);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('round-trips arbitrary text through a strict RFC 4180 parser, for both separators', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 5 })
          .chain((width) =>
            fc.tuple(fc.constant(width), fc.array(fc.array(fc.array(field, { minLength: width, maxLength: width }), { maxLength: 4 }), { maxLength: 4 })),
          ),
        fc.boolean(),
        async ([width, pages], excel) => {
          const dataset = textDataset(width);
          const rows = pages.map((page) => page.map((cells) => Object.fromEntries(cells.map((v, i) => [`c${i}`, v]))));
          const csv = await writeCsv(dataset, rows, excel);
          expect(csv.startsWith('\uFEFF')).toBe(excel);
          const [header, ...records] = parseCsv(excel ? csv.slice(1) : csv, excel ? ';' : ',');
          expect(header).toEqual(dataset.columns.map((c) => c.name));
          expect(records).toEqual(pages.flat().map((cells) => cells.map((v) => expected(v, excel))));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('quotes a lone CR or LF (RFC 4180: a field containing a line break is quoted)', async () => {
    const dataset = textDataset(2);
    const csv = await writeCsv(dataset, [[{ c0: 'a\rb', c1: '' }], [{ c0: 'first line\nsecond', c1: 'x' }]], false);
    expect(csv).toBe('c0,c1\r\n"a\rb",\r\n"first line\nsecond",x\r\n');
    const excel = await writeCsv(dataset, [[{ c0: 'a;b', c1: 'say "hi"\r\n' }]], true);
    expect(excel).toBe('\uFEFFc0;c1\r\n"a;b";"say ""hi""\r\n"\r\n');
  });

  it('writes a page of 1,001 rows in order with one write, then the next page with another', async () => {
    const dataset = textDataset(1);
    const page = Array.from({ length: 1001 }, (_, i) => ({ c0: `row ${i}` }));
    const chunks = await writeCsvChunks(dataset, [page, page.slice(0, 3)], false);
    expect(chunks).toHaveLength(2);
    const [, ...records] = parseCsv(chunks.join(''));
    expect(records.map((r) => r[0])).toEqual([...page, ...page.slice(0, 3)].map((r) => r.c0));
  });
});
