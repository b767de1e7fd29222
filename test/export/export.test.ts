import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { readTableFile } from '../../src/core/table-file.js';
import { upsertCosts } from '../../src/costs/costs.repository.js';
import { type Dataset, defineDataset } from '../../src/export/dataset.js';
import { DATASETS, findDataset } from '../../src/export/datasets.js';
import { exportDataset } from '../../src/export/export.service.js';
import { buildConditions, type FilterInput } from '../../src/export/filters.js';
import { openFileTarget, resolveFormat, stdoutTarget } from '../../src/export/output-target.js';
import { FORMATS, type Format } from '../../src/export/writers/writer.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { seedDemper } from '../support/demper-seed.js';
import { seedKaspiHistory } from '../support/history-seed.js';
import { seedPayouts } from '../support/payouts-seed.js';
import { type JsonRow, parseCsv, readBack, readJson, readXlsx, sheetRows } from '../support/read-export.js';

const NOW = new Date('2026-11-21T06:00:00Z');
const SOFFICE = ['/usr/bin/soffice', '/usr/local/bin/soffice'].find((p) => existsSync(p));

describe('mp export: datasets in every format', () => {
  let handle: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    handle = await createTestDatabase();
    await seedKaspiHistory(handle.db);
    await seedPayouts(handle.db);
    await seedDemper(handle.db);
    await upsertCosts(
      handle.db,
      [
        { marketplace: 'kaspi', product: '102298404', validFrom: '2026-10-01', cost: '250000.50', currency: 'KZT', commissionPct: '10.9', delivery: null },
        { marketplace: 'wb', product: '413157507', validFrom: '2026-11-01', cost: '900', currency: 'RUB', commissionPct: null, delivery: '45.10' },
      ],
      'set',
    );
    dir = mkdtempSync(join(tmpdir(), 'mp-export-'));
  });
  afterAll(async () => {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function exportTo(dataset: Dataset, format: Format, filters: FilterInput = {}, pageSize?: number): Promise<{ path: string; rows: number }> {
    const path = join(dir, `${dataset.name}-${Math.random().toString(36).slice(2)}.${format}`);
    const result = await exportDataset(handle.db, {
      dataset,
      format,
      target: openFileTarget(path),
      conditions: buildConditions(dataset, filters, NOW),
      pageSize,
    });
    expect(result.file).toBe(path);
    return { path, rows: result.rows };
  }

  async function rowsOf(name: string, filters: FilterInput = {}): Promise<JsonRow[]> {
    const dataset = findDataset(name);
    const { path } = await exportTo(dataset, 'json', filters);
    return readJson(path);
  }

  it('writes JSON with typed values: integers as numbers, money as exact strings, times as ISO UTC', async () => {
    const rows = await rowsOf('kaspi-offer-history');
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual({
      id: expect.any(Number),
      kaspi_id: '102298404',
      city_id: '750000000',
      merchant_id: 'm1',
      merchant_name: 'ТОО "Рога, и копыта"',
      event: 'appeared',
      old_price: null,
      new_price: '379990',
      created_at: '2026-11-01T06:00:00.000Z',
    });
    const ids = rows.map((r) => r.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const products = await rowsOf('kaspi-products');
    const phone = products.find((p) => p.city_id === '750000000' && p.kaspi_id === '102298404')!;
    expect(phone).toMatchObject({ rating: '4.9', review_count: 1234, category_path: ['Телефоны и гаджеты', 'Смартфоны'], min_price: '361788' });
    expect(phone.photos).toHaveLength(2);
    const offers = await rowsOf('kaspi-offers');
    expect(offers.find((o) => o.merchant_id === 'm2')).toMatchObject({ kaspi_delivery: false, preorder_days: 3, active: true, merchant_rating: null });
    expect(offers.find((o) => o.merchant_id === 'm3')).toMatchObject({ active: false, merchant_rating: '5' });
  });

  for (const dataset of DATASETS) {
    it(`round-trips ${dataset.name} through csv, xlsx, json and ndjson with the same rows and types`, async () => {
      const reference = readJson((await exportTo(dataset, 'json')).path);
      // wb-* rows come from the WB sync and are seeded in test/wb/reports.test.ts, Shop API orders
      // (kaspi-order*, kaspi-sales-daily) in test/kaspi-orders/export.test.ts, profit in test/profit/, not
      // here: they round-trip empty (header and types of nothing) in this file.
      if (!/^(wb-|kaspi-order|kaspi-sales|kaspi-profit)/.test(dataset.name)) expect(reference.length).toBeGreaterThan(0);
      for (const format of FORMATS) {
        const { path, rows } = await exportTo(dataset, format);
        expect(rows).toBe(reference.length);
        expect(await readBack(dataset, format, path), format).toEqual(format === 'xlsx' ? sheetRows(dataset, reference) : reference);
      }
    });
  }

  it('pages by key: a page size of 2 gives the same rows as one big page', async () => {
    const dataset = findDataset('kaspi-offer-history');
    for (const format of ['ndjson', 'csv', 'xlsx'] as const) {
      const small = await exportTo(dataset, format, {}, 2);
      const large = await exportTo(dataset, format, {}, 5000);
      expect(await readBack(dataset, format, small.path)).toEqual(await readBack(dataset, format, large.path));
    }
    const exact = await exportTo(dataset, 'json', {}, 7); // a full last page, then an empty one
    expect(readJson(exact.path)).toHaveLength(7);
  });

  it('--since selects rows from a date (midnight in Almaty) or an age', async () => {
    // 2026-11-10 in Almaty (UTC+5) starts at 2026-11-09T19:00Z.
    const rows = await rowsOf('kaspi-offer-history', { since: '2026-11-10' });
    expect(rows.map((r) => r.created_at)).toEqual(['2026-11-15T06:00:00.000Z', '2026-11-20T06:00:00.000Z', '2026-11-10T06:00:00.000Z']);
    const recent = await rowsOf('kaspi-product-history', { since: '3d' }); // NOW - 3d = 2026-11-18T06:00Z
    expect(recent.map((r) => r.checked_at)).toEqual(['2026-11-20T06:00:00.000Z']);
  });

  it('--city takes an id or a name; --filter compares typed values', async () => {
    expect((await rowsOf('kaspi-offer-history', { city: 'astana' })).map((r) => r.city_id)).toEqual(['710000000']);
    expect(await rowsOf('kaspi-offer-history', { city: '710000000' })).toHaveLength(1);
    expect((await rowsOf('kaspi-offer-history', { filter: ['event=price_changed'] })).map((r) => r.new_price)).toEqual(['369990', '361788']);
    // Numeric, not text, comparison: "389990" > "1000000" as text, not as a number.
    expect((await rowsOf('kaspi-offer-history', { filter: ['new_price>=379990'] })).map((r) => r.new_price)).toEqual(['379990', '389990', '420000']);
    expect(await rowsOf('kaspi-offer-history', { filter: ['new_price<1000000', 'new_price>1000'] })).toHaveLength(6);
    expect(await rowsOf('kaspi-offer-history', { filter: ['old_price='] })).toHaveLength(4);
    expect((await rowsOf('kaspi-offer-history', { filter: ['new_price='] })).map((r) => r.event)).toEqual(['disappeared']);
    expect(await rowsOf('kaspi-offers', { filter: ['merchant_name=Shop; One'] })).toHaveLength(1);
    expect(await rowsOf('kaspi-offers', { filter: ['active=false'] })).toHaveLength(1);
    // != keeps nulls: three offers do not have rating 4.8, one of them has no rating at all.
    expect(await rowsOf('kaspi-offers', { filter: ['merchant_rating!=4.8'] })).toHaveLength(3);
    expect(await rowsOf('kaspi-product-history', { filter: ['checked_at<2026-11-08T11:00', 'city_id=750000000'] })).toHaveLength(2);
    expect(await rowsOf('kaspi-offer-history', { since: '2026-11-01', city: 'almaty', filter: ['merchant_id=m1'] })).toHaveLength(3);
  });

  it('refuses filters that do not fit the dataset before touching the database', () => {
    const ds = findDataset('kaspi-offer-history');
    const bad = (input: FilterInput) => {
      try {
        buildConditions(ds, input, NOW);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ filter: ['price=1'] })).toMatch(/no column "price"; columns: id, kaspi_id/);
    expect(bad({ filter: ['new_price=cheap'] })).toMatch(/not a number/);
    expect(bad({ filter: ['id=1.5'] })).toMatch(/not an integer/);
    expect(bad({ filter: ['created_at>yesterday'] })).toMatch(/not a date/);
    expect(bad({ filter: ['nonsense'] })).toMatch(/key=value/);
    expect(bad({ since: 'last week' })).toMatch(/--since/);
    expect(bad({ city: 'atlantis' })).toMatch(/unknown city/);
    expect(() => buildConditions(findDataset('kaspi-products'), { filter: ['photos=x'] }, NOW)).toThrow(/JSON columns/);
    expect(() => findDataset('wb-nothing')).toThrow(/datasets: kaspi-products/);
  });

  it('leaves no file, not even a temporary one, when the export fails midway', async () => {
    // The third row divides by zero: the first page (2 rows) is already written when it fails.
    const ids = (await handle.db.selectFrom('kaspi_offer_history').select('id').orderBy('id').execute()).map((r) => r.id);
    const failing = defineDataset({
      name: 'failing',
      description: 'fails on its second page',
      key: 'id',
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'ratio', type: 'integer' },
      ],
      query: (db) => db.selectFrom('kaspi_offer_history').select(['id', sql<number>`100 / (id - ${ids[2]}::bigint)`.as('ratio')]),
    });
    const sub = mkdtempSync(join(dir, 'fail-'));
    for (const format of FORMATS) {
      const path = join(sub, `out.${format}`);
      const progress: number[] = [];
      const request = { dataset: failing, format, target: openFileTarget(path), conditions: [], pageSize: 2, onProgress: (n: number) => progress.push(n) };
      await expect(exportDataset(handle.db, request)).rejects.toThrow(/division by zero/);
      expect(progress).toEqual([2]);
    }
    // A folder that cannot be created (a file is in the way) is a one-line user error.
    writeFileSync(join(dir, 'blocker'), '');
    expect(() => openFileTarget(join(dir, 'blocker', 'out.csv'))).toThrow(/cannot create the folder/);
    expect(readdirSync(sub)).toEqual([]);
  });

  it('times: ISO 8601 UTC with milliseconds in every format (microseconds cut, as a JS Date would); infinity refused, no file', async () => {
    const ids = (await handle.db.selectFrom('kaspi_offer_history').select('id').orderBy('id').execute()).map((r) => r.id);
    const timed = (odd: string | null) =>
      defineDataset({
        name: 'timed',
        description: 'times with microseconds',
        key: 'id',
        columns: [
          { name: 'id', type: 'integer' },
          { name: 'at', type: 'timestamp' },
        ],
        query: (db) =>
          db
            .selectFrom('kaspi_offer_history')
            .where('id', 'in', ids.slice(0, 2))
            .select([
              'id',
              sql<string>`case when id = ${ids[0]} then timestamptz '2026-11-21 23:59:59.999987+05' else coalesce(${odd}::timestamptz, timestamptz '2026-01-02 03:04:05+00') end`.as(
                'at',
              ),
            ]),
      });
    const dataset = timed(null);
    const want = [
      { id: Number(ids[0]), at: '2026-11-21T18:59:59.999Z' },
      { id: Number(ids[1]), at: '2026-01-02T03:04:05.000Z' },
    ];
    for (const format of FORMATS) {
      const { path } = await exportTo(dataset, format);
      expect(await readBack(dataset, format, path), format).toEqual(want);
    }
    const sub = mkdtempSync(join(dir, 'time-'));
    for (const odd of ['infinity', '-infinity', '0044-03-15 12:00:00+00 BC']) {
      for (const format of FORMATS) {
        const request = { dataset: timed(odd), format, target: openFileTarget(join(sub, `out.${format}`)), conditions: [] };
        await expect(exportDataset(handle.db, request), `${odd} ${format}`).rejects.toThrow(/cannot export the time ".+": only years 1 to 9999/);
      }
    }
    expect(readdirSync(sub)).toEqual([]);
  });

  it('CSV is RFC 4180; --excel adds a BOM, semicolons, decimal commas, Almaty times named in the header, and keeps formulas as text', async () => {
    const offers = findDataset('kaspi-offers');
    const plain = readFileSync((await exportTo(offers, 'csv')).path, 'utf8');
    expect(plain.split('\r\n')[0]).toBe(offers.columns.map((c) => c.name).join(','));
    expect(plain).toContain('"ТОО ""Рога, и копыта"""');
    expect(plain).toContain(',"=HYPERLINK(""x"")",');
    const path = join(dir, 'excel.csv');
    await exportDataset(handle.db, { dataset: offers, format: 'csv', target: openFileTarget(path), conditions: [], excel: true });
    const excel = readFileSync(path, 'utf8');
    expect(excel.startsWith('\uFEFFid;kaspi_id;')).toBe(true);
    expect(excel).toContain(';"\'=HYPERLINK(""x"")";');
    expect(excel).toContain(';4,8;');
    expect(excel).toContain(';"Shop; One";');
    // 06:00Z is 11:00 in Almaty: the header says which clock.
    expect(excel).toContain(';2026-11-20 11:00:00\r\n');
    expect(excel.split('\r\n')[0]).toMatch(/;last_seen_at \(Asia\/Almaty\)$/);
    // A paging-only key column is left out of --excel files as of spreadsheets.
    const daily = join(dir, 'daily-excel.csv');
    await exportDataset(handle.db, { dataset: findDataset('wb-orders'), format: 'csv', target: openFileTarget(daily), conditions: [], excel: true });
    expect(readFileSync(daily, 'utf8')).toMatch(/^\uFEFFcabinet_id;cabinet;srid;g_number;order_date \(Europe\/Moscow\);/);
  });

  it('XLSX: one sheet, bold frozen header in a named sans font with an autofilter, money and date formats, widths from the data, landscape one page wide', async () => {
    const dataset = findDataset('kaspi-offers');
    const path = (await exportTo(dataset, 'xlsx')).path;
    const { workbook } = await readXlsx(dataset, path);
    expect(workbook.worksheets).toHaveLength(1);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('kaspi-offers');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:P1');
    expect(sheet.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 });
    const header = sheet.getRow(1);
    expect(header.getCell(1).font).toMatchObject({ name: 'Arial', bold: true });
    expect(sheet.getRow(2).getCell(1).font).toMatchObject({ name: 'Arial' });
    const col = (name: string) => dataset.columns.findIndex((c) => c.name === name) + 1;
    expect(header.getCell(col('first_seen_at')).value).toBe('first_seen_at (Asia/Almaty)');
    expect(header.getCell(col('price')).value).toBe('price');
    expect(sheet.getRow(2).getCell(col('price')).numFmt).toBe('#,##0');
    expect(sheet.getRow(2).getCell(col('merchant_rating')).numFmt).toBe('#,##0.0');
    expect(sheet.getRow(2).getCell(col('first_seen_at')).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(sheet.getColumn(col('merchant_name')).width).toBe('ТОО "Рога, и копыта"'.length + 1);
    expect(sheet.getColumn(col('first_seen_at')).width).toBe('first_seen_at (Asia/Almaty)'.length + 3);
    expect(sheet.getColumn(col('active')).width).toBe(10); // 'active' + the filter button, 9 would be dropped by exceljs
  });

  it('XLSX: times are date-time cells on the Almaty wall clock (an early-morning order stays on its day), UTC where a dataset has no zone', async () => {
    const dataset = findDataset('kaspi-offer-history');
    const json = readJson((await exportTo(dataset, 'json')).path);
    const sheet = (await readXlsx(dataset, (await exportTo(dataset, 'xlsx')).path)).workbook.worksheets[0]!;
    const col = dataset.columns.findIndex((c) => c.name === 'created_at') + 1;
    for (const [i, row] of json.entries()) {
      const cell = sheet.getRow(i + 2).getCell(col).value;
      expect(cell).toBeInstanceOf(Date);
      // exceljs reads a cell's wall clock into the Date's UTC fields: Almaty is UTC+5.
      expect((cell as Date).toISOString()).toBe(new Date(Date.parse(row.created_at as string) + 5 * 3600_000).toISOString());
    }
    const late = new Date(Date.parse('2026-11-20T21:30:00.000Z'));
    const { sheetColumns } = await import('../../src/export/writers/xlsx.js');
    const created = sheetColumns(dataset).find((c) => c.column.name === 'created_at')!;
    expect((created.value(late) as Date).toISOString()).toBe('2026-11-21T02:30:00.000Z'); // 02:30 on the 21st in Almaty
    const payouts = sheetColumns(findDataset('payouts'));
    expect(payouts.find((c) => c.column.name === 'created_at')?.header).toBe('created_at (UTC)');
  });

  it('XLSX: percentages in percent format (not money), YYYY-MM-DD days as date cells, no paging-only key column', async () => {
    const costs = findDataset('unit-costs');
    const sheet = (await readXlsx(costs, (await exportTo(costs, 'xlsx')).path)).workbook.worksheets[0]!;
    const col = (name: string) => costs.columns.findIndex((c) => c.name === name) + 1;
    const kaspi = sheet.getRow(2); // kaspi 102298404: cost 250000.50, commission 10.9 %, from 2026-10-01
    expect(kaspi.getCell(col('product')).value).toBe('102298404');
    expect(kaspi.getCell(col('commission_pct')).value).toBe(0.109);
    expect(kaspi.getCell(col('commission_pct')).numFmt).toBe('0.00%');
    expect(kaspi.getCell(col('cost')).numFmt).toBe('#,##0.00');
    expect(kaspi.getCell(col('valid_from')).value).toEqual(new Date('2026-10-01T00:00:00.000Z'));
    expect(kaspi.getCell(col('valid_from')).numFmt).toBe('yyyy-mm-dd');
    for (const name of ['wb-orders', 'wb-sales', 'wb-stocks', 'wb-reviews', 'wb-cards', 'kaspi-sales-daily']) {
      const dataset = findDataset(name);
      const head = (await readXlsx(dataset, (await exportTo(dataset, 'xlsx')).path)).workbook.worksheets[0]!.getRow(1).values as unknown[];
      expect(head, name).not.toContain('key');
      expect(head[1], name).toBe(name === 'kaspi-sales-daily' ? 'store' : 'cabinet_id');
    }
    const orders = findDataset('wb-orders');
    const { numberFormat } = await import('../../src/export/writers/xlsx.js');
    expect(numberFormat(orders.columns.find((c) => c.name === 'spp')!)).toBe('0%');
    expect(numberFormat(orders.columns.find((c) => c.name === 'total_price')!)).toBe('#,##0.00');
  });

  it('XLSX re-import: percent cells read back as points, date cells as YYYY-MM-DD (unit-costs exported, then read as `mp costs import` reads it)', async () => {
    const costs = findDataset('unit-costs');
    const table = await readTableFile((await exportTo(costs, 'xlsx')).path);
    expect(table.records.map((r) => [r.values.product, r.values.commission_pct, r.values.valid_from, r.values.cost])).toEqual([
      ['102298404', '10.9', '2026-10-01', '250000.5'],
      ['413157507', '', '2026-11-01', '900'],
    ]);
  });

  // LibreOffice (Debian: libreoffice-calc-nogui) renders the sheet as a seller sees it: converted to
  // CSV, each cell is its displayed text. Skipped where soffice is not installed.
  // The CSV filter's options: comma, double quote, UTF-8, from line 1, …, save cell contents as shown.
  const CSV_AS_SHOWN = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true';
  it.skipIf(!SOFFICE)(
    'XLSX rendered by LibreOffice: Almaty wall-clock times, percentages, dates and money as a seller sees them',
    async () => {
      const costs = findDataset('unit-costs');
      const history = findDataset('kaspi-offer-history');
      const out = mkdtempSync(join(tmpdir(), 'mp-soffice-'));
      try {
        const files = [(await exportTo(costs, 'xlsx')).path, (await exportTo(history, 'xlsx')).path];
        const run = spawnSync(
          SOFFICE!,
          [`-env:UserInstallation=file://${out}/profile`, '--headless', '--convert-to', CSV_AS_SHOWN, '--outdir', out, ...files],
          {
            encoding: 'utf8',
            timeout: 300_000,
          },
        );
        expect(run.status, run.stderr).toBe(0);
        const rendered = (path: string) => parseCsv(readFileSync(join(out, basename(path).replace(/\.xlsx$/, '.csv')), 'utf8').replace(/\r?\n/g, '\r\n'));
        const [costHead, kaspi] = rendered(files[0]!);
        const at = (name: string) => costHead!.indexOf(name);
        expect(kaspi![at('commission_pct')]).toBe('10.90%');
        expect(kaspi![at('valid_from')]).toBe('2026-10-01');
        expect(kaspi![at('cost')]).toBe('250,000.50');
        expect(costHead![at('updated_at (UTC)')]).toBe('updated_at (UTC)');
        const [head, first] = rendered(files[1]!);
        expect(head).toContain('created_at (Asia/Almaty)');
        expect(first![head!.indexOf('merchant_name')]).toBe('ТОО "Рога, и копыта"');
        // As LibreOffice's own document (flat ODS): the cells' font and the print set-up it took.
        const flat = spawnSync(SOFFICE!, [`-env:UserInstallation=file://${out}/profile`, '--headless', '--convert-to', 'fods', '--outdir', out, files[1]!], {
          encoding: 'utf8',
          timeout: 300_000,
        });
        expect(flat.status, flat.stderr).toBe(0);
        const fods = readFileSync(join(out, basename(files[1]!).replace(/\.xlsx$/, '.fods')), 'utf8');
        expect(fods).toMatch(/style:font-name="Arial"/);
        expect(fods).toMatch(/style:print-orientation="landscape"/);
        expect(fods).toMatch(/style:scale-to-X="1"/);
        // The first history row was created at 2026-11-01T06:00Z: 11:00 in Almaty.
        expect(first![head!.indexOf('created_at (Asia/Almaty)')]).toBe('2026-11-01 11:00:00');
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    320_000,
  );

  it('writes an empty dataset as a header (CSV, XLSX) or an empty array', async () => {
    const dataset = findDataset('kaspi-offer-history');
    const filters = { filter: ['merchant_id=nobody'] };
    expect(readFileSync((await exportTo(dataset, 'csv', filters)).path, 'utf8')).toBe(`${dataset.columns.map((c) => c.name).join(',')}\r\n`);
    expect(readFileSync((await exportTo(dataset, 'json', filters)).path, 'utf8')).toBe('[]\n');
    expect(readFileSync((await exportTo(dataset, 'ndjson', filters)).path, 'utf8')).toBe('');
    expect((await readXlsx(dataset, (await exportTo(dataset, 'xlsx', filters)).path)).rows).toEqual([]);
  });

  it('streams to stdout without ending it', async () => {
    const sink = new PassThrough();
    let text = '';
    sink.on('data', (d) => (text += d));
    const dataset = findDataset('kaspi-offer-history');
    const result = await exportDataset(handle.db, { dataset, format: 'ndjson', target: stdoutTarget(sink), conditions: [], pageSize: 3 });
    expect(result).toMatchObject({ rows: 7, file: null });
    expect(text.trim().split('\n')).toHaveLength(7);
    expect(sink.writableEnded).toBe(false);
  });

  it('takes the format from --format, else the --out extension, else CSV', () => {
    expect(resolveFormat(undefined, 'a/b.XLSX')).toBe('xlsx');
    expect(resolveFormat(undefined, 'b.jsonl')).toBe('ndjson');
    expect(resolveFormat('json', 'b.csv')).toBe('json');
    expect(resolveFormat(undefined, '-')).toBe('csv');
    expect(() => resolveFormat(undefined, 'b.txt')).toThrow(/cannot tell the format/);
    expect(() => resolveFormat('xml', undefined)).toThrow(/--format must be one of/);
  });
});
