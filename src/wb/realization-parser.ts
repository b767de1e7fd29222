// Pure parser of realization-report rows: the v5 `reportDetailByPeriod` row (snake_case, money as
// numbers) and the v1 finance `sales-reports/detailed` row (camelCase, money as strings) become one
// database-shaped row (../shared/reference/wb-finance.md §2 maps the two). Money is decimal text
// with at most 2 decimals; a row without its id, day or a number where money belongs is a bad answer.
import { UserError } from '../core/errors.js';
import { normalizeDecimal } from '../core/money.js';
import { upstreamDecimal } from '../core/upstream-shape.js';

export interface ParsedRealizationRow {
  rrd_id: string;
  report_id: string | null;
  /** The operation day (rr_dt), YYYY-MM-DD, Moscow time as WB gives it. */
  rr_day: string;
  nm_id: string | null;
  vendor_code: string | null;
  subject_name: string | null;
  doc_type_name: string;
  supplier_oper_name: string;
  bonus_type_name: string | null;
  quantity: number;
  retail_amount: string;
  ppvz_for_pay: string;
  delivery_rub: string;
  rebill_logistic_cost: string;
  storage_fee: string;
  penalty: string;
  acceptance: string;
  deduction: string;
  additional_payment: string;
  srid: string | null;
}

const WHAT = 'Wildberries realization report';

/** Our column ← [v5 field, v1 field]. */
const MONEY = {
  retail_amount: ['retail_amount', 'retailAmount'],
  ppvz_for_pay: ['ppvz_for_pay', 'forPay'],
  delivery_rub: ['delivery_rub', 'deliveryService'],
  rebill_logistic_cost: ['rebill_logistic_cost', 'rebillLogisticCost'],
  storage_fee: ['storage_fee', 'paidStorage'],
  penalty: ['penalty', 'penalty'],
  acceptance: ['acceptance', 'paidAcceptance'],
  deduction: ['deduction', 'deduction'],
  additional_payment: ['additional_payment', 'additionalPayment'],
} as const;

function pick(row: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) if (row[name] !== undefined && row[name] !== null) return row[name];
  return undefined;
}

function str(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function money(row: Record<string, unknown>, names: readonly string[]): string {
  const value = pick(row, names);
  if (value === undefined) return '0';
  const text = normalizeDecimal(upstreamDecimal(value, names[0]!, WHAT));
  const dot = text.indexOf('.');
  if (dot >= 0 && text.length - dot - 1 > 2) {
    throw new UserError('WB_BAD_RESPONSE', `${WHAT} has ${names[0]} = ${text}, more than 2 decimals: nothing was stored; try again later`, {
      details: { field: names[0], got: text },
    });
  }
  return text;
}

function id(value: unknown, field: string): string {
  const text = str(value);
  if (text === null || !/^\d{1,19}$/.test(text)) {
    throw new UserError(
      'WB_BAD_RESPONSE',
      `${WHAT} has a row whose ${field} is ${JSON.stringify(value)?.slice(0, 40) ?? 'missing'}: nothing was stored; try again later`,
      {
        details: { field, got: value === undefined ? 'missing' : JSON.stringify(value)?.slice(0, 40) },
      },
    );
  }
  return text;
}

/** One report row (either API version). */
export function parseRealizationRow(item: unknown): ParsedRealizationRow {
  if (!item || typeof item !== 'object' || Array.isArray(item)) {
    throw new UserError('WB_BAD_RESPONSE', `${WHAT} has a row that is not an object: nothing was stored; try again later`);
  }
  const row = item as Record<string, unknown>;
  const rrdId = id(pick(row, ['rrd_id', 'rrdId']), 'rrd_id');
  const day = str(pick(row, ['rr_dt', 'rrDate']))?.slice(0, 10) ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) id(undefined, 'rr_dt');
  const nm = str(pick(row, ['nm_id', 'nmId']));
  const quantity = Number(pick(row, ['quantity']) ?? 0);
  if (!Number.isInteger(quantity)) id(pick(row, ['quantity']), 'quantity');
  const out = {
    rrd_id: rrdId,
    report_id: str(pick(row, ['realizationreport_id', 'reportId'])),
    rr_day: day,
    nm_id: nm && nm !== '0' && /^\d+$/.test(nm) ? nm : null,
    vendor_code: str(pick(row, ['sa_name', 'vendorCode'])),
    subject_name: str(pick(row, ['subject_name', 'subjectName'])),
    doc_type_name: str(pick(row, ['doc_type_name', 'docTypeName'])) ?? '',
    supplier_oper_name: str(pick(row, ['supplier_oper_name', 'sellerOperName'])) ?? '',
    bonus_type_name: str(pick(row, ['bonus_type_name', 'bonusTypeName'])),
    quantity,
    srid: str(pick(row, ['srid'])),
  } as ParsedRealizationRow;
  for (const [column, names] of Object.entries(MONEY)) (out as unknown as Record<string, string>)[column] = money(row, names);
  return out;
}
