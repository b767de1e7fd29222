// All SQL for wb_realization_rows (identity: cabinet + rrd_id).
import { sql } from 'kysely';
import type { ParsedRealizationRow } from './realization-parser.js';
import { type Db, type UpsertResult, upsertRecordset } from './recordset.js';

const COLUMNS = [
  ['rrd_id', 'bigint'],
  ['report_id', 'bigint'],
  ['rr_day', 'date'],
  ['nm_id', 'bigint'],
  ['vendor_code', 'text'],
  ['subject_name', 'text'],
  ['doc_type_name', 'text'],
  ['supplier_oper_name', 'text'],
  ['bonus_type_name', 'text'],
  ['quantity', 'integer'],
  ['retail_amount', 'numeric'],
  ['ppvz_for_pay', 'numeric'],
  ['delivery_rub', 'numeric'],
  ['rebill_logistic_cost', 'numeric'],
  ['storage_fee', 'numeric'],
  ['penalty', 'numeric'],
  ['acceptance', 'numeric'],
  ['deduction', 'numeric'],
  ['additional_payment', 'numeric'],
  ['srid', 'text'],
] as const;

/** Upserts report rows by rrd_id (a row re-read in an overlapping run replaces itself). */
export async function upsertRealizationRows(db: Db, cabinetId: string, rows: readonly ParsedRealizationRow[]): Promise<UpsertResult> {
  return upsertRecordset(db, { table: 'wb_realization_rows', cabinetId, columns: COLUMNS, key: ['rrd_id'], chunkSize: 500 }, rows);
}

export interface RawWbProfitGroup {
  day: string;
  nm_id: string | null;
  vendor_code: string | null;
  subject_name: string | null;
  sold_units: string;
  returned_units: string;
  retail_amount: string;
  for_pay_sales: string;
  for_pay_returns: string;
  for_pay_other: string;
  logistics: string;
  storage: string;
  penalties: string;
  acceptance: string;
  deductions: string;
  additional: string;
  /** Σ net units × unit cost of the day; null when net units ≠ 0 and no cost is in effect. */
  cost: string | null;
  cost_known: boolean;
}

/**
 * Report rows of [fromDay, toDay] (Moscow operation days) per product and day, in numeric: units and
 * payouts split by document type (Продажа / Возврат / other), the fees, and net units × the unit cost
 * in effect that day (by nmId, or the vendor code).
 */
export async function realizationProfitGroups(db: Db, cabinetIds: readonly string[], fromDay: string, toDay: string): Promise<RawWbProfitGroup[]> {
  const result = await sql<RawWbProfitGroup>`
    with g as (
      select to_char(r.rr_day, 'YYYY-MM-DD') as day, r.rr_day, r.nm_id::text as nm_id,
        max(r.vendor_code) as vendor_code, max(r.subject_name) as subject_name,
        coalesce(sum(r.quantity) filter (where r.doc_type_name = 'Продажа'), 0) as sold_units,
        coalesce(sum(r.quantity) filter (where r.doc_type_name = 'Возврат'), 0) as returned_units,
        coalesce(sum(case when r.doc_type_name = 'Возврат' then -r.retail_amount else r.retail_amount end), 0) as retail_amount,
        coalesce(sum(r.ppvz_for_pay) filter (where r.doc_type_name = 'Продажа'), 0) as for_pay_sales,
        coalesce(sum(r.ppvz_for_pay) filter (where r.doc_type_name = 'Возврат'), 0) as for_pay_returns,
        coalesce(sum(r.ppvz_for_pay) filter (where r.doc_type_name not in ('Продажа', 'Возврат')), 0) as for_pay_other,
        sum(r.delivery_rub + r.rebill_logistic_cost) as logistics,
        sum(r.storage_fee) as storage, sum(r.penalty) as penalties, sum(r.acceptance) as acceptance,
        sum(r.deduction) as deductions, sum(r.additional_payment) as additional
      from wb_realization_rows r
      where r.cabinet_id = any(${[...cabinetIds]}::bigint[]) and r.rr_day >= ${fromDay}::date and r.rr_day <= ${toDay}::date
      group by r.rr_day, r.nm_id
    )
    select g.day, g.nm_id, g.vendor_code, g.subject_name, g.sold_units::text, g.returned_units::text, g.retail_amount::text,
      g.for_pay_sales::text, g.for_pay_returns::text, g.for_pay_other::text, g.logistics::text, g.storage::text, g.penalties::text,
      g.acceptance::text, g.deductions::text, g.additional::text,
      ((g.sold_units - g.returned_units) * c.cost)::text as cost,
      (c.cost is not null or g.sold_units - g.returned_units = 0) as cost_known
    from g
    left join lateral (
      select u.cost from unit_costs u
      where u.marketplace = 'wb' and u.product = any(array[g.nm_id, g.vendor_code]) and u.valid_from <= g.rr_day
      order by u.valid_from desc, (u.product = g.nm_id) desc
      limit 1
    ) c on true
    order by g.nm_id nulls last, g.day`.execute(db);
  return result.rows;
}
