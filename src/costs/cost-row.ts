// One unit cost as the seller writes it (a file row or `mp costs set` flags), checked and typed. Pure.
// Money is read exactly (at most 2 decimals, never rounded); a decimal comma and spaces as thousands
// separators are accepted, as Excel in ru/kz locales writes them.

import { percentPoints } from '../core/percent.js';
import { attempt, decimal, isCalendarDate, text } from '../core/validate.js';

export const MARKETPLACES = ['kaspi', 'wb'] as const;
export type Marketplace = (typeof MARKETPLACES)[number];

/** The currency costs are in unless a row says otherwise: the marketplace's own. */
export const MARKETPLACE_CURRENCY: Record<Marketplace, string> = { kaspi: 'KZT', wb: 'RUB' };

/** The columns of a costs file, in the order `mp costs export` writes them. */
export const COST_COLUMNS = ['marketplace', 'product', 'cost', 'commission_pct', 'delivery', 'valid_from', 'currency'] as const;

export interface CostInput {
  marketplace: Marketplace;
  product: string;
  /** YYYY-MM-DD. */
  validFrom: string;
  cost: string;
  currency: string;
  commissionPct: string | null;
  delivery: string | null;
}

const MAX_AMOUNT = '1000000000000';

/** A decimal amount as spreadsheets write it: spaces (also no-break) dropped, a lone decimal comma read as a point. */
export function spreadsheetNumber(raw: string): string {
  const t = raw.replace(/[\s\u00a0\u202f]/g, '');
  return !t.includes('.') && /^-?\d*,\d+$/.test(t) ? t.replace(',', '.') : t;
}

/** An amount of money ≥ 0 with at most 2 decimals. */
export function amount(raw: string, label: string): string {
  return decimal(spreadsheetNumber(raw), label, { scale: 2, min: '0', max: MAX_AMOUNT });
}

/** A percentage from a file or a flag (a decimal comma accepted), 0 ≤ p < 100, at most 4 decimals. */
export function percentText(raw: string, label: string): string {
  return percentPoints(spreadsheetNumber(raw.replace(/%$/, '')), label);
}

/**
 * A calendar date: `2026-11-01`, `01.11.2026` (ru/kz spreadsheets) or an XLSX date cell read as
 * `2026-11-01T00:00:00.000Z`. Returns YYYY-MM-DD or undefined.
 */
export function calendarDay(raw: string): string | undefined {
  const t = raw.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:T00:00(?::00(?:\.0+)?)?Z?)?$/.exec(t);
  let ymd: [number, number, number] | undefined = m ? [+m[1]!, +m[2]!, +m[3]!] : undefined;
  if (!ymd) {
    m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(t);
    if (m) ymd = [+m[3]!, +m[2]!, +m[1]!];
  }
  if (!ymd || !isCalendarDate(...ymd) || ymd[0] < 2000 || ymd[0] > 2100) return undefined;
  return `${ymd[0]}-${String(ymd[1]).padStart(2, '0')}-${String(ymd[2]).padStart(2, '0')}`;
}

/** The marketplace named in a file or a flag (`kaspi`, `wb`; case-insensitive). */
export function marketplaceOf(raw: string): Marketplace | undefined {
  const t = raw.trim().toLowerCase();
  return (MARKETPLACES as readonly string[]).includes(t) ? (t as Marketplace) : undefined;
}

/** A currency code: three letters, upper case. */
export function currencyOf(raw: string): string | undefined {
  const t = raw.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(t) ? t : undefined;
}

/**
 * Parses one row of a costs file (values keyed by lower-case header); `validFrom` is used when the
 * row has no `valid_from`. Returns the problems (empty when valid).
 */
export function parseCostRecord(values: Record<string, string>, validFrom: string): { input?: CostInput; problems: string[] } {
  const problems: string[] = [];
  const check = <T>(fn: () => T): T | undefined => {
    const r = attempt(fn);
    if (r.ok) return r.value;
    problems.push(r.error.message);
    return undefined;
  };
  const marketplaceText = values.marketplace ?? '';
  const marketplace = marketplaceOf(marketplaceText);
  if (!marketplace) problems.push(`marketplace must be kaspi or wb, got "${marketplaceText}"`);
  const product = check(() => text(values.product ?? '', 'product', { max: 128 }));
  const costText = values.cost ?? '';
  let cost: string | undefined;
  if (costText.trim() === '') problems.push('cost is empty');
  else cost = check(() => amount(costText, 'cost'));
  const commissionText = values.commission_pct ?? '';
  const commissionPct = commissionText.trim() === '' ? null : check(() => percentText(commissionText, 'commission_pct'));
  const deliveryText = values.delivery ?? '';
  const delivery = deliveryText.trim() === '' ? null : check(() => amount(deliveryText, 'delivery'));
  const dateText = values.valid_from ?? '';
  const day = dateText.trim() === '' ? validFrom : calendarDay(dateText);
  if (!day) problems.push(`valid_from must be a date like 2026-11-01 or 01.11.2026, got "${dateText}"`);
  const currencyText = values.currency ?? '';
  const currency = currencyText.trim() === '' ? (marketplace ? MARKETPLACE_CURRENCY[marketplace] : undefined) : currencyOf(currencyText);
  if (currencyText.trim() !== '' && !currency) problems.push(`currency must be a three-letter code like KZT or RUB, got "${currencyText}"`);
  if (marketplace === 'wb' && product !== undefined && /^\d+$/.test(product) && product.length > 12) {
    problems.push(`product "${product}" is not a WB nmId (too long)`);
  }
  if (
    problems.length > 0 ||
    !marketplace ||
    product === undefined ||
    cost === undefined ||
    !day ||
    !currency ||
    commissionPct === undefined ||
    delivery === undefined
  ) {
    return { problems };
  }
  return { problems, input: { marketplace, product, validFrom: day, cost, currency, commissionPct, delivery } };
}
