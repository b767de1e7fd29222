// `mp kaspi profit`: per product and in total, over the sold orders of a period (Almaty days):
//   profit = revenue − commission − seller delivery − units × unit cost
// Sums come from PostgreSQL numeric (kaspi-profit.repository.ts); the commission and the margin are
// computed here in integer tiyn (profit-math.ts). A product with units and no cost has profit null.
import type { Kysely } from 'kysely';
import { normalizeDecimal } from '../core/money.js';
import { ALMATY, zoneOffsetMinutes } from '../core/time.js';
import type { Database } from '../db/schema.js';
import { CANCELLED_STATUSES, RETURNED_STATUSES } from '../kaspi-orders/sales.repository.js';
import { categoryPaths } from './floor.service.js';
import { type CommissionTable, KASPI_COMMISSIONS, rateFor } from './kaspi-commissions.js';
import { kaspiProfitGroups } from './kaspi-profit.repository.js';
import type { ProfitPeriod } from './period.js';
import { marginPct, minor, money, percentOf } from './profit-math.js';

export interface KaspiProfitRow {
  productCode: string;
  name: string;
  orders: number;
  units: number;
  revenue: string;
  /** The commission rate (percent of the price); null when it changed within the period. */
  commissionPct: string | null;
  commission: string;
  delivery: string;
  /** units × unit cost; null when some units have no cost. */
  cost: string | null;
  profit: string | null;
  /** profit / revenue in percent, 2 decimals. */
  marginPct: string | null;
  /** Units sold on days with no cost for the product (the reason profit is null). */
  unitsWithoutCost: number;
}

export interface KaspiProfitTotals {
  units: number;
  revenue: string;
  commission: string;
  delivery: string;
  cost: string | null;
  profit: string | null;
  marginPct: string | null;
  /** The same over the products whose cost is known (what can be stated when some are not). */
  costed: { products: number; revenue: string; profit: string; marginPct: string | null };
  productsWithoutCost: string[];
}

export interface KaspiProfitReport {
  marketplace: 'kaspi';
  currency: 'KZT';
  period: ProfitPeriod;
  formula: string;
  commissionSource: string;
  rows: KaspiProfitRow[];
  totals: KaspiProfitTotals;
  warnings: string[];
}

export const KASPI_PROFIT_FORMULA =
  'profit = revenue − commission − seller delivery − units × unit cost, over orders neither cancelled ' +
  `(${CANCELLED_STATUSES.join(', ')}) nor returned (${RETURNED_STATUSES.join(', ')}), by creation day in Almaty; ` +
  'commission = revenue × rate (the cost row’s commission_pct, else the category table); margin = profit / revenue';

/** The profit report of a store over a period of Almaty days. */
export async function kaspiProfit(
  db: Kysely<Database>,
  store: { id: string; city_id: string },
  period: ProfitPeriod,
  commissions: CommissionTable = KASPI_COMMISSIONS,
): Promise<KaspiProfitReport> {
  const groups = await kaspiProfitGroups(db, store.id, period.from, period.to, zoneOffsetMinutes(period.from, ALMATY));
  const paths = await categoryPaths(
    db,
    groups.filter((g) => g.cost_commission_pct === null).map((g) => g.product_code),
    store.city_id,
  );
  const byProduct = new Map<string, { row: KaspiProfitRow; revenue: bigint; commission: bigint; delivery: bigint; cost: bigint; rates: Set<string> }>();
  for (const g of groups) {
    const pct = normalizeDecimal(
      g.cost_commission_pct ?? rateFor(commissions, paths.get(g.product_code)?.path ?? [], paths.get(g.product_code)?.entryCategory ?? g.category_title).pct,
    );
    const revenue = minor(g.revenue);
    let p = byProduct.get(g.product_code);
    if (!p) {
      p = {
        row: { productCode: g.product_code, name: g.product_name, orders: 0, units: 0 } as KaspiProfitRow,
        revenue: 0n,
        commission: 0n,
        delivery: 0n,
        cost: 0n,
        rates: new Set(),
      };
      p.row.unitsWithoutCost = 0;
      byProduct.set(g.product_code, p);
    }
    // An order with two cost rows in the period counts in both groups: orders are distinct per group.
    p.row.orders = Math.max(p.row.orders, Number(g.orders));
    p.row.units += Number(g.units);
    p.row.unitsWithoutCost += Number(g.uncosted_units);
    p.revenue += revenue;
    p.commission += percentOf(revenue, pct);
    p.delivery += minor(g.delivery);
    p.cost += minor(g.cost);
    p.rates.add(pct);
  }
  const rows: KaspiProfitRow[] = [];
  const t = { units: 0, revenue: 0n, commission: 0n, delivery: 0n, cost: 0n, costedRevenue: 0n, costedProfit: 0n, costedProducts: 0 };
  const withoutCost: string[] = [];
  for (const p of byProduct.values()) {
    const known = p.row.unitsWithoutCost === 0;
    const profit = p.revenue - p.commission - p.delivery - p.cost;
    rows.push({
      ...p.row,
      revenue: money(p.revenue),
      commissionPct: p.rates.size === 1 ? [...p.rates][0]! : null,
      commission: money(p.commission),
      delivery: money(p.delivery),
      cost: known ? money(p.cost) : null,
      profit: known ? money(profit) : null,
      marginPct: known ? marginPct(profit, p.revenue) : null,
    });
    t.units += p.row.units;
    t.revenue += p.revenue;
    t.commission += p.commission;
    t.delivery += p.delivery;
    t.cost += p.cost;
    if (known) {
      t.costedProducts += 1;
      t.costedRevenue += p.revenue;
      t.costedProfit += profit;
    } else withoutCost.push(p.row.productCode);
  }
  const allKnown = withoutCost.length === 0;
  const profit = t.revenue - t.commission - t.delivery - t.cost;
  const warnings =
    withoutCost.length === 0
      ? []
      : [
          `${withoutCost.length} product(s) sold without a unit cost, their profit is unknown: ${withoutCost.slice(0, 10).join(', ')}${withoutCost.length > 10 ? ', …' : ''}. Set costs with \`mp costs set kaspi <product> --cost <amount>\` or \`mp costs import\`.`,
        ];
  return {
    marketplace: 'kaspi',
    currency: 'KZT',
    period,
    formula: KASPI_PROFIT_FORMULA,
    commissionSource: `${commissions.source}, ${commissions.date}`,
    rows,
    totals: {
      units: t.units,
      revenue: money(t.revenue),
      commission: money(t.commission),
      delivery: money(t.delivery),
      cost: allKnown ? money(t.cost) : null,
      profit: allKnown ? money(profit) : null,
      marginPct: allKnown ? marginPct(profit, t.revenue) : null,
      costed: {
        products: t.costedProducts,
        revenue: money(t.costedRevenue),
        profit: money(t.costedProfit),
        marginPct: marginPct(t.costedProfit, t.costedRevenue),
      },
      productsWithoutCost: withoutCost,
    },
    warnings,
  };
}
