import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCsvRecord } from '../../src/export/writers/csv.js';
import { parseCsv } from '../support/read-export.js';

// Fields full of the characters that matter: separators, quotes, CR, LF, BOM, Cyrillic, spaces.
const field = fc.string({ unit: fc.constantFrom('a', 'Я', ' ', ',', ';', '"', "'", '\r', '\n', '=', '₸', '\uFEFF', '1', '.'), maxLength: 12 });
const record = fc.array(field, { minLength: 1, maxLength: 6 });

describe('CSV record encoder', () => {
  it('writes what csv-stringify writes, for both separators', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), fc.constantFrom(',' as const, ';' as const), (records, delimiter) => {
        // With CRLF records csv-stringify leaves a lone CR or LF unquoted, which RFC 4180 does not
        // allow (see below): compare the fields without line breaks.
        fc.pre(records.every((r) => r.every((f) => !/[\r\n]/.test(f))));
        const ours = records.map((r) => encodeCsvRecord(r, delimiter)).join('');
        expect(ours).toBe(stringify(records, { delimiter, record_delimiter: 'windows' }));
      }),
      { numRuns: 500 },
    );
  });

  it('quotes a lone CR or LF too (RFC 4180: fields containing line breaks must be quoted)', () => {
    expect(encodeCsvRecord(['a\rb', ''], ',')).toBe('"a\rb",\r\n');
    expect(encodeCsvRecord(['first line\nsecond', 'x'], ';')).toBe('"first line\nsecond";x\r\n');
  });

  it('round-trips through a strict RFC 4180 parser', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), (records) => {
        // A single empty field would be an empty line, which RFC 4180 cannot tell from no field.
        fc.pre(records.every((r) => r.length > 1 || r[0] !== ''));
        expect(parseCsv(records.map((r) => encodeCsvRecord(r, ',')).join(''))).toEqual(records);
      }),
      { numRuns: 300 },
    );
  });
});
