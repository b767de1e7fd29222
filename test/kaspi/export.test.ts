// `export/kaspi/products.json` is written a page of products at a time (never the whole table in
// memory) and must read exactly as one JSON.stringify of the array would; a failure midway leaves
// the previous file whole. Runs on PGlite and PostgreSQL.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportAllProducts, writeJsonArrayAtomic } from '../../src/kaspi/json-export.js';
import { productPages } from '../../src/kaspi/product.repository.js';
import { storedProductJson } from '../../src/kaspi/scrape-record.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let handle: TestDatabase;
let dir: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'mp-kaspi-export-'));
});
afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function* pagesOf<T>(...pages: T[][]): AsyncGenerator<T[]> {
  for (const page of pages) yield page;
}

describe('writeJsonArrayAtomic', () => {
  const items = [
    { id: '1', name: 'Смартфон "A55"\nсиний', photos: ['a', 'b'], nested: { empty: [], obj: {}, n: null } },
    { id: '2', name: 'x', photos: [] },
    { id: '3', price: '199990.50', tags: [{ a: 1 }, { b: [true, false] }] },
  ];

  it('writes the same text as JSON.stringify(array, null, 2), whatever the paging', async () => {
    const path = join(dir, 'same.json');
    const expected = `${JSON.stringify(items, null, 2)}\n`;
    for (const pages of [[items], [[items[0]], [], [items[1], items[2]]], [[], [items[0]], [items[1]], [items[2]], []]]) {
      await writeJsonArrayAtomic(path, pagesOf(...pages));
      expect(readFileSync(path, 'utf8')).toBe(expected);
    }
    await writeJsonArrayAtomic(path, pagesOf([], []));
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify([], null, 2)}\n`);
    await writeJsonArrayAtomic(path, pagesOf());
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual([]);
  });

  it('a failure midway keeps the previous file and leaves no temp file', async () => {
    const sub = mkdtempSync(join(dir, 'fail-'));
    const path = join(sub, 'products.json');
    writeFileSync(path, '[\n  "old"\n]\n');
    async function* failing(): AsyncGenerator<unknown[]> {
      yield [items[0]];
      throw new Error('database went away');
    }
    await expect(writeJsonArrayAtomic(path, failing())).rejects.toThrow('database went away');
    expect(readFileSync(path, 'utf8')).toBe('[\n  "old"\n]\n');
    expect(readdirSync(sub)).toEqual(['products.json']);
  });
});

describe('products.json', () => {
  const ids = ['101', '102', '103', '104', '105'];

  beforeAll(async () => {
    const at = new Date('2026-11-21T10:00:00Z');
    await handle.db
      .insertInto('kaspi_products')
      .values(
        ids.map((id, i) => ({
          kaspi_id: id,
          city_id: '750000000',
          name: `Товар ${id}`,
          description_text: i === 0 ? 'line 1\nline 2 {braces}' : null,
          description_html: null,
          category: 'Smartphones',
          brand: null,
          min_price: `${1000 + i}.50`,
          max_price: `${2000 + i}`,
          rating: null,
          review_count: i,
          seller_count: 1,
          url: `https://kaspi.kz/shop/p/x-${id}/`,
          first_seen_at: at,
          last_checked_at: at,
          last_changed_at: at,
        })),
      )
      .execute();
  });

  it('reads the products a page at a time in id order', async () => {
    const pages: string[][] = [];
    for await (const rows of productPages(handle.db, 2)) pages.push(rows.map((r) => r.kaspi_id));
    expect(pages).toEqual([['101', '102'], ['103', '104'], ['105']]);
    const exact: string[][] = [];
    for await (const rows of productPages(handle.db, 5)) exact.push(rows.map((r) => r.kaspi_id));
    expect(exact).toEqual([ids]);
  });

  it('holds every stored product, as stored, with money as exact strings', async () => {
    await exportAllProducts(handle.db, dir);
    const path = join(dir, 'products.json');
    const rows = await handle.db.selectFrom('kaspi_products').selectAll().orderBy('id').execute();
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(rows.map(storedProductJson), null, 2)}\n`);
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { id: string; min_price: string }[];
    expect(parsed.map((p) => p.id)).toEqual(ids);
    expect(parsed[0]!.min_price).toBe('1000.50');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
