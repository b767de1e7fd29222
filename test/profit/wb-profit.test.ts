// `mp wb profit` from a realization report served by the fake WB API (reportDetailByPeriod, paged by
// rrd_id, 4 rows a page). The report is built from the real row in
// fixtures/wb/real/sovani_reportDetail_2025-09.json (R1; its anonymised rrd_id 0 made 1001) and our
// variants of it in WB's documented fields (wb-finance.md §2): a second sale, a return, logistics,
// storage, a penalty, a sale of a product without cost, acceptance and a deduction WB does not
// attribute to a product, and a sale after the period. Hand-computed (period 2025-09-22 – 2025-09-30):
//   413157507 (cost 900 from 2025-09-01):
//     sales payout 1486.56 + 2973.12 = 4459.68; returns 1486.56; logistics 78.50; storage 12.34; penalty 100;
//     net units: Sep 25: 1, Sep 26: 2 − 1 = 1 → cost 2 × 900 = 1800;
//     profit = 4459.68 − 1486.56 − 78.50 − 12.34 − 100 − 1800 = 982.28; retail 2156 + 4312 − 2156 = 4312;
//     margin 982.28 / 4312 = 22.78 %
//   555 (no cost): payout 500, retail 700 → profit unknown (null), a warning
//   not attributed: acceptance 30 + deduction 200 → profit −230
//   totals: profit unknown; over the costed: 982.28 − 230 = 752.28 on 4312 → 17.45 %
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, join as joinPath } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setCost } from '../../src/costs/costs.service.js';
import { findDataset } from '../../src/export/datasets.js';
import { exportDataset } from '../../src/export/export.service.js';
import { buildConditions } from '../../src/export/filters.js';
import { openFileTarget } from '../../src/export/output-target.js';
import { type FakeWb, startFakeWb } from '../../src/fakes/fake-wb.js';
import { profitPeriod } from '../../src/profit/period.js';
import { wbProfit } from '../../src/profit/wb-profit.service.js';
import { parseRealizationRow } from '../../src/wb/realization-parser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { readJson } from '../support/read-export.js';
import { addFakeCabinet, sync, TestClock, wbDeps } from '../wb/helpers.js';

const real = (JSON.parse(readFileSync(join(process.cwd(), 'fixtures/wb/real/sovani_reportDetail_2025-09.json'), 'utf8')) as { data: Record<string, unknown>[] })
  .data[0]!;
const fee = { quantity: 0, retail_price: 0, retail_amount: 0, ppvz_for_pay: 0, ppvz_sales_commission: 0, acquiring_fee: 0, ppvz_vw: 0, ppvz_vw_nds: 0 };
const REPORT: Record<string, unknown>[] = [
  { ...real, rrd_id: 1001 },
  { ...real, rrd_id: 1002, quantity: 2, retail_amount: 4312, ppvz_for_pay: 2973.12, rr_dt: '2025-09-26T10:00:00', srid: 'S2' },
  { ...real, rrd_id: 1003, doc_type_name: 'Возврат', supplier_oper_name: 'Возврат', rr_dt: '2025-09-26T11:00:00', srid: 'S3' },
  { ...real, ...fee, rrd_id: 1004, supplier_oper_name: 'Логистика', delivery_amount: 1, delivery_rub: 78.5, bonus_type_name: 'К клиенту при продаже' },
  { ...real, ...fee, rrd_id: 1005, doc_type_name: '', supplier_oper_name: 'Хранение', storage_fee: 12.34, rr_dt: '2025-09-26' },
  { ...real, ...fee, rrd_id: 1006, doc_type_name: '', supplier_oper_name: 'Штраф', penalty: 100, rr_dt: '2025-09-26', bonus_type_name: 'Штраф МП' },
  { ...real, rrd_id: 1007, nm_id: 555, sa_name: 'CUP-1', retail_amount: 700, ppvz_for_pay: 500, rr_dt: '2025-09-26T12:00:00', srid: 'S7' },
  { ...real, ...fee, rrd_id: 1008, nm_id: 0, sa_name: '', doc_type_name: '', supplier_oper_name: 'Платная приемка', acceptance: 30, rr_dt: '2025-09-27' },
  { ...real, ...fee, rrd_id: 1009, nm_id: 0, sa_name: '', doc_type_name: '', supplier_oper_name: 'Удержание', deduction: 200, rr_dt: '2025-09-27' },
  { ...real, rrd_id: 1010, ppvz_for_pay: 1000, rr_dt: '2025-10-05T10:00:00', srid: 'S10' },
];

async function exportRows(db: TestDatabase['db'], name: string, now: Date): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(joinPath(tmpdir(), 'mp-profit-export-'));
  try {
    const dataset = findDataset(name);
    const path = joinPath(dir, `${name}.json`);
    await exportDataset(db, { dataset, format: 'json', target: openFileTarget(path), conditions: buildConditions(dataset, {}, now), pageSize: 2 });
    return (await readJson(path)) as Record<string, unknown>[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('wb profit from the realization report, hand-computed', () => {
  let handle: TestDatabase;
  let wb: FakeWb;
  const clock = new TestClock(new Date('2025-10-06T09:00:00Z'));
  let cabinet: { id: string; name: string };

  beforeAll(async () => {
    handle = await createTestDatabase();
    wb = await startFakeWb({ products: 1, realization: REPORT, realizationPageCap: 4, statisticsBurst: 100 });
    const deps = wbDeps(handle, wb, clock);
    const added = await addFakeCabinet(deps, wb.token);
    cabinet = { id: added.cabinet.id, name: added.cabinet.name };
    const outcomes = await sync(deps, { only: ['realization'], since: new Date('2025-09-20T00:00:00Z') });
    expect(outcomes.map((o) => [o.stream, o.status, o.rowsNew])).toEqual([['realization', 'ok', 10]]);
    await setCost(handle.db, 'wb', '413157507', { cost: '900', validFrom: '2025-09-01' }, clock.now());
  }, 60_000);
  afterEach(() => wb?.verify());
  afterAll(async () => {
    await wb?.server.stop();
    await handle?.close();
  });

  it('pages by rrd_id until 204 and starts the next run 14 days back', async () => {
    const requests = wb.server.requestsTo('/api/v5/supplier/reportDetailByPeriod');
    expect(requests.map((r) => r.query.get('rrdid'))).toEqual(['0', '1004', '1008', '1010']);
    expect(requests[0]!.query.get('dateFrom')).toBe('2025-09-20');
    expect(requests[0]!.query.get('dateTo')).toBe('2025-10-06');
    const deps = wbDeps(handle, wb, clock);
    const again = await sync(deps, { only: ['realization'] });
    expect(again.map((o) => [o.status, o.rowsNew, o.rowsUpdated])).toEqual([['ok', 0, 10]]); // every row is from Sep 22 on: re-read, replaced by rrd_id
    expect(wb.server.requestsTo('/api/v5/supplier/reportDetailByPeriod').slice(4)[0]!.query.get('dateFrom')).toBe('2025-09-22');
  });

  it('per product: sales − returns − logistics − storage − penalties − acceptance − deductions − net units × cost', async () => {
    const r = await wbProfit(handle.db, cabinet, profitPeriod({ from: '2025-09-22', to: '2025-09-30' }, clock.now(), 'Europe/Moscow'));
    expect(r.rows).toEqual([
      {
        nmId: '555',
        vendorCode: 'CUP-1',
        subject: 'Пижамы',
        soldUnits: 1,
        returnedUnits: 0,
        netUnits: 1,
        retailAmount: '700',
        forPaySales: '500',
        forPayReturns: '0',
        forPayOther: '0',
        additionalPayment: '0',
        logistics: '0',
        storage: '0',
        penalties: '0',
        acceptance: '0',
        deductions: '0',
        cost: null,
        profit: null,
        marginPct: null,
      },
      {
        nmId: '413157507',
        vendorCode: 'PM-TOP/pink',
        subject: 'Пижамы',
        soldUnits: 3,
        returnedUnits: 1,
        netUnits: 2,
        retailAmount: '4312',
        forPaySales: '4459.68',
        forPayReturns: '1486.56',
        forPayOther: '0',
        additionalPayment: '0',
        logistics: '78.5',
        storage: '12.34',
        penalties: '100',
        acceptance: '0',
        deductions: '0',
        cost: '1800',
        profit: '982.28',
        marginPct: '22.78',
      },
      {
        nmId: null,
        vendorCode: null,
        subject: 'Пижамы',
        soldUnits: 0,
        returnedUnits: 0,
        netUnits: 0,
        retailAmount: '0',
        forPaySales: '0',
        forPayReturns: '0',
        forPayOther: '0',
        additionalPayment: '0',
        logistics: '0',
        storage: '0',
        penalties: '0',
        acceptance: '30',
        deductions: '200',
        cost: '0',
        profit: '-230',
        marginPct: null,
      },
    ]);
    expect(r.totals).toMatchObject({ soldUnits: 4, returnedUnits: 1, forPaySales: '4959.68', profit: null, productsWithoutCost: ['555'] });
    expect(r.totals.costed).toEqual({ revenue: '4312', profit: '752.28', marginPct: '17.45' });
    expect(r.warnings[0]).toContain('555');
  });

  it('per day', async () => {
    const r = await wbProfit(handle.db, cabinet, profitPeriod({ from: '2025-09-22', to: '2025-09-30' }, clock.now(), 'Europe/Moscow'), 'day');
    // Sep 25: 1486.56 − 78.50 − 900 = 508.06; Sep 26: unknown (555 has no cost); Sep 27: −230.
    expect(r.rows.map((d) => [d.day, d.profit])).toEqual([
      ['2025-09-25', '508.06'],
      ['2025-09-26', null],
      ['2025-09-27', '-230'],
    ]);
  });

  it('the parser reads the real v5 row and its v1 (camelCase, money as strings) twin alike', () => {
    const v5 = parseRealizationRow(real);
    expect(v5).toMatchObject({ rrd_id: '0', rr_day: '2025-09-25', nm_id: '413157507', vendor_code: 'PM-TOP/pink', doc_type_name: 'Продажа', quantity: 1 });
    expect(v5.ppvz_for_pay).toBe('1486.56');
    const v1 = parseRealizationRow({
      rrdId: 0,
      rrDate: '2025-09-25',
      nmId: 413157507,
      vendorCode: 'PM-TOP/pink',
      docTypeName: 'Продажа',
      quantity: 1,
      forPay: '1486.56',
      retailAmount: '2156.00',
      deliveryService: '0',
      subjectName: 'Пижамы',
      reportId: 123456,
      sellerOperName: 'Продажа',
      srid: 'S18974701156',
    });
    expect(v1).toEqual({ ...v5, bonus_type_name: null, retail_amount: '2156' });
    expect(() => parseRealizationRow({ ...real, ppvz_for_pay: 1.005 })).toThrow(/more than 2 decimals/);
  });
  it('export wb-profit-daily: per day and nmId, the same sums', async () => {
    const rows = await exportRows(handle.db, 'wb-profit-daily', clock.now());
    expect(rows.map((r) => [r.day, r.nm_id, r.sold_units, r.returned_units, r.payout, r.logistics, r.cost, r.profit])).toEqual([
      ['2025-09-25', '413157507', 1, 0, '1486.56', '78.5', '900', '508.06'],
      ['2025-09-26', '413157507', 2, 1, '1486.56', '0', '900', '474.22'],
      ['2025-09-26', '555', 1, 0, '500', '0', null, null],
      ['2025-09-27', null, 0, 0, '0', '0', '0', '-230'],
      ['2025-10-05', '413157507', 1, 0, '1000', '0', '900', '100'],
    ]);
  });
});
