// `mp wb profit`: per product (nmId) or per day over the realization report's rows of a period
// (Moscow operation days, rr_dt):
//   profit = WB's payout for sales − what it takes back for returns + other payouts and corrections
//            − logistics − storage − penalties − acceptance − deductions − net units × unit cost
// Sums come from PostgreSQL numeric (realization.repository.ts); the rest in integer kopecks.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { type RawWbProfitGroup, realizationProfitGroups } from '../wb/realization.repository.js';
import type { ProfitPeriod } from './period.js';
import { marginPct, minor, money } from './profit-math.js';

export const WB_PROFIT_FORMULA =
  'profit = Σ ppvz_for_pay of sales (doc_type_name Продажа) − Σ ppvz_for_pay of returns (Возврат) + Σ ppvz_for_pay of other rows + Σ additional_payment ' +
  '− logistics (delivery_rub + rebill_logistic_cost) − storage_fee − penalty − acceptance − deduction − (units sold − units returned) × unit cost; ' +
  'by rr_dt (Moscow day); margin = profit / retail amount (retail_amount, returns subtracted)';

const FIELDS = [
  'retail',
  'forPaySales',
  'forPayReturns',
  'forPayOther',
  'additional',
  'logistics',
  'storage',
  'penalties',
  'acceptance',
  'deductions',
  'cost',
] as const;
type Field = (typeof FIELDS)[number];

export interface WbProfitRow {
  /** --by product: the nmId (null: rows WB does not attribute to a product, e.g. storage or deductions of the account). */
  nmId?: string | null;
  vendorCode?: string | null;
  subject?: string | null;
  /** --by day: the Moscow day. */
  day?: string;
  soldUnits: number;
  returnedUnits: number;
  netUnits: number;
  retailAmount: string;
  forPaySales: string;
  forPayReturns: string;
  forPayOther: string;
  additionalPayment: string;
  logistics: string;
  storage: string;
  penalties: string;
  acceptance: string;
  deductions: string;
  /** Net units × unit cost; null when some net units have no cost. */
  cost: string | null;
  profit: string | null;
  marginPct: string | null;
}

export interface WbProfitReport {
  marketplace: 'wb';
  currency: 'RUB';
  cabinet: string;
  period: ProfitPeriod;
  by: 'product' | 'day';
  formula: string;
  rows: WbProfitRow[];
  totals: WbProfitRow & { costed: { revenue: string; profit: string; marginPct: string | null }; productsWithoutCost: string[] };
  warnings: string[];
}

interface Acc {
  key: string;
  first: RawWbProfitGroup;
  sold: number;
  returned: number;
  sums: Record<Field, bigint>;
  known: boolean;
}

function empty(key: string, first: RawWbProfitGroup): Acc {
  return { key, first, sold: 0, returned: 0, sums: Object.fromEntries(FIELDS.map((f) => [f, 0n])) as Record<Field, bigint>, known: true };
}

function add(a: Acc, g: RawWbProfitGroup): void {
  a.sold += Number(g.sold_units);
  a.returned += Number(g.returned_units);
  const s = a.sums;
  s.retail += minor(g.retail_amount);
  s.forPaySales += minor(g.for_pay_sales);
  s.forPayReturns += minor(g.for_pay_returns);
  s.forPayOther += minor(g.for_pay_other);
  s.additional += minor(g.additional);
  s.logistics += minor(g.logistics);
  s.storage += minor(g.storage);
  s.penalties += minor(g.penalties);
  s.acceptance += minor(g.acceptance);
  s.deductions += minor(g.deductions);
  s.cost += minor(g.cost);
  a.known &&= g.cost_known;
}

function profitOf(s: Record<Field, bigint>): bigint {
  return s.forPaySales - s.forPayReturns + s.forPayOther + s.additional - s.logistics - s.storage - s.penalties - s.acceptance - s.deductions - s.cost;
}

function render(a: Acc): WbProfitRow {
  const s = a.sums;
  const profit = profitOf(s);
  return {
    soldUnits: a.sold,
    returnedUnits: a.returned,
    netUnits: a.sold - a.returned,
    retailAmount: money(s.retail),
    forPaySales: money(s.forPaySales),
    forPayReturns: money(s.forPayReturns),
    forPayOther: money(s.forPayOther),
    additionalPayment: money(s.additional),
    logistics: money(s.logistics),
    storage: money(s.storage),
    penalties: money(s.penalties),
    acceptance: money(s.acceptance),
    deductions: money(s.deductions),
    cost: a.known ? money(s.cost) : null,
    profit: a.known ? money(profit) : null,
    marginPct: a.known ? marginPct(profit, s.retail) : null,
  };
}

/** The profit report of cabinets (their rows summed) over a period of Moscow days, per product or per day. */
export async function wbProfit(
  db: Kysely<Database>,
  cabinet: { id: string; name: string },
  period: ProfitPeriod,
  by: 'product' | 'day' = 'product',
): Promise<WbProfitReport> {
  const groups = await realizationProfitGroups(db, [cabinet.id], period.fromDay, period.toDay);
  const rows = new Map<string, Acc>();
  const products = new Map<string, Acc>();
  let total: Acc | undefined;
  for (const g of groups) {
    const key = by === 'product' ? (g.nm_id ?? '') : g.day;
    if (!rows.has(key)) rows.set(key, empty(key, g));
    add(rows.get(key)!, g);
    const pkey = g.nm_id ?? '';
    if (!products.has(pkey)) products.set(pkey, empty(pkey, g));
    add(products.get(pkey)!, g);
    total ??= empty('total', g);
    add(total, g);
  }
  const without = [...products.values()].filter((p) => !p.known).map((p) => p.key);
  const costed = [...products.values()].filter((p) => p.known);
  const costedProfit = costed.reduce((s, p) => s + profitOf(p.sums), 0n);
  const costedRevenue = costed.reduce((s, p) => s + p.sums.retail, 0n);
  const sorted = [...rows.values()].sort((a, b) => (a.key === '' ? 1 : b.key === '' ? -1 : a.key.localeCompare(b.key, 'en', { numeric: true })));
  const zero = empty('total', groups[0] ?? ({ cost_known: true } as RawWbProfitGroup));
  return {
    marketplace: 'wb',
    currency: 'RUB',
    cabinet: cabinet.name,
    period,
    by,
    formula: WB_PROFIT_FORMULA,
    rows: sorted.map((a) =>
      by === 'product' ? { nmId: a.key || null, vendorCode: a.first.vendor_code, subject: a.first.subject_name, ...render(a) } : { day: a.key, ...render(a) },
    ),
    totals: {
      ...render(total ?? zero),
      costed: { revenue: money(costedRevenue), profit: money(costedProfit), marginPct: marginPct(costedProfit, costedRevenue) },
      productsWithoutCost: without,
    },
    warnings: without.length
      ? [
          `${without.length} product(s) sold without a unit cost, their profit is unknown: ${without.slice(0, 10).join(', ')}${without.length > 10 ? ', …' : ''}. Set costs with \`mp costs set wb <nmId> --cost <amount>\` or \`mp costs import\`.`,
        ]
      : [],
  };
}
