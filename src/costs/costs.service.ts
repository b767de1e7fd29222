// Unit costs: import a file (all rows or none), set one, list them. The day a cost takes effect is
// a calendar day of the marketplace (Almaty for Kaspi, Moscow for WB), like the profit reports.
import type { Kysely } from 'kysely';
import { UsageError, UserError } from '../core/errors.js';
import { readTableFile } from '../core/table-file.js';
import type { TextEncoding } from '../core/text-decode.js';
import { ALMATY, MOSCOW, zonedDate } from '../core/time.js';
import { text } from '../core/validate.js';
import type { Database } from '../db/schema.js';
import {
  amount,
  COST_COLUMNS,
  type CostInput,
  calendarDay,
  currencyOf,
  MARKETPLACE_CURRENCY,
  type Marketplace,
  marketplaceOf,
  parseCostRecord,
  percentText,
} from './cost-row.js';
import { type CostRow, costBefore, deleteCosts, listCosts, upsertCosts } from './costs.repository.js';

export type { CostRow } from './costs.repository.js';

export const MARKETPLACE_ZONE: Record<Marketplace, string> = { kaspi: ALMATY, wb: MOSCOW };

/** Today in the marketplace's zone (YYYY-MM-DD): the default `valid_from`. */
export function marketplaceToday(marketplace: Marketplace, now: Date): string {
  return zonedDate(now, MARKETPLACE_ZONE[marketplace]);
}

/** `--valid-from <date>`, or undefined. */
export function validFromOption(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const day = calendarDay(text);
  if (!day) throw new UsageError('COSTS_BAD_DATE', `--valid-from must be a date like 2026-11-01, got "${text}"`);
  return day;
}

export interface ImportResult {
  file: string;
  imported: number;
  kaspi: number;
  wb: number;
}

/**
 * Validates every row of a costs file first; one bad row rejects the whole file (every problem with
 * its row number), then writes all rows in one transaction. Rows without `valid_from` take
 * `validFrom`, or today in their marketplace's zone.
 */
export async function importCostsFile(
  db: Kysely<Database>,
  path: string,
  o: { validFrom?: string; now: Date; encoding?: TextEncoding },
): Promise<ImportResult> {
  const table = await readTableFile(path, { encoding: o.encoding });
  for (const required of ['marketplace', 'product', 'cost']) {
    if (!table.headers.includes(required)) {
      throw new UserError('COSTS_IMPORT_HEADER', `${path}: no "${required}" column; the header is ${COST_COLUMNS.join(',')} (the last four optional)`);
    }
  }
  const inputs: CostInput[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const record of table.records) {
    const marketplace = marketplaceOf(record.values.marketplace ?? '');
    const fallback = o.validFrom ?? (marketplace ? marketplaceToday(marketplace, o.now) : '');
    const { input, problems: rowProblems } = parseCostRecord(record.values, fallback);
    const key = input ? `${input.marketplace}\u0000${input.product}\u0000${input.validFrom}` : '';
    const first = input ? seen.get(key) : undefined;
    if (input && first !== undefined)
      rowProblems.push(`${input.marketplace} product "${input.product}" from ${input.validFrom} already appears on row ${first}`);
    if (rowProblems.length > 0) problems.push(`row ${record.row}: ${rowProblems.join('; ')}`);
    else if (input) {
      inputs.push(input);
      seen.set(key, record.row);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).join(' | ');
    const more = problems.length > 20 ? ` (and ${problems.length - 20} more)` : '';
    throw new UserError('COSTS_IMPORT_INVALID', `${path}: nothing imported, fix these rows: ${shown}${more}`, { details: { problems } });
  }
  if (inputs.length === 0) throw new UserError('COSTS_IMPORT_EMPTY', `${path} has no cost rows under its header`);
  await db.transaction().execute((trx) => upsertCosts(trx, inputs, `import ${path}`));
  return {
    file: path,
    imported: inputs.length,
    kaspi: inputs.filter((i) => i.marketplace === 'kaspi').length,
    wb: inputs.filter((i) => i.marketplace === 'wb').length,
  };
}

export interface SetOptions {
  cost?: string;
  commissionPct?: string;
  delivery?: string;
  validFrom?: string;
  currency?: string;
}

/**
 * Sets a product's cost from a day on (default today). Commission and delivery not given are carried
 * over from the cost in effect before that day; `none` clears them.
 */
export async function setCost(db: Kysely<Database>, marketplaceText: string, productText: string, o: SetOptions, now: Date): Promise<CostInput> {
  const marketplace = marketplaceOf(marketplaceText);
  if (!marketplace) throw new UsageError('COSTS_BAD_MARKETPLACE', `the marketplace is kaspi or wb, got "${marketplaceText}"`);
  const product = text(productText, 'the product', { max: 128 });
  const validFrom = validFromOption(o.validFrom) ?? marketplaceToday(marketplace, now);
  const previous = await costBefore(db, marketplace, product, validFrom);
  const costText = o.cost ?? previous?.cost;
  if (costText === undefined) throw new UsageError('COSTS_NO_COST', `give --cost: ${marketplace} product "${product}" has no cost before ${validFrom}`);
  let currency = previous?.currency ?? MARKETPLACE_CURRENCY[marketplace];
  if (o.currency !== undefined) {
    const code = currencyOf(o.currency);
    if (!code) throw new UsageError('COSTS_BAD_VALUE', `--currency must be a three-letter code like KZT or RUB, got "${o.currency}"`);
    currency = code;
  }
  const input: CostInput = {
    marketplace,
    product,
    validFrom,
    cost: amount(costText, '--cost'),
    currency,
    commissionPct: optional(o.commissionPct, previous?.commission_pct ?? null, (t) => percentText(t, '--commission-pct')),
    delivery: optional(o.delivery, previous?.delivery ?? null, (t) => amount(t, '--delivery')),
  };
  await db.transaction().execute((trx) => upsertCosts(trx, [input], 'set'));
  return input;
}

function optional(flag: string | undefined, previous: string | null, parse: (text: string) => string): string | null {
  if (flag === undefined) return previous;
  if (flag.trim().toLowerCase() === 'none' || flag.trim() === '') return null;
  return parse(flag);
}

/**
 * The costs of one marketplace (or both) and product (or all): every version with `history`, those in
 * effect on `at`, else those in effect today — the marketplace's own day (Almaty for Kaspi, Moscow for WB).
 */
export async function costsOf(
  db: Kysely<Database>,
  o: { marketplace?: Marketplace; product?: string; at?: string; history?: boolean; now: Date },
): Promise<CostRow[]> {
  const filter = { marketplace: o.marketplace, products: o.product ? [o.product] : undefined };
  if (o.history) return listCosts(db, filter);
  if (o.at) return listCosts(db, { ...filter, at: o.at });
  const kaspi = o.marketplace === 'wb' ? [] : await listCosts(db, { ...filter, marketplace: 'kaspi', at: marketplaceToday('kaspi', o.now) });
  const wb = o.marketplace === 'kaspi' ? [] : await listCosts(db, { ...filter, marketplace: 'wb', at: marketplaceToday('wb', o.now) });
  return [...kaspi, ...wb];
}

/** Removes a product's cost (the version from `validFrom`, else every version); returns how many rows went. */
export function removeCost(db: Kysely<Database>, marketplace: Marketplace, product: string, validFrom?: string): Promise<number> {
  return deleteCosts(db, marketplace, product, validFrom);
}
