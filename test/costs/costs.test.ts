// `mp costs`: import (all rows or none, problems with row numbers), set (history, carried-over
// fields), list (in effect on a day), on a real migrated database.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCosts } from '../../src/costs/costs.repository.js';
import { importCostsFile, setCost } from '../../src/costs/costs.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

// 20:00 UTC on Nov 20 is already Nov 21 in Almaty (UTC+5) but still Nov 20 in Moscow (UTC+3).
const NOW = new Date('2026-11-20T20:00:00Z');

let handle: TestDatabase;
let dir: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'mp-costs-'));
});
afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('mp costs import', () => {
  it('imports a CSV: defaults from the marketplace (currency, today in its own zone), decimal commas, history by valid_from', async () => {
    const path = file(
      'costs.csv',
      [
        'marketplace,product,cost,commission_pct,delivery,valid_from',
        'kaspi,102298404,12000,10,,2026-10-01',
        'kaspi,102298404,"12 500,50",,,2026-11-01',
        'Kaspi,SKU-B,3000,,150,',
        'wb,413157507,900.5,,,01.11.2026',
        'wb,PM-TOP/pink,700,,,',
      ].join('\n'),
    );
    const result = await importCostsFile(handle.db, path, { now: NOW });
    expect(result).toEqual({ file: path, imported: 5, kaspi: 3, wb: 2 });
    const rows = (await listCosts(handle.db)).map((c) => [c.marketplace, c.product, c.valid_from, c.cost, c.currency, c.commission_pct, c.delivery]);
    expect(rows).toEqual([
      ['kaspi', '102298404', '2026-10-01', '12000.00', 'KZT', '10.0000', null],
      ['kaspi', '102298404', '2026-11-01', '12500.50', 'KZT', null, null],
      // no valid_from: today in Almaty (already Nov 21) …
      ['kaspi', 'SKU-B', '2026-11-21', '3000.00', 'KZT', null, '150.00'],
      ['wb', '413157507', '2026-11-01', '900.50', 'RUB', null, null],
      // … and in Moscow (still Nov 20)
      ['wb', 'PM-TOP/pink', '2026-11-20', '700.00', 'RUB', null, null],
    ]);
    // In effect on a day: last month's cost for last month.
    expect((await listCosts(handle.db, { marketplace: 'kaspi', products: ['102298404'], at: '2026-10-31' })).map((c) => c.cost)).toEqual(['12000.00']);
    expect((await listCosts(handle.db, { marketplace: 'kaspi', products: ['102298404'], at: '2026-11-01' })).map((c) => c.cost)).toEqual(['12500.50']);
    expect(await listCosts(handle.db, { marketplace: 'kaspi', products: ['102298404'], at: '2026-09-30' })).toEqual([]);
  });

  it('a bad file imports nothing and names every bad row (row numbers count the header as 1)', async () => {
    const before = await listCosts(handle.db);
    const path = file(
      'bad.csv',
      [
        'marketplace,product,cost,commission_pct,valid_from',
        'kaspi,A1,100,,',
        'ozon,A2,100,,',
        'kaspi,,100,,',
        'kaspi,A3,100.555,,',
        'kaspi,A4,-5,,',
        'kaspi,A5,100,120,',
        'kaspi,A6,100,,2026-02-30',
        'kaspi,A1,200,,',
        'wb,A7,,,',
      ].join('\n'),
    );
    const error = await importCostsFile(handle.db, path, { now: NOW }).catch((e) => e);
    expect(error.code).toBe('COSTS_IMPORT_INVALID');
    const problems = error.details.problems as string[];
    expect(problems.map((p) => p.split(':')[0])).toEqual(['row 3', 'row 4', 'row 5', 'row 6', 'row 7', 'row 8', 'row 9', 'row 10']);
    expect(problems[0]).toContain('marketplace must be kaspi or wb, got "ozon"');
    expect(problems[2]).toMatch(/cost must have at most 2 decimal places/);
    expect(problems[3]).toMatch(/cost must be at least 0/);
    expect(problems[4]).toMatch(/commission_pct must be at most 99.9999/);
    expect(problems[5]).toContain('valid_from must be a date');
    expect(problems[6]).toContain('kaspi product "A1" from 2026-11-21 already appears on row 2');
    expect(problems[7]).toContain('cost is empty');
    expect(error.message).toMatch(/^.*bad\.csv: nothing imported, fix these rows: row 3: /);
    expect(await listCosts(handle.db)).toEqual(before);
  });

  it('a file without the required columns is refused with the header to use', async () => {
    const error = await importCostsFile(handle.db, file('nohead.csv', 'sku,price\nA,1\n'), { now: NOW }).catch((e) => e);
    expect(error.code).toBe('COSTS_IMPORT_HEADER');
    expect(error.message).toContain('marketplace,product,cost,commission_pct,delivery,valid_from,currency');
  });

  it('reads XLSX: numbers and date cells as Excel stores them', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('costs');
    sheet.addRow(['marketplace', 'product', 'cost', 'valid_from', 'currency']);
    sheet.addRow(['wb', '555', 1234.5, new Date(Date.UTC(2026, 9, 15)), 'kzt']);
    const path = join(dir, 'costs.xlsx');
    await workbook.xlsx.writeFile(path);
    expect(await importCostsFile(handle.db, path, { now: NOW })).toMatchObject({ imported: 1, wb: 1 });
    expect(await listCosts(handle.db, { marketplace: 'wb', products: ['555'] })).toMatchObject([
      { valid_from: '2026-10-15', cost: '1234.50', currency: 'KZT' },
    ]);
  });
});

describe('mp costs set', () => {
  it('adds a row from a day on; commission and delivery carry over unless given, `none` clears them', async () => {
    await setCost(handle.db, 'kaspi', 'SET-1', { cost: '5000', commissionPct: '12,5', delivery: '300', validFrom: '2026-10-01' }, NOW);
    const next = await setCost(handle.db, 'kaspi', 'SET-1', { cost: '5200' }, NOW);
    expect(next).toMatchObject({ validFrom: '2026-11-21', cost: '5200.00', commissionPct: '12.5000', delivery: '300.00', currency: 'KZT' });
    const cleared = await setCost(handle.db, 'kaspi', 'SET-1', { commissionPct: 'none', validFrom: '2026-11-25' }, NOW);
    expect(cleared).toMatchObject({ cost: '5200.00', commissionPct: null, delivery: '300.00' });
    expect((await listCosts(handle.db, { products: ['SET-1'] })).map((c) => [c.valid_from, c.cost, c.commission_pct])).toEqual([
      ['2026-10-01', '5000.00', '12.5000'],
      ['2026-11-21', '5200.00', '12.5000'],
      ['2026-11-25', '5200.00', null],
    ]);
  });

  it('refuses a bad marketplace, amount or date, and a first cost without --cost', async () => {
    await expect(setCost(handle.db, 'ozon', 'X', { cost: '1' }, NOW)).rejects.toMatchObject({ code: 'COSTS_BAD_MARKETPLACE' });
    await expect(setCost(handle.db, 'kaspi', 'X', { cost: '1.001' }, NOW)).rejects.toThrow(/--cost must have at most 2 decimal places/);
    await expect(setCost(handle.db, 'kaspi', 'X', { cost: '1', validFrom: '2026-13-01' }, NOW)).rejects.toMatchObject({ code: 'COSTS_BAD_DATE' });
    await expect(setCost(handle.db, 'kaspi', 'NEW', { delivery: '10' }, NOW)).rejects.toMatchObject({ code: 'COSTS_NO_COST' });
  });
});
