// Array literals built by textArray read back as the same arrays on every engine, whatever the
// elements hold (quotes, backslashes, braces, commas, spaces, the word NULL, empty strings, Cyrillic),
// with null elements as NULL, and cast to bigint[] and numeric[] as the batch writes do.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textArray } from '../../src/db/text-array.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let h: TestDatabase;
beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => h?.close());

describe('textArray', () => {
  it('text[]: every element comes back as it was', async () => {
    const values = ['a', 'b"c', 'd\\e', '{x,y}', 'NULL', '', ' padded ', 'Смартфон «A55»', 'tab\there', 'new\nline', "it's", '\\"'];
    const { rows } = await sql<{ v: string[] }>`select ${textArray(values)}::text[] as v`.execute(h.db);
    expect(rows[0]!.v).toEqual(values);
  });

  it('null and undefined are NULL; numbers and booleans their text; empty is {}', async () => {
    const { rows } = await sql<{ t: (string | null)[]; n: string[]; e: string[] }>`
      select ${textArray(['x', null, undefined, 4.8, true])}::text[] as t, (${textArray(['1', '42', null])}::bigint[])::text[] as n,
        ${textArray([])}::text[] as e`.execute(h.db);
    expect(rows[0]).toEqual({ t: ['x', null, null, '4.8', 'true'], n: ['1', '42', null], e: [] });
  });

  it('unnest of several literals gives one row per index, as the offers statement reads them', async () => {
    const { rows } = await sql<{ id: string; price: string; kaspi: boolean | null }>`
      select u.id, u.price::numeric::text as price, u.kaspi::boolean as kaspi
      from unnest(${textArray(['7', '8'])}::bigint[], ${textArray(['199990', '12.50'])}::text[], ${textArray([true, null])}::text[]) as u(id, price, kaspi)`.execute(
      h.db,
    );
    expect(rows).toEqual([
      { id: '7', price: '199990', kaspi: true },
      { id: '8', price: '12.50', kaspi: null },
    ]);
  });
});
